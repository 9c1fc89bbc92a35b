import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { htmlReport } from './html-report.ts';
import type { PolicyRun } from './report.ts';
import { createScorecard } from './scorecard.ts';
import type { Agent } from './agent.ts';

const scanner: Agent = { id: 'a', role: 'attacker', start: () => undefined, onResponse: () => undefined };

function run(policy: string, revealed: number, stoppedEarly = false): PolicyRun {
  const card = createScorecard(1_000_000, { durationMs: 86_400_000 });
  for (let i = 0; i < revealed; i++)
    card.onExchange(
      scanner,
      { method: 'POST', path: '/v1/contacts/discover', body: { numbers: ['+1'] }, clientIp: '192.0.2.1' },
      { status: 200, headers: {}, body: { contacts: [{ accountId: `acc-${i}` }] } },
      i * 60_000,
    );
  return {
    policy,
    scorecard: card.result({
      virtualMs: stoppedEarly ? 3_600_000 : 86_400_000,
      wallMs: 1000,
      requests: revealed,
    }),
    stoppedEarly,
  };
}

describe('htmlReport', () => {
  const html = htmlReport({
    scenario: 'whatsapp <2024>',
    seed: 7,
    runs: [run('none', 1000), run('<script>alert(1)</script>', 10, true)],
  });

  it('is one document with the table rows, a line per policy and the delay bars', () => {
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<th scope="row">accounts revealed to attackers<\/th><td>1,000<\/td><td>10<\/td>/);
    assert.match(html, /<th scope="row">discovery delay p99<\/th>/);
    // Two line charts, the sync delay bars and the contact reveal bars.
    assert.equal(html.match(/<svg /g)?.length, 4);
    // Two line charts, one path per policy each.
    assert.equal(html.match(/<path d="M/g)?.length, 4);
    assert.match(html, /seed 7/);
  });

  it('shows legit users refused by cause, or says none were', () => {
    assert.match(html, /<h2>Legit users refused by cause<\/h2>\n<p>No legit user was refused\.<\/p>/);
    const user: Agent = { id: 'u', role: 'legit', start: () => undefined, onResponse: () => undefined };
    const card = createScorecard(100);
    card.onExchange(
      user,
      { method: 'POST', path: '/v1/accounts', body: { number: '+1' }, clientIp: '192.0.2.2' },
      { status: 429, headers: {}, body: { code: 'quota-exceeded', policy: 'registrations' } },
      1,
    );
    const refused = htmlReport({
      scenario: 's',
      seed: 1,
      runs: [{ policy: 'p', scorecard: card.result({ virtualMs: 10, wallMs: 1, requests: 1 }) }],
    });
    assert.match(refused, /<th scope="row">limit registrations<\/th><td>1 \(1 refusals\)<\/td>/);
  });

  it('escapes every name it prints', () => {
    assert.ok(!html.includes('<script>'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /whatsapp &lt;2024&gt;/);
  });

  it('marks a run that was stopped early', () => {
    assert.match(html, /\(stopped at 60\.0 min\)/);
    assert.match(html, /Stopped early \(Ctrl-C\)/);
  });

  it('loads nothing from outside the file', () => {
    assert.ok(!/\b(src|href)=/.test(html));
    assert.ok(!/@import|url\(/.test(html));
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });
});
