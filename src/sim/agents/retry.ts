import type { AgentResponse } from '../agent.ts';

/** Ten years: the longest wait an agent schedules, so a huge Retry-After stays a finite time. */
const MAX_RETRY_AFTER_S = 10 * 365 * 86_400;

/**
 * How long a well-behaved client waits after a refusal: Retry-After when the server sent
 * one (RFC 9110 section 10.2.3, delay-seconds), else `fallbackMs`.
 */
export function retryDelayMs(response: AgentResponse, fallbackMs: number): number {
  const header = response.headers['retry-after'];
  // A hostile or broken server may send any number of digits: past ten years is "not in this run".
  if (header !== undefined && /^\d+$/.test(header)) return Math.min(Number(header), MAX_RETRY_AFTER_S) * 1000;
  return fallbackMs;
}
