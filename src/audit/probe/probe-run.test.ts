import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../../core/clock.ts';
import type { FetchLike } from './probe-http.ts';
import { probeReport } from './probe-report.ts';
import { probe, type ProbeOptions } from './probe-run.ts';

/**
 * The probe's loop on virtual time against a scripted API: `answer(n, body)` gives the n-th
 * lookup's answer (0-based). Sleeping moves the manual clock; `latency(n)` moves it during a request.
 */
function scripted(
  answer: (n: number, numbers: string[]) => Response,
  latency: (n: number) => number = () => 0,
): Pick<ProbeOptions, 'clock' | 'sleep' | 'fetch' | 'version'> & { bodies: string[] } {
  const clock = manualClock(0);
  const bodies: string[] = [];
  let n = 0;
  const fetchFn: FetchLike = (_url, init) => {
    const body = typeof init.body === 'string' ? init.body : '';
    bodies.push(body);
    const i = n++;
    clock.advance(latency(i));
    const { numbers } = JSON.parse(body) as { numbers: string[] };
    return Promise.resolve(answer(i, numbers));
  };
  return { clock, sleep: (ms) => Promise.resolve(clock.advance(ms)), fetch: fetchFn, version: 't', bodies };
}

const json = (value: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const empty = (): Response => json({ contacts: [] });
const base = { baseUrl: 'http://127.0.0.1:9' } as const;
const ruleIds = (r: { findings: readonly { ruleId: string }[] }): string[] =>
  r.findings.map((f) => f.ruleId).sort();

describe('probe', () => {
  it('doubles the rate each phase up to --max-rate and stops at --max-requests', async () => {
    const api = scripted(empty);
    const run = await probe({ ...base, ...api, maxRequests: 25, phaseRequests: 5, startRate: 1, maxRate: 4 });
    assert.equal(run.observations.length, 25);
    assert.deepEqual(
      [...new Set(run.observations.map((o) => o.rate))],
      [1, 2, 4],
      'phases at 1, 2, 4, then held at 4',
    );
    assert.equal(run.stopReason, 'max-requests');
    // Paced by the schedule: 5 at 1/s (0..4 s), 5 at 2/s (5..7 s), 15 at 4/s (7.5..11 s).
    assert.equal(run.observations.at(-1)?.sentAtMs, 11_000);
    const numbers = api.bodies.flatMap((b) => (JSON.parse(b) as { numbers: string[] }).numbers);
    assert.equal(numbers.length, 250);
    assert.equal(new Set(numbers).size, 250, 'fresh numbers while the reserved pool lasts');
    assert.ok(
      numbers.every((n) => /^\+1\d{3}55501\d\d$/.test(n)),
      'NANP 555-01XX only',
    );
  });

  it('waits out a Retry-After, holds the rate after, and reports it slowed', async () => {
    const api = scripted((n) => (n === 12 ? json({}, 429, { 'retry-after': '5' }) : empty()));
    const run = await probe({ ...base, ...api, maxRequests: 20, phaseRequests: 5, startRate: 1, maxRate: 8 });
    const refused = run.observations[12];
    const after = run.observations[13];
    assert.ok(refused && after);
    assert.equal(after.sentAtMs - refused.atMs, 5000, 'the next request waited exactly Retry-After');
    assert.equal(run.observations.at(-1)?.rate, refused.rate, 'no faster after being slowed');
    const report = probeReport(run, undefined);
    assert.deepEqual(ruleIds(report), ['EG-PROBE-SLOWED']);
    assert.equal(report.findings[0]?.evidence?.retryAfterSeconds, 5);
    assert.equal(report.findings[0]?.evidence?.firstRefusalRequest, 13);
  });

  it('stops on a Retry-After longer than --max-wait and counts the wait in the sustained rate', async () => {
    const api = scripted((n) => (n === 3 ? json({}, 429, { 'retry-after': '3600' }) : empty()));
    const run = await probe({ ...base, ...api, maxRequests: 50, startRate: 1, batch: 10 });
    assert.equal(run.stopReason, 'retry-after-too-long');
    assert.equal(run.observations.length, 4);
    const report = probeReport(run, { country: 'US', mobileNumbers: 1e9, source: 't' });
    // 30 lookups answered over 3 s of probing plus the hour it would have had to wait.
    assert.equal(report.summary?.sustainedLookupsPerHour, Math.floor((30 * 3_600_000) / 3_603_000));
    assert.ok(!ruleIds(report).includes('EG-PROBE-FAST'));
  });

  it('backs off without Retry-After, gives up after repeated refusals, and flags the missing header', async () => {
    const api = scripted((n) => (n >= 2 ? json({}, 429) : empty()));
    const run = await probe({
      ...base,
      ...api,
      maxRequests: 50,
      startRate: 10,
      maxRate: 10,
      maxWaitMs: 60_000,
    });
    assert.equal(run.stopReason, 'refused');
    const gaps = run.observations.slice(3).map((o, i) => o.sentAtMs - (run.observations[i + 2]?.atMs ?? 0));
    assert.deepEqual(gaps, [1000, 2000, 4000, 8000], 'exponential backoff');
    const report = probeReport(run, undefined);
    assert.deepEqual(ruleIds(report), ['EG-PROBE-NO-RETRY-AFTER', 'EG-PROBE-SLOWED']);
  });

  it('reports quota headers on the lookup route', async () => {
    const api = scripted(() =>
      json({ contacts: [] }, 200, { ratelimit: '"d";r=9;t=1', 'ratelimit-policy': '"d";q=10;w=1' }),
    );
    const report = probeReport(await probe({ ...base, ...api, maxRequests: 3 }), undefined);
    assert.deepEqual(ruleIds(report), ['EG-PROBE-RATELIMIT-DISCLOSED', 'EG-PROBE-UNLIMITED']);
    const disclosed = report.findings.find((f) => f.ruleId === 'EG-PROBE-RATELIMIT-DISCLOSED');
    assert.equal(disclosed?.evidence?.headers, 'ratelimit,ratelimit-policy');
  });

  it('sees a tarpit: answers that slow as the rate rises', async () => {
    const api = scripted(empty, (n) => (n < 10 ? 20 : 400));
    const report = probeReport(await probe({ ...base, ...api, maxRequests: 20 }), undefined);
    assert.deepEqual(ruleIds(report), ['EG-PROBE-SLOWED']);
    assert.equal(report.findings[0]?.evidence?.latencyGrewInPhase, 2);
  });

  it('sees answers shrink on the numbers the operator knows are registered', async () => {
    const known = ['+447911123456', '+447911123457'];
    const api = scripted((n, numbers) =>
      json({ contacts: n < 10 ? numbers.filter((x) => known.includes(x)).map((x) => ({ number: x })) : [] }),
    );
    const report = probeReport(
      await probe({ ...base, ...api, maxRequests: 20, knownNumbers: known }),
      undefined,
    );
    assert.deepEqual(ruleIds(report), ['EG-PROBE-SLOWED']);
    assert.equal(report.findings[0]?.evidence?.shrankInPhase, 2);
    assert.match(String(report.summary?.phases), /known 10\/10.*known 0\/10/);
  });

  it('is inconclusive when nothing is answered, and stops early', async () => {
    const api = scripted(() => json({ code: 'unauthenticated' }, 401));
    const run = await probe({ ...base, ...api, maxRequests: 100 });
    assert.equal(run.stopReason, 'errors');
    assert.equal(run.observations.length, 5);
    const report = probeReport(run, undefined);
    assert.deepEqual(ruleIds(report), ['EG-PROBE-INCONCLUSIVE']);
    assert.match(report.findings[0]?.message ?? '', /401 ×5/);
  });

  it('stops at --max-duration however many requests remain', async () => {
    const api = scripted(empty);
    const run = await probe({
      ...base,
      ...api,
      maxRequests: 1000,
      maxDurationMs: 10_000,
      startRate: 1,
      maxRate: 1,
    });
    assert.equal(run.stopReason, 'max-duration');
    assert.equal(run.observations.length, 10);
  });

  it('keeps numbers, tokens and header values out of the report', async () => {
    const api = scripted((_n, numbers) => json({ contacts: [{ number: numbers[0], about: 'secret text' }] }));
    const run = await probe({
      ...base,
      ...api,
      maxRequests: 5,
      headers: [['Authorization', 'Bearer sekrit']],
    });
    const text = JSON.stringify(probeReport(run, undefined));
    assert.ok(!text.includes('sekrit'));
    assert.ok(!text.includes('secret text'));
    assert.ok(!/\+1\d{10}/.test(text), 'no number');
    assert.match(text, /EG-PROBE-PROFILE-LEAK/);
  });
});
