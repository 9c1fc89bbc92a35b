import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRequest, AgentResponse } from './agent.ts';
import {
  createContactDelays,
  MUTUAL,
  NOT_REGISTERED,
  REGISTERED,
  type ContactTruth,
} from './scorecard-contact-delay.ts';

/** +1x hold the user's number, +2x are other registered contacts, +3x are not registered. */
const truth: ContactTruth = (_user, numbers) =>
  Uint8Array.from(numbers, (n) =>
    n.startsWith('+1') ? MUTUAL : n.startsWith('+2') ? REGISTERED : NOT_REGISTERED,
  );
const lookup = (numbers: string[]): AgentRequest => ({
  method: 'POST',
  path: '/v1/contacts/discover',
  body: { numbers },
  clientIp: '192.0.2.1',
});
const found = (numbers: string[]): AgentResponse => ({
  status: 200,
  headers: {},
  body: { contacts: numbers.map((number) => ({ number, accountId: number })) },
});
const near = (actual: number | null, expected: number): void =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= expected * 0.03 + 1, `${actual} ≉ ${expected}`);

describe('createContactDelays', () => {
  it("splits first-reveal delays of contacts who hold the user's number from the other registered ones", () => {
    const d = createContactDelays(() => true);
    d.onSyncStart('u', 0, 1_000);
    d.onLookup('u', lookup(['+11', '+21', '+31', '+22']), 1_000, truth);
    d.onAnswer('u', found(['+11']), 1_000); // mutual at once; the others held back
    d.onLookup('u', lookup(['+21', '+22']), 61_000, truth); // a deferred round re-asks
    d.onAnswer('u', found(['+21', '+22']), 61_000);
    d.onSyncEnd('u', 0);
    const r = d.result();
    assert.deepEqual(r.mutual, { contacts: 1, unrevealed: 0, p50Ms: 0, p99Ms: 0 });
    assert.equal(r.other.contacts, 2);
    near(r.other.p99Ms, 60_000);
  });

  it("counts contacts never revealed by their sync's end as unrevealed, pushing the p99 past the run", () => {
    const d = createContactDelays(() => true);
    d.onSyncStart('u', 0, 0);
    const others = Array.from({ length: 100 }, (_, i) => `+2${i}`);
    d.onLookup('u', lookup(others), 0, truth);
    d.onAnswer('u', found(others.slice(0, 98)), 5_000);
    d.onSyncEnd('u', 0);
    // A later sync asks the same numbers again: measured from its own start.
    d.onSyncStart('u', 1, 100_000);
    d.onLookup('u', lookup(others.slice(98)), 100_000, truth);
    d.onAnswer('u', found(others.slice(98, 99)), 102_000);
    const r = d.result(); // the run ends with +299 still pending
    assert.equal(r.other.contacts, 102);
    assert.equal(r.other.unrevealed, 3);
    near(r.other.p50Ms, 5_000);
    assert.equal(r.other.p99Ms, null, 'more than 1% never revealed: the p99 is beyond the run');
  });

  it('tracks only the users it is told to, and ignores lookups outside a sync', () => {
    const d = createContactDelays((u) => u === 'tracked');
    d.onSyncStart('other', 0, 0);
    d.onLookup('other', lookup(['+11']), 0, truth);
    d.onLookup('tracked', lookup(['+11']), 0, truth);
    assert.equal(d.result().mutual.contacts, 0);
  });
});
