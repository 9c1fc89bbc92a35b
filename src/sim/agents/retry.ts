import type { AgentResponse } from '../agent.ts';

/**
 * How long a well-behaved client waits after a refusal: Retry-After when the server sent
 * one (RFC 9110 section 10.2.3, delay-seconds), else `fallbackMs`.
 */
export function retryDelayMs(response: AgentResponse, fallbackMs: number): number {
  const header = response.headers['retry-after'];
  if (header !== undefined && /^\d+$/.test(header)) return Number(header) * 1000;
  return fallbackMs;
}
