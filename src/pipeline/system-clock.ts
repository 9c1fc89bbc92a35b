import type { Clock } from '../core/clock.ts';

/** The wall clock, for live use. The core never reads time itself (DESIGN.md, convention 1). */
export const systemClock: Clock = { now: () => Date.now() };
