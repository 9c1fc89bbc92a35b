import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import { createCircuitBreaker, type BreakerState } from './circuit-breaker.ts';

function setup(failures = 3, windowMs = 1000, openMs = 500) {
  const clock = manualClock(0);
  const changes: string[] = [];
  const breaker = createCircuitBreaker({
    clock,
    failures,
    windowMs,
    openMs,
    onStateChange: (to: BreakerState, from: BreakerState) => changes.push(`${from}->${to}`),
  });
  const fail = () => {
    const t = breaker.acquire();
    assert.notEqual(t, undefined);
    breaker.failure(t as number);
  };
  return { clock, breaker, changes, fail };
}

describe('createCircuitBreaker', () => {
  it('opens at the 3rd failure within the window, and refuses tickets while open', () => {
    const { breaker, changes, fail } = setup();
    fail();
    fail();
    assert.equal(breaker.state(), 'closed');
    fail();
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.acquire(), undefined);
    assert.deepEqual(changes, ['closed->open']);
  });

  it('stays closed when the failures are spread wider than the window', () => {
    const { breaker, clock, fail } = setup();
    for (let i = 0; i < 10; i++) {
      fail();
      clock.advance(600);
    }
    assert.equal(breaker.state(), 'closed');
  });

  it('goes half-open after openMs and lets one probe through at a time', () => {
    const { breaker, clock, changes, fail } = setup();
    fail();
    fail();
    fail();
    clock.advance(499);
    assert.equal(breaker.acquire(), undefined);
    clock.advance(1);
    const probe = breaker.acquire();
    assert.notEqual(probe, undefined);
    assert.equal(breaker.state(), 'half-open');
    assert.equal(breaker.acquire(), undefined, 'a second caller waits for the probe');
    breaker.success(probe as number);
    assert.equal(breaker.state(), 'closed');
    assert.deepEqual(changes, ['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('re-opens on a failed probe, for another openMs', () => {
    const { breaker, clock, fail } = setup();
    fail();
    fail();
    fail();
    clock.advance(500);
    breaker.failure(breaker.acquire() as number);
    assert.equal(breaker.state(), 'open');
    clock.advance(499);
    assert.equal(breaker.acquire(), undefined);
    clock.advance(1);
    assert.notEqual(breaker.acquire(), undefined);
  });

  it('ignores the verdict of a call granted before the last transition', () => {
    const { breaker, clock, fail } = setup();
    const straggler = breaker.acquire() as number;
    fail();
    fail();
    fail();
    clock.advance(500);
    const probe = breaker.acquire() as number;
    breaker.success(straggler);
    assert.equal(breaker.state(), 'half-open', 'a straggler does not close the circuit');
    breaker.failure(straggler);
    assert.equal(breaker.state(), 'half-open', 'nor re-open it');
    breaker.release(probe);
    assert.notEqual(breaker.acquire(), undefined, 'a released probe lets the next one go');
  });

  it('refuses bad settings with ERR_CONFIG', () => {
    assert.throws(
      () => createCircuitBreaker({ clock: manualClock(0), failures: 0 }),
      (err: unknown) => isEnumguardError(err, 'ERR_CONFIG'),
    );
    assert.throws(
      () => createCircuitBreaker({ clock: manualClock(0), openMs: -1 }),
      (err: unknown) => isEnumguardError(err, 'ERR_CONFIG'),
    );
  });
});
