import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { isEnumguardError } from '../../src/core/errors.ts';
import { riskModel } from '../../src/core/risk.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { createResilientStore } from '../../src/stores/resilient-store.ts';
import type { StoreAdmin } from '../../src/stores/risk-subject.ts';
import type { Store } from '../../src/stores/store.ts';

/**
 * Regression: the resilient store bounded every request-path call to the shared store by
 * timeoutMs, but passed the admin API's calls (risky, blocks, block, lift) straight through.
 * A Redis that stops answering without closing its connection (paused, swapping, a partition
 * that drops packets) held each admin request open for ever: the dashboard, polling every 2 s,
 * piled up requests that never answered instead of showing "the store did not answer" (503).
 * Admin calls now get their own, longer bound (`adminTimeoutMs`) and reject with
 * ERR_STORE_UNAVAILABLE, which the admin API answers as 503.
 */
const model = riskModel({
  halfLifeMs: 3_600_000,
  thresholds: { observe: 10, shrink: 25, challenge: 50, block: 100 },
  shrinkFactor: 0.25,
  block: { baseMs: 3_600_000, multiplier: 4, maxMs: 86_400_000, forgetAfterMs: 86_400_000 },
});

function stalledPrimary(): Store {
  const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
  const admin: StoreAdmin = { top: never, blocks: never, block: never, lift: never };
  const backing = createMemoryStore({ clock: manualClock(0), seed: [1, 2] });
  return { ...backing, name: 'stalled', admin };
}

describe('admin calls to a stalled shared store', () => {
  for (const call of ['top', 'blocks', 'block', 'lift'] as const) {
    it(`${call} rejects with ERR_STORE_UNAVAILABLE instead of waiting for ever`, async () => {
      const store = createResilientStore({
        primary: stalledPrimary(),
        clock: manualClock(0),
        adminTimeoutMs: 25,
      });
      const admin = store.admin;
      assert.ok(admin !== undefined);
      const subject = { kind: 'network', prefix: '198.51.100.0/24' } as const;
      const pending =
        call === 'top'
          ? admin.top(model, 10)
          : call === 'blocks'
            ? admin.blocks(model)
            : call === 'block'
              ? admin.block(model, subject, 60_000)
              : admin.lift(model, subject);
      await assert.rejects(pending, (err) => isEnumguardError(err, 'ERR_STORE_UNAVAILABLE'));
    });
  }
});
