import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.ts';
import type { EventBus } from '../events/event-types.ts';
import type { AllowlistOverlay } from '../pipeline/allowlist-overlay.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { PolicyStore } from '../stores/policy-store-types.ts';
import type { Caller } from './admin-auth.ts';
import type { TrafficSeries } from './traffic-series.ts';

/** What the admin API reads and acts on: the running gateway's parts (src/cli/start-gateway.ts wires them). */
export interface AdminDeps {
  readonly events: EventBus;
  /** The store the gateway decides with: its kind, and the resilient wrapper's circuit state and counters (Redis). */
  readonly store: PolicyStore;
  readonly pipeline: Pipeline;
  readonly allowlist: AllowlistOverlay;
  readonly traffic: TrafficSeries;
  readonly clock: Clock;
  /** This gateway's instance name (the events' `instance`). */
  readonly instance: string;
  /** The policy in force: its file and a digest of its text. */
  policyInfo(): { readonly source: string; readonly version: string };
  /** Reads the policy file again and applies it; the last good policy stays when it is invalid. */
  reload(): Promise<{ readonly applied: boolean; readonly version: string; readonly error?: string }>;
}

/** One call to an admin route, after authentication. */
export interface RouteCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly deps: AdminDeps;
  readonly caller: NonNullable<Caller>;
}

export interface AdminRoute {
  readonly method: 'GET' | 'POST';
  /** The exact path, e.g. "/admin/v1/status". */
  readonly path: string;
  readonly summary: string;
  handle(call: RouteCall): Promise<void> | void;
}
