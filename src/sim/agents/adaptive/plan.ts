import type { AgentContext, AgentResponse } from '../../agent.ts';

/** The routes that return data about an account, in the reference API. */
export const ROUTES = ['discover', 'delta', 'photo', 'profile'] as const;
export type RouteId = (typeof ROUTES)[number];
export const routeIndex = (route: RouteId): number => ROUTES.indexOf(route);
/** Lookups are paced in numbers per second, fetches in requests per second. */
export const isLookup = (route: RouteId): boolean => route === 'discover' || route === 'delta';

/** One request an account is to send, and what its plan needs back with the answer. */
export interface Job {
  readonly route: RouteId;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Units the request spends of a pace: numbers for a lookup, 1 for a fetch. */
  readonly cost: number;
  /** A lookup's numbers, with how many of the first ones are fresh candidates (not padding). */
  readonly numbers?: readonly string[];
  readonly fresh?: number;
  /** A fetch's account id. */
  readonly accountId?: string;
}

/** What a plan may know of the account it picks work for. */
export interface SlotView {
  readonly slot: number;
  readonly now: number;
  /** Earliest virtual ms this account may use `route` (its pace, its network's, a Retry-After). */
  readyAt(route: RouteId): number;
}

/** A job, a time to ask again (nothing to do until then), or null: this account is done. */
export type Next = Job | { readonly waitUntil: number } | null;

/**
 * What an adaptive attacker does with its accounts; the controller (controller.ts) decides
 * when each may act and handles registration, pacing and refusals.
 */
export interface Plan {
  next(view: SlotView, ctx: AgentContext): Next;
  /** Any answer that is not a refusal (429, 403) or a lost session (401). */
  answered(slot: number, job: Job, response: AgentResponse, ctx: AgentContext): void;
  /** The job was refused or the session lost: its work should be done again. */
  refused(slot: number, job: Job, ctx: AgentContext): void;
}
