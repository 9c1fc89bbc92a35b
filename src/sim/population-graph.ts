import type { CompiledPolicy } from '../policy/types.ts';
import { formatE164 } from '../reference/e164.ts';
import type { Population } from '../reference/population/population.ts';
import type { ContactGraph, GraphHistory } from '../stores/contact-graph/contact-graph.ts';
import { contactGraphBounds } from '../stores/contact-graph/graph-options.ts';
import { createMemoryContactGraph } from '../stores/contact-graph/memory-contact-graph.ts';

const YEAR_MS = 365 * 86_400_000;

/**
 * The contact graph of a gateway that has run long before the simulation starts: every account
 * registered at the start has synced its address book through it, so the graph knows whose
 * books hold which numbers, and those accounts are its seeds (they were seen in its bootstrap).
 * That history is read from the population instead of being replayed (a million books of
 * hundreds of numbers would take gigabytes); what happens during the run is recorded in the
 * real in-process graph, as a gateway would. Accounts registered during the run, and the
 * attackers' own numbers, have no history: they earn trust only through the run's lookups.
 */
export function populationGraph(population: Population, policy: CompiledPolicy, seed: number): ContactGraph {
  const start = population.startMs;
  let accountOf: Map<number, number> | undefined;
  // Built on first use: a policy without reveals never pays for it.
  const lookup = (fp: number): number => {
    accountOf ??= fingerprints(population, graph);
    return accountOf.get(fp) ?? -1;
  };
  const registeredAtStart = (account: number): boolean =>
    population.registeredAt(account) <= start && population.unregisteredAt(account) > start;
  const history: GraphHistory = {
    holds(holder, held) {
      const h = lookup(holder);
      if (h < 0 || !registeredAtStart(h)) return false;
      const t = lookup(held);
      return t >= 0 && population.holdsAccount(h, t);
    },
    isSeed(account) {
      const a = lookup(account);
      return a >= 0 && registeredAtStart(a);
    },
  };
  const graph = createMemoryContactGraph({
    ...contactGraphBounds(policy),
    // Seeded by the scenario: a fingerprint collision must fall the same way every run.
    seed: [(seed ^ 0x6a09e667) >>> 0, (seed ^ 0xbb67ae85) >>> 0],
    // Its bootstrap ended long before the run: nobody seen during the run is a seed.
    createdAt: start - YEAR_MS,
    history,
  });
  return graph;
}

/** Every population account's number fingerprint, to its account. */
function fingerprints(population: Population, graph: ContactGraph): Map<number, number> {
  const map = new Map<number, number>();
  for (let a = 0; a < population.accountCount; a++)
    map.set(graph.fingerprint(formatE164(population.numberOf(a))), a);
  return map;
}
