import { createCanarySet, type CanarySet } from '../core/canary-set.ts';
import { fmix32 } from '../core/fmix32.ts';
import { createRangeDensity, type RangeDensity } from '../core/range-density.ts';
import type { RouteDetectors } from '../policy/types.ts';
import { isE164 } from './targets.ts';

/** Whom a signal is about: a risk identity (or none) at an IP prefix. */
export interface Suspect {
  readonly identity: string | undefined;
  readonly prefix: string;
}

export type DetectorName = 'hit-ratio' | 'canary' | 'range-density';

/** One detector's finding about one answer: who, how much, and why, for the log. */
export interface Finding {
  readonly detector: DetectorName;
  readonly suspect: Suspect;
  readonly weight: number;
  readonly shadow: boolean;
  readonly detail: string;
  /**
   * Range density only: the swept block as its prefix and an x per hidden digit ("+4477001xxxx"),
   * never a whole number. The admin API groups findings by it.
   */
  readonly block?: string | undefined;
}

/** A route's detectors, with their in-process state. */
export interface RouteDetectorSet {
  /** Looks at one released answer: `targets` asked (normalized), `records` revealed. */
  observe(suspect: Suspect, targets: readonly string[], records: number, now: number): Finding[];
}

/** Most callers whose hit counts or fingerprints are remembered; past it the oldest go. */
const MAX_TRACKED = 200_000;

interface HitCounts {
  /** Targets asked and records revealed, decayed: the caller's recent hit ratio. */
  asked: number;
  hits: number;
  /** Targets asked since the hit-ratio detector last signalled: it needs fresh evidence. */
  fresh: number;
  at: number;
}

/**
 * A caller whose recent lookups mostly hit is uploading an address book, not scanning: a
 * block it covers densely (a big book in a small numbering plan) is not scored. Scanners hit
 * at the population's penetration rate, a few percent.
 */
const BOOK_LIKE_SHARE = 0.3;
const BOOK_LIKE_MIN_ASKED = 100;

/**
 * Builds a route's detectors. Their state lives in this process: with several gateway
 * instances each sees its own share of the traffic (a shared version belongs to the Redis
 * store, issue 5). `seed` keys the range-density block hash; take it from a random source.
 */
export function createRouteDetectors(config: RouteDetectors, seed: number): RouteDetectorSet {
  const { hitRatio, canaries, rangeDensity } = config;
  const canarySet: CanarySet | undefined = canaries
    ? createCanarySet(canaries.numbers.map((n) => Number(n.slice(1))))
    : undefined;
  const density: RangeDensity | undefined = rangeDensity
    ? createRangeDensity({
        seed,
        blockDigits: rangeDensity.blockDigits,
        windowMs: rangeDensity.windowMs,
        hotShare: rangeDensity.hotShare,
      })
    : undefined;
  // A hot block's contributors are named by 32-bit fingerprint: this maps them back.
  const suspects = new Map<number, Suspect>();
  const hitCounts = new Map<string, HitCounts>();
  // A contributor must have added this many of a hot block's numbers to be scored, so a
  // legit user whose one contact fell in a scanned block is not.
  // Counts decay with the hit-ratio detector's half-life, or an hour without it.
  const halfLifeMs = hitRatio?.halfLifeMs ?? 3_600_000;
  const minContribution = density
    ? Math.max(2, Math.ceil(density.config.hotDistinct / (4 * density.config.contributors)))
    : 0;

  function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_TRACKED) map.delete(map.keys().next().value as K);
  }

  function suspectKey(s: Suspect): string {
    return s.identity === undefined ? `p|${s.prefix}` : `i|${s.identity}`;
  }

  /** Adds an answer to the caller's decayed counts (kept while hit ratio or range density runs). */
  function count(suspect: Suspect, asked: number, records: number, now: number): HitCounts {
    const key = suspectKey(suspect);
    const c = hitCounts.get(key) ?? { asked: 0, hits: 0, fresh: 0, at: now };
    const decay = Math.pow(2, -Math.max(0, now - c.at) / halfLifeMs);
    c.asked = c.asked * decay + asked;
    c.hits = c.hits * decay + Math.min(records, asked);
    c.fresh = c.fresh * decay + asked;
    c.at = now;
    remember(hitCounts, key, c);
    return c;
  }

  function bookLike(suspect: Suspect): boolean {
    const c = hitCounts.get(suspectKey(suspect));
    return c !== undefined && c.asked >= BOOK_LIKE_MIN_ASKED && c.hits >= BOOK_LIKE_SHARE * c.asked;
  }

  function checkHitRatio(suspect: Suspect, c: HitCounts, out: Finding[]): void {
    if (!hitRatio) return;
    if (
      c.fresh >= hitRatio.minTargets &&
      c.asked >= hitRatio.minTargets &&
      c.hits < hitRatio.below * c.asked
    ) {
      out.push({
        detector: 'hit-ratio',
        suspect,
        weight: hitRatio.weight,
        shadow: hitRatio.shadow,
        detail: `${Math.round(c.hits)} of ${Math.round(c.asked)} recent targets exist (${pct(c.hits / c.asked)}, below ${pct(hitRatio.below)})`,
      });
      // The same evidence is not signalled twice: the next finding needs minTargets more.
      c.fresh = 0;
    }
  }

  return {
    observe(suspect, targets, records, now) {
      const out: Finding[] = [];
      let numbers: number[] | undefined;
      if (canarySet || density) {
        numbers = [];
        for (const t of targets) if (isE164(t)) numbers.push(Number(t.slice(1)));
      }
      // Duplicates count as asked: padding a batch with them only lowers the caller's own
      // ratio, and a real book's few duplicates move it by little.
      if ((hitRatio || density) && targets.length > 0)
        checkHitRatio(suspect, count(suspect, targets.length, records, now), out);

      if (canarySet && numbers) {
        const hit = canarySet.hits(numbers);
        if (hit.length > 0 && canaries) {
          out.push({
            detector: 'canary',
            suspect,
            weight: canaries.weight * hit.length,
            shadow: canaries.shadow,
            detail: `queried ${hit.length} canary number${hit.length === 1 ? '' : 's'}`,
          });
        }
      }

      if (density && numbers && rangeDensity) {
        const fp = fmix32(hashText(suspectKey(suspect))) >>> 0;
        remember(suspects, fp, suspect);
        for (const event of density.observe(fp, numbers, now)) {
          const block = `+${event.block}${'x'.repeat(density.config.blockDigits)}`;
          for (const c of event.contributors) {
            const who = suspects.get(c.identity);
            if (who === undefined || c.numbers < minContribution || bookLike(who)) continue;
            out.push({
              detector: 'range-density',
              suspect: who,
              weight: rangeDensity.weight,
              shadow: rangeDensity.shadow,
              detail: `${event.kind}: block ${block} had ${event.distinct} distinct numbers queried in its window, ${c.numbers} of them by this caller`,
              block,
            });
          }
        }
      }
      return out;
    },
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** FNV-1a over UTF-16 code units, finished by fmix32: a 32-bit id for a caller's key. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
