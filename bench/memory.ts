/**
 * Memory per tracked key, and proof that the memory store stays bounded under key rotation.
 *
 *   node --expose-gc --import tsx bench/memory.ts [--json]
 *
 * Heap is measured as V8's heapUsed plus ArrayBuffer memory (where the store's typed arrays
 * live), after full collections. Key strings are built on the fly and dropped: the store
 * keeps fingerprints, the peer keeps the strings, and each side is charged for what it keeps.
 */
import { parseArgs } from 'node:util';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { LimitCheck, LimitSpec } from '../src/core/limit.ts';
import { manualClock } from '../src/core/clock.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { createMemoryStore } from '../src/stores/memory-store.ts';

const FILL_KEYS = 1_000_000;
const ROTATING_KEYS = 10_000_000;
const SAMPLE_EVERY = 1_000_000;
const MAX_KEYS = 1_000_000;

/** Ten lookups per hour: a key comes to rest (refilled) 6 minutes after its one lookup. */
const SPEC: LimitSpec = {
  id: 'discover/per-ip',
  algorithm: 'gcra',
  limit: 10,
  windowMs: 3_600_000,
  burst: 10,
};

export interface BoundSample {
  readonly keys: number;
  readonly size: number;
  readonly heapBytes: number;
}

export interface MemoryBench {
  readonly fillKeys: number;
  readonly oursBytesPerKey: number;
  readonly peerBytesPerKey: number;
  readonly bound: {
    readonly keys: number;
    readonly maxKeys: number;
    /** Largest size() seen after any single consume. */
    readonly maxSize: number;
    /** Heap with the empty store, before any key. */
    readonly heapEmptyBytes: number;
    readonly samples: readonly BoundSample[];
    readonly evictedResting: number;
    readonly overflowed: number;
    readonly seconds: number;
  };
}

/** 0.0.0.0 … 255.255.255.255 from an index, the shape of a per-IP key. */
function ipKey(i: number): string {
  return `discover/per-ip:${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error('run with node --expose-gc --import tsx bench/memory.ts');
  }
  // Several passes: weak references and finalizers can free more on a later pass.
  for (let i = 0; i < 4; i++) gc();
}

function heapBytes(): number {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Keys spread over the address space so neighbouring indexes do not share a prefix. */
const spread = (i: number): number => (Math.imul(i, 0x9e3779b1) ^ 0xcb007107) >>> 0;

function oursPerKey(): number {
  const before = heapBytes();
  const store = createMemoryStore({ clock: systemClock, maxKeys: MAX_KEYS });
  const check = { spec: SPEC, key: '', cost: 1 };
  const batch: LimitCheck[] = [check];
  for (let i = 0; i < FILL_KEYS; i++) {
    check.key = ipKey(spread(i));
    if (!store.consume(batch).allowed) throw new Error('the store denied a fresh key');
  }
  const after = heapBytes();
  if (store.size() !== FILL_KEYS) throw new Error(`expected ${FILL_KEYS} keys, store holds ${store.size()}`);
  return (after - before) / FILL_KEYS;
}

async function peerPerKey(): Promise<number> {
  const before = heapBytes();
  const limiter = new RateLimiterMemory({ points: SPEC.limit, duration: SPEC.windowMs / 1000 });
  for (let i = 0; i < FILL_KEYS; i++) await limiter.consume(ipKey(spread(i)));
  const after = heapBytes();
  // Keep the limiter reachable until the second reading.
  const held = await limiter.get(ipKey(spread(0)));
  if (held === null) throw new Error('the peer forgot a key within its window');
  return (after - before) / FILL_KEYS;
}

function boundProof(): MemoryBench['bound'] {
  const started = performance.now();
  const heapEmptyBytes = heapBytes();
  // Time moves a window per MAX_KEYS keys, so the oldest keys are at rest (refilled) by the
  // time the store is full: a bounded store evicts only keys at rest (issue 13, item 1).
  const clock = manualClock(0);
  const store = createMemoryStore({ clock, maxKeys: MAX_KEYS });
  const check = { spec: SPEC, key: '', cost: 1 };
  const batch: LimitCheck[] = [check];
  const samples: BoundSample[] = [];
  let maxSize = 0;
  for (let i = 0; i < ROTATING_KEYS;) {
    check.key = ipKey(spread(i));
    clock.advance(SPEC.windowMs / MAX_KEYS);
    if (!store.consume(batch).allowed) throw new Error('the store denied a fresh key');
    const size = store.size();
    if (size > maxSize) maxSize = size;
    i++;
    if (i % SAMPLE_EVERY === 0) samples.push({ keys: i, size, heapBytes: heapBytes() });
  }
  const stats = store.stats();
  return {
    keys: ROTATING_KEYS,
    maxKeys: MAX_KEYS,
    maxSize,
    heapEmptyBytes,
    samples,
    evictedResting: stats.evictedResting,
    overflowed: stats.overflowed,
    seconds: (performance.now() - started) / 1000,
  };
}

export async function run(): Promise<MemoryBench> {
  // Ours first, then the bound, then the peer last: its per-key timers hold memory for an hour.
  const oursBytesPerKey = oursPerKey();
  const bound = boundProof();
  const peerBytesPerKey = await peerPerKey();
  return { fillKeys: FILL_KEYS, oursBytesPerKey, peerBytesPerKey, bound };
}

/** The goal: at most 100 bytes per tracked key. */
export const BYTES_PER_KEY_GOAL = 100;

/** "Flat": the heap at the end of rotation is within 5% of the heap when the store first filled. */
export const FLAT_TOLERANCE = 0.05;

export function boundIsFlat(full: BoundSample, end: BoundSample): boolean {
  return end.heapBytes - full.heapBytes <= FLAT_TOLERANCE * full.heapBytes;
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

export function markdown(r: MemoryBench): string {
  const b = r.bound;
  const first = b.samples[0];
  const last = b.samples[b.samples.length - 1];
  // Shown rounded up: a per-key cost printed never understates the one measured.
  const perKey = (x: number): string => (Math.ceil(x * 10) / 10).toFixed(1);
  const flat =
    first && last
      ? `${mib(first.heapBytes)} MiB after ${first.keys.toLocaleString('en-US')} keys → ${mib(last.heapBytes)} MiB after ${last.keys.toLocaleString('en-US')} (${last.heapBytes >= first.heapBytes ? '+' : ''}${mib(last.heapBytes - first.heapBytes)} MiB)`
      : 'no samples';
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const isFlat = first !== undefined && last !== undefined && boundIsFlat(first, last);
  return [
    `Heap = heapUsed + arrayBuffers after forced GC. GCRA 10/1 h so no key expires during the run.`,
    '',
    `| memory, ${r.fillKeys.toLocaleString('en-US')} distinct per-IP keys | bytes/key | goal |`,
    '|---|---|---|',
    `| enumguard memory store (maxKeys ${b.maxKeys.toLocaleString('en-US')}) | ${perKey(r.oursBytesPerKey)} | ≤ ${BYTES_PER_KEY_GOAL}: ${met(r.oursBytesPerKey <= BYTES_PER_KEY_GOAL)} |`,
    `| rate-limiter-flexible RateLimiterMemory | ${perKey(r.peerBytesPerKey)} | peer (${(Math.floor((r.peerBytesPerKey / r.oursBytesPerKey) * 10) / 10).toFixed(1)}× ours) |`,
    '',
    `| bound: ${b.keys.toLocaleString('en-US')} rotating keys, maxKeys ${b.maxKeys.toLocaleString('en-US')} | value | goal |`,
    '|---|---|---|',
    `| max size() after any consume | ${b.maxSize.toLocaleString('en-US')} | ≤ ${b.maxKeys.toLocaleString('en-US')}: ${met(b.maxSize <= b.maxKeys)} |`,
    `| heap, empty store | ${mib(b.heapEmptyBytes)} MiB | |`,
    `| heap, full → end | ${flat} | flat (growth ≤ ${FLAT_TOLERANCE * 100}% of the full-store heap): ${met(isFlat)} |`,
    `| evictions at rest / checks on overflow buckets | ${b.evictedResting.toLocaleString('en-US')} / ${b.overflowed.toLocaleString('en-US')} | |`,
    `| run time | ${b.seconds.toFixed(1)} s | |`,
    '',
    '| keys seen | size() | heap MiB |',
    '|---|---|---|',
    ...b.samples.map(
      (s) =>
        `| ${s.keys.toLocaleString('en-US')} | ${s.size.toLocaleString('en-US')} | ${mib(s.heapBytes)} |`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
  const r = await run();
  console.log(values.json ? JSON.stringify(r) : markdown(r));
}
