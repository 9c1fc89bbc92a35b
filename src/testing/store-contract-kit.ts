import type { TestContext } from 'node:test';
import type { LimitCheck, LimitSpec } from '../core/limit.ts';
import type { RiskedOutcome, RiskLookup, Store } from '../stores/store.ts';

/** The Store contract's types and helpers, shared by store-contract.ts and its risk half. */
export interface StoreUnderTest {
  readonly store: Store;
  /** Moves the time the store decides with forward by `ms`. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export interface ContractContext {
  /** Where the store's clock must start: a whole day, so fixed and sliding windows start there. */
  readonly startMs: number;
  readonly t: TestContext;
}

export type StoreSetup = (context: ContractContext) => Promise<StoreUnderTest | undefined>;

/** 2026-01-01T00:00:00Z: aligned to every window the cases use. */
export const CONTRACT_START_MS = Date.UTC(2026, 0, 1);

/** Registers one case: a fresh store from `setup`, closed afterwards. */
export type ContractCase = (title: string, body: (s: StoreUnderTest) => Promise<void>) => void;

export const spec = (
  id: string,
  algorithm: LimitSpec['algorithm'],
  limit: number,
  windowMs: number,
  burst = limit,
): LimitSpec => ({ id, algorithm, limit, windowMs, burst });

export const check = (s: LimitSpec, key: string, cost = 1): LimitCheck => ({ spec: s, key, cost });

export async function consume(
  s: StoreUnderTest,
  checks: readonly LimitCheck[],
  risk?: RiskLookup,
): Promise<RiskedOutcome> {
  return risk === undefined ? await s.store.consume(checks) : await s.store.consume(checks, risk);
}

/** What a check's key has left, by a cost-0 peek (which charges nothing). */
export async function remaining(s: StoreUnderTest, c: LimitCheck): Promise<number> {
  const peek = await consume(s, [{ spec: c.spec, key: c.key, cost: 0 }]);
  return peek.outcomes[0]?.remaining ?? Number.NaN;
}

/** Allowed, remaining and retryAfterMs of a one-check request. */
export async function take(s: StoreUnderTest, c: LimitCheck): Promise<[boolean, number, number]> {
  const out = await consume(s, [c]);
  const o = out.outcomes[0];
  return [out.allowed, o?.remaining ?? Number.NaN, o?.retryAfterMs ?? Number.NaN];
}
