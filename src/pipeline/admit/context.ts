import type { Clock } from '../../core/clock.ts';
import { createClientAddress, type ClientAddressResolver } from '../../identity/client-address.ts';
import { createIdentifier, type Identifier } from '../../identity/identify.ts';
import type { CompiledPolicy } from '../../policy/types.ts';
import type { Store } from '../../stores/store.ts';
import { routeEgressConfigs, type RouteEgressConfigs } from '../response-plan.ts';
import { createRouteDetectors, type RouteDetectorSet } from '../detectors.ts';
import type { AllowlistOverlay } from '../allowlist-overlay.ts';
import { createRiskGate, type RiskEvent, type RiskGate } from '../risk-gate.ts';
import { createFailedAuthGuard, type FailedAuthGuard } from './failed-auth.ts';
import type { StoreOutageLog } from './store-outage-log.ts';
import type { AccountResolver } from '../accounts/account-step.ts';
import type { ContactGraph } from '../../stores/contact-graph/contact-graph.ts';
import type { SurgeSignal } from '../reveal/surge-signal.ts';

/** What the policy's risk, detect and egress sections turn into, built once per policy. */
export interface Defenses {
  readonly gate: RiskGate | undefined;
  readonly detectors: ReadonlyMap<string, RouteDetectorSet>;
  readonly egress: ReadonlyMap<string, RouteEgressConfigs>;
}

/**
 * Everything admit's steps read that does not change from one request to the next: the
 * policy and what is built from it, and the pipeline's store, clock and hooks. A policy
 * reload builds a new context and swaps it in whole, so a request never sees half of each.
 */
export interface AdmitContext {
  readonly policy: CompiledPolicy;
  readonly identifier: Identifier;
  /** Throttles failed authentication per address; undefined with `identities.failedAuth: false`. */
  readonly failedAuth: FailedAuthGuard | undefined;
  readonly clientAddress: ClientAddressResolver;
  readonly defenses: Defenses;
  readonly store: Store;
  readonly clock: Clock;
  readonly outageLog: StoreOutageLog;
  readonly onRisk: ((event: RiskEvent) => void) | undefined;
  /** Accounts and the contact graph (policy `accounts`, `contacts`); undefined without them. */
  readonly accounts: AccountResolver | undefined;
  /** Reports the population budget running dry; undefined when nobody listens. */
  readonly surge: SurgeSignal | undefined;
}

/** The parts of an admit context that outlive a policy reload. */
export interface AdmitContextBase {
  readonly store: Store;
  /** Runtime additions to risk.allowlist (the admin API's); undefined: the policy's list alone. */
  readonly allowlist?: AllowlistOverlay | undefined;
  readonly clock: Clock;
  readonly outageLog: StoreOutageLog;
  readonly onRisk: ((event: RiskEvent) => void) | undefined;
  readonly onUntrustedForwarded:
    ((info: { readonly peer: string; readonly header: string }) => void) | undefined;
  /** Seed of the range-density detector's block hash. */
  readonly seed: number;
  /** Reports a population surge (kept across reloads, so a reload does not repeat a report). */
  readonly surge?: SurgeSignal | undefined;
  /**
   * The contact graph, made on first use by a policy with an accounts section and kept across
   * reloads (the graph is state, like the store's).
   */
  readonly graph: () => ContactGraph;
}

export function createAdmitContext(base: AdmitContextBase, policy: CompiledPolicy): AdmitContext {
  return {
    policy,
    identifier: createIdentifier(policy.identities, base.clock),
    failedAuth: failedAuthGuard(base, policy),
    clientAddress: createClientAddress(clientOptions(base, policy)),
    // Detector state (hit counts, hot blocks) starts afresh with a new policy; scores and
    // blocks live in the store and are kept.
    defenses: buildDefenses(policy, base.seed, base.allowlist),
    store: base.store,
    clock: base.clock,
    outageLog: base.outageLog,
    onRisk: base.onRisk,
    surge: base.surge,
    accounts:
      policy.accounts === undefined
        ? undefined
        : {
            config: policy.accounts,
            graph: base.graph(),
            spare: policy.risk !== undefined && policy.contacts !== undefined,
          },
  };
}

function failedAuthGuard(base: AdmitContextBase, p: CompiledPolicy): FailedAuthGuard | undefined {
  const spec = p.identities.failedAuth;
  return spec === undefined ? undefined : createFailedAuthGuard(spec, base.store, base.clock);
}

function clientOptions(base: AdmitContextBase, p: CompiledPolicy) {
  const options = { trustedProxies: p.server.trustedProxies, forwardedHeader: p.server.forwardedHeader };
  return base.onUntrustedForwarded
    ? { ...options, onUntrustedForwarded: base.onUntrustedForwarded }
    : options;
}

function buildDefenses(
  policy: CompiledPolicy,
  seed: number,
  allowlist: AllowlistOverlay | undefined,
): Defenses {
  const detectors = new Map<string, RouteDetectorSet>();
  const egress = new Map<string, RouteEgressConfigs>();
  for (const route of policy.routes) {
    if (route.detect) detectors.set(route.id, createRouteDetectors(route.detect, seed));
    const configs = routeEgressConfigs(route);
    if (configs) egress.set(route.id, configs);
  }
  return { gate: policy.risk ? createRiskGate(policy.risk, allowlist) : undefined, detectors, egress };
}
