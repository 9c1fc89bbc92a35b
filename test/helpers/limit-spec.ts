import type { LimitSpec } from '../../src/core/limit.ts';

/** A limit spec for tests: `limit` per `windowMs` (default a minute), burst = limit unless given. */
export const spec = (
  id: string,
  algorithm: LimitSpec['algorithm'],
  limit: number,
  windowMs = 60_000,
  burst = limit,
): LimitSpec => ({ id, algorithm, limit, windowMs, burst });
