import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import { compilePolicy } from '../../policy/index.ts';
import { createMemoryStore } from '../../stores/memory-store.ts';
import { createPipeline } from '../pipeline.ts';

function pipeline(pointer: string) {
  const clock = manualClock(0);
  const policy = compilePolicy(`
version: 1
routes:
  - id: lookup
    match: { method: POST, path: /lookup }
    auth: none
    limits:
      - { key: ip, rate: 100/1h, cost: ${pointer} }
  - id: plain
    match: { method: POST, path: /plain }
    auth: none
    limits:
      - { key: ip, rate: 100/1h }
`);
  const p = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
  return (body: unknown, rawBody?: string, path = '/lookup') =>
    p.admit({ method: 'POST', url: path, headers: {}, remoteAddress: '192.0.2.1', body, rawBody });
}

const detail = (a: { allowed: boolean; response?: { body: string } }) =>
  (JSON.parse(a.response?.body ?? '{}') as { detail?: string }).detail;

describe('body-shape step', () => {
  it('allows a body with an array at the pointer, even an empty one', async () => {
    const admit = pipeline('/numbers');
    assert.equal((await admit({ numbers: ['+1'] })).allowed, true);
    assert.equal((await admit({ numbers: [] })).allowed, true);
  });

  it('refuses a case variant beside or instead of the pointer key', async () => {
    const admit = pipeline('/numbers');
    const verdict = await admit({ numbers: [], NUMBERS: ['+1', '+2'] });
    assert.equal(verdict.allowed, false);
    assert.equal(
      detail(verdict as never),
      'the request body has the key "NUMBERS", which differs from "numbers" (at /numbers) only by case',
    );
  });

  it('refuses a body without the array: undefined, a top-level array, a missing member', async () => {
    const admit = pipeline('/numbers');
    for (const body of [undefined, ['+1'], {}, { numbers: null }, 'numbers']) {
      const verdict = await admit(body);
      assert.equal(verdict.allowed, false, JSON.stringify(body));
      assert.match(detail(verdict) ?? '', /array at \/numbers/);
    }
  });

  it('walks a pointer through arrays and nested objects', async () => {
    const admit = pipeline('/q/0/n');
    assert.equal((await admit({ q: [{ n: ['+1'] }] })).allowed, true);
    assert.equal((await admit({ q: [] })).allowed, false);
    assert.equal((await admit({ q: [{ N: ['+1'], n: [] }] })).allowed, false);
  });

  it('refuses duplicate keys only when the transport passes the raw text', async () => {
    const admit = pipeline('/numbers');
    const raw = '{"numbers":["+1"],"numbers":[]}';
    const parsed = JSON.parse(raw) as unknown;
    assert.equal((await admit(parsed)).allowed, true);
    const verdict = await admit(parsed, raw);
    assert.equal(verdict.allowed, false);
    assert.equal(
      detail(verdict as never),
      'the request body has a duplicate key in the object at its top level',
    );
  });

  it('leaves routes that do not read the body alone', async () => {
    const admit = pipeline('/numbers');
    assert.equal((await admit(['+1'], '{"a":1,"a":2}', '/plain')).allowed, true);
  });
});
