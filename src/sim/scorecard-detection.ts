import type { Agent } from './agent.ts';
import type { Finding, Scorecard } from './scorecard-types.ts';

/**
 * What the detectors found, from their findings matched to agents by risk identity, and each
 * attacker account's first lookup and first refusal.
 */
export function detectionOf(
  findings: readonly Finding[],
  agentOfKey: ReadonlyMap<string, [string, Agent['role']]>,
  attackStart: number,
  accountLookups: ReadonlyMap<string, [number, number]>,
): Scorecard['detection'] {
  const latencies: number[] = [];
  let neverRefused = 0;
  for (const [first, refusedAt] of accountLookups.values()) {
    if (refusedAt < 0) neverRefused++;
    else latencies.push(refusedAt - first);
  }
  latencies.sort((a, b) => a - b);
  const p90 = latencies.length === 0 ? null : (latencies[Math.ceil(latencies.length * 0.9) - 1] as number);
  let attackerIdentities = 0;
  for (const [, role] of agentOfKey.values()) if (role === 'attacker') attackerIdentities++;
  const refusedAt = new Map<string, number>();
  const legitScored = new Set<string>();
  const legitRefused = new Set<string>();
  const counts: Record<string, number> = {};
  const legitFindings: { agent: string; detector: string; detail: string }[] = [];
  for (const f of findings) {
    const name = f.shadow ? `${f.detector} (shadow)` : f.detector;
    counts[name] = (counts[name] ?? 0) + 1;
    const who = f.identityKey === undefined ? undefined : agentOfKey.get(f.identityKey);
    if (who === undefined || f.shadow) continue;
    const refused = f.level === 'challenge' || f.level === 'block';
    if (who[1] === 'legit') {
      legitScored.add(who[0]);
      if (legitFindings.length < 20)
        legitFindings.push({ agent: who[0], detector: f.detector, detail: f.detail });
      if (refused) legitRefused.add(who[0]);
    } else if (refused && !refusedAt.has(f.identityKey as string)) {
      refusedAt.set(f.identityKey as string, f.at);
    }
  }
  const times = [...refusedAt.values()].sort((a, b) => a - b);
  const since = (t: number | undefined): number | null =>
    t === undefined || !Number.isFinite(attackStart) ? null : Math.max(0, t - attackStart);
  const ninety = Math.ceil(attackerIdentities * 0.9);
  return {
    attackerIdentities,
    attackerIdentitiesRefused: refusedAt.size,
    firstAttributionMs: since(times[0]),
    attribution90Ms: ninety > 0 && times.length >= ninety ? since(times[ninety - 1]) : null,
    accountRefusalP90Ms: p90,
    accountRefusalMaxMs: latencies.length === 0 ? null : (latencies[latencies.length - 1] as number),
    accountsNeverRefused: neverRefused,
    legitScored: legitScored.size,
    legitRefusedByDetector: legitRefused.size,
    findings: counts,
    legitFindings,
  };
}
