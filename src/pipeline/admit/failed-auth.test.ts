import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import type { LimitSpec } from '../../core/limit.ts';
import type { CompiledRoute } from '../../policy/types.ts';
import { createMemoryStore } from '../../stores/memory-store.ts';
import type { Admission } from '../types.ts';
import { createFailedAuthGuard, PENALTY_BOX_SIZE } from './failed-auth.ts';
import { requestState, type RequestState } from './request-state.ts';

const SPEC: LimitSpec = {
  id: 'identities/failed-auth',
  algorithm: 'gcra',
  limit: 1,
  windowMs: 60_000,
  burst: 1,
};
const ROUTE = { id: 'r', storeUnavailable: 'local' } as unknown as CompiledRoute;
const UNAUTHENTICATED = { allowed: false } as unknown as Admission;

function from(ip: string): RequestState {
  return requestState({ method: 'GET', url: '/', headers: {}, remoteAddress: ip }, ROUTE, {
    ip,
    identity: undefined,
  });
}

function setup() {
  const clock = manualClock(1_000_000);
  return { clock, guard: createFailedAuthGuard(SPEC, createMemoryStore({ clock }), clock) };
}

describe('createFailedAuthGuard', () => {
  it('boxes an address whose bucket the failure emptied, until its next unit is due', () => {
    const { clock, guard } = setup();
    assert.equal(guard.refusal(from('192.0.2.1')), undefined);
    assert.equal(guard.failed(from('192.0.2.1'), UNAUTHENTICATED), UNAUTHENTICATED);
    const boxed = guard.refusal(from('192.0.2.1'));
    assert.equal(boxed?.allowed === false && boxed.response.headers['retry-after'], '60');
    assert.equal(guard.refusal(from('192.0.2.2')), undefined);
    clock.advance(60_000);
    assert.equal(guard.refusal(from('192.0.2.1')), undefined);
  });

  it(`holds at most ${PENALTY_BOX_SIZE} addresses, dropping the oldest when none has expired`, () => {
    const { guard } = setup();
    for (let i = 0; i <= PENALTY_BOX_SIZE; i++) {
      void guard.failed(from(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`), UNAUTHENTICATED);
    }
    assert.equal(guard.refusal(from('10.0.0.0')), undefined, 'the oldest entry was dropped');
    assert.notEqual(guard.refusal(from('10.0.0.1')), undefined);
    assert.notEqual(guard.refusal(from('10.0.39.16')), undefined, 'the newest entry is held');
  });

  it('leaves the 401 alone when the store cannot answer', async () => {
    const clock = manualClock(0);
    const failing = {
      name: 'down',
      consume: () => Promise.reject(new Error('down')),
      signal: () => Promise.reject(new Error('down')),
      clear: () => undefined,
      close: () => Promise.resolve(),
    };
    const guard = createFailedAuthGuard(SPEC, failing, clock);
    assert.equal(await guard.failed(from('192.0.2.1'), UNAUTHENTICATED), UNAUTHENTICATED);
    assert.equal(guard.refusal(from('192.0.2.1')), undefined);
  });
});
