import { formatDuration } from '../../core/duration.ts';
import type { CompiledPolicy } from '../../policy/types.ts';

/**
 * What a gateway whose contact graph lives in memory only (no `server.store.snapshot`, or a
 * Redis store, where the graph is not shared yet) loses at each restart, for a startup warning;
 * undefined when the policy loses nothing that matters: no bootstrap window to reopen and no
 * sessions captured at registration to forget.
 */
export function graphPersistenceWarning(
  policy: Pick<CompiledPolicy, 'server' | 'accounts' | 'contacts'>,
): string | undefined {
  const bootstrapMs = policy.contacts?.bootstrapMs ?? 0;
  const registers = policy.accounts?.register !== undefined;
  if (bootstrapMs === 0 && !registers) return undefined;
  const redis = policy.server.store?.kind === 'redis';
  const where = redis
    ? "the contact graph is kept in each gateway's memory (a Redis store does not hold it yet)"
    : 'the contact graph is kept in memory only (no server.store.snapshot)';
  const lost: string[] = [];
  if (bootstrapMs > 0) {
    const window = formatDuration(bootstrapMs);
    lost.push(
      `every restart reopens the bootstrap window (contacts.bootstrap: ${window}), so every account seen in ` +
        `the ${window} after a restart, an attacker's fresh ones too, becomes a seed that vouches for others`,
    );
  }
  if (policy.contacts !== undefined)
    lost.push("a restart forgets every account's contacts, reveals and trust");
  if (registers) {
    lost.push('a restart forgets which account each registered session belongs to, until it registers again');
  }
  const fix = redis
    ? 'To keep them, run a single gateway on a memory store with server.store.snapshot'
    : 'To keep them, set server.store.snapshot (the graph is saved beside it as <snapshot>.graph)';
  const noSeeds =
    bootstrapMs > 0
      ? ', or set contacts.bootstrap: 0 so that no account becomes a seed by being seen early'
      : '';
  return `${where}: ${lost.join('; ')}. ${fix}${noSeeds}.`;
}
