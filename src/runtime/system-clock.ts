import type { Clock } from '../core/clock.ts';

/**
 * The wall clock, for live use. It lives outside src/core because the core never reads time
 * itself (DESIGN.md, convention 1), and below every other layer so that each one that runs
 * live (stores, transports, the reference service, the CLI) can default to it.
 */
export const systemClock: Clock = { now: () => Date.now() };
