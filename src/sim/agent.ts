import type { Rng } from '../core/rng.ts';

/**
 * The contract every simulated client implements, built-in or loaded from a module. It speaks
 * plain HTTP semantics, so the same agent runs in process on virtual time or against a live
 * gateway over loopback (`enumguard simulate --http URL`).
 */
export interface AgentRequest {
  readonly method: string;
  /** Origin-form target, e.g. "/v1/contacts/discover". */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value; sent as the request body. */
  readonly body?: unknown;
  /** The address the request comes from (after any carrier-grade NAT). */
  readonly clientIp: string;
}

export interface AgentResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when there is none. */
  readonly body: unknown;
}

/** What an agent may tell the scorecard about itself. */
export type AgentEvent =
  /** A user began discovering `numbers` contacts (install, re-sync or new contacts). */
  | { readonly kind: 'sync-start'; readonly syncId: number; readonly numbers: number; readonly full: boolean }
  /** Every request of that sync has been answered successfully. */
  | { readonly kind: 'sync-done'; readonly syncId: number }
  /** The agent gave up on the sync (it will not retry). */
  | { readonly kind: 'sync-abandoned'; readonly syncId: number };

export interface AgentContext {
  /** Virtual milliseconds since the start of the run. */
  now(): number;
  /** This agent's own seeded randomness. */
  readonly rng: Rng;
  /** Sends a request now; its response arrives through `onResponse` with the same `tag`. */
  send(request: AgentRequest, tag?: number): void;
  /** Calls `onWake(tag)` at virtual time `at` (ms since the start; not before now). */
  wakeAt(at: number, tag?: number): void;
  record(event: AgentEvent): void;
}

export interface Agent {
  /** Unique within a run, e.g. "legit-4711" or "attacker-0". */
  readonly id: string;
  /** Legit users are scored on harm, attackers on harvest. */
  readonly role: 'legit' | 'attacker';
  start(ctx: AgentContext): void;
  onResponse(response: AgentResponse, tag: number, ctx: AgentContext): void;
  onWake?(tag: number, ctx: AgentContext): void;
}

/**
 * A module a scenario loads with `attackers: [{ kind: module, module: ./my-agent.ts, options: {...} }]`
 * (the path relative to the scenario file) exports this, as a named or default export.
 */
export interface AgentModule {
  createAgents(options: Readonly<Record<string, unknown>>, env: AgentEnvironment): Agent[];
}

/** What the simulator offers an agent factory: the world it attacks or uses. */
export interface AgentEnvironment {
  readonly seed: number;
  /** A uniformly random valid candidate number (E.164 with "+"), from the population's plan. */
  randomCandidate(rng: Rng): string;
  /**
   * The numbering plan an attacker would derive from public metadata: the valid candidate
   * numbers, indexed [0, candidateCount), country by country, blocks in ascending order.
   * It says nothing about which numbers are registered.
   */
  readonly candidateCount: number;
  candidateAt(index: number): string;
  readonly countries: readonly {
    /** ISO 3166-1 alpha-2. */
    readonly code: string;
    readonly callingCode: string;
    readonly candidateOffset: number;
    readonly candidateCount: number;
  }[];
  /** The entry's position in the scenario's attackers: prefix agent ids with it to keep them unique. */
  readonly index: number;
  /** Numbers per discover request the scenario uses. */
  readonly batchSize: number;
  /** The run's virtual length, ms. */
  readonly durationMs: number;
}
