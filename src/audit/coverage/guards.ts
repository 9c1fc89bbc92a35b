import type { CompiledLimit, CompiledRoute } from '../../policy/types.ts';

/** What a policy route does against enumeration, read from the compiled route. */
export interface RouteGuards {
  /** Limits keyed by the caller (identity, account, claim, header): they follow one caller. */
  readonly perIdentity: readonly string[];
  /** Limits keyed by network or shared (ip, ip-prefix, route, global): rotating addresses dilutes them. */
  readonly perNetwork: readonly string[];
  /** Limits that charge each distinct identifier asked, or each identifier of the batch ("id (cost /ptr)"). */
  readonly perTarget: readonly string[];
  readonly distinct: readonly string[];
  readonly detectors: readonly string[];
  /** Egress: stripped fields, record caps, per-identity record budgets. */
  readonly egress: readonly string[];
  readonly reveal: boolean;
  readonly batchCap: number | undefined;
}

const CALLER_KEYS = new Set(['identity', 'account', 'claim', 'header']);

function keyLabel(limit: CompiledLimit): string {
  const k = limit.key;
  return k.kind === 'header' || k.kind === 'claim' ? `${k.kind} ${k.name}` : k.kind;
}

/** Reads a route's guards. */
export function routeGuards(route: CompiledRoute): RouteGuards {
  const perIdentity: string[] = [];
  const perNetwork: string[] = [];
  const perTarget: string[] = [];
  const distinct: string[] = [];
  for (const limit of route.limits) {
    const id = limit.spec.id.slice(route.id.length + 1) || limit.spec.id;
    const label = `${id} (${keyLabel(limit)})`;
    (CALLER_KEYS.has(limit.key.kind) ? perIdentity : perNetwork).push(label);
    if (limit.distinct !== undefined) distinct.push(`${id} (distinct ${limit.distinct.pointer})`);
    if (limit.distinct !== undefined) perTarget.push(id);
    else if (limit.cost.kind === 'body-array') perTarget.push(`${id} (cost ${limit.cost.pointer})`);
  }
  const detectors: string[] = [];
  if (route.detect?.hitRatio !== undefined) detectors.push('hitRatio');
  if (route.detect?.canaries !== undefined) detectors.push('canaries');
  if (route.detect?.rangeDensity !== undefined) detectors.push('rangeDensity');
  const egress: string[] = [];
  const e = route.egress;
  if (e !== undefined) {
    if (e.strip.length > 0) egress.push(`strip ${e.strip.join(', ')} (${e.stripWhen})`);
    if (e.maxRecords !== undefined) egress.push(`at most ${e.maxRecords} records`);
    if (e.maxBytes !== undefined) egress.push(`at most ${e.maxBytes} bytes`);
    if (e.perIdentity !== undefined) egress.push('records per identity');
    if (e.perIdentityBytes !== undefined) egress.push('bytes per identity');
  }
  return {
    perIdentity,
    perNetwork,
    perTarget,
    distinct,
    detectors,
    egress,
    reveal: route.reveal !== undefined,
    batchCap: route.batch?.max,
  };
}

/** "per-identity limit new-numbers (account); distinct-target quota ...": for messages. */
export function describeGuards(g: RouteGuards): string {
  const parts: string[] = [];
  if (g.perIdentity.length > 0) parts.push(`per-identity limit ${g.perIdentity.join(', ')}`);
  if (g.perNetwork.length > 0) parts.push(`per-network limit ${g.perNetwork.join(', ')}`);
  if (g.distinct.length > 0) parts.push(`distinct-target quota ${g.distinct.join(', ')}`);
  const perItem = g.perTarget.filter((t) => t.includes('(cost '));
  if (perItem.length > 0) parts.push(`charged per identifier ${perItem.join(', ')}`);
  if (g.batchCap !== undefined) parts.push(`batch cap ${g.batchCap}`);
  if (g.detectors.length > 0) parts.push(`detectors ${g.detectors.join(', ')}`);
  if (g.egress.length > 0) parts.push(`egress ${g.egress.join('; ')}`);
  if (g.reveal) parts.push('reveal gate (mutual-first, trust budget)');
  return parts.length === 0 ? 'nothing' : parts.join('; ');
}
