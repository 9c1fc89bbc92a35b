/**
 * The range-density detector's memory per active block and its throughput in numbers
 * observed per second.
 *
 *   node --expose-gc --import tsx bench/range-density.ts [--seconds 2]
 *   (npx tsx bench/range-density.ts works too; without --expose-gc the heap column is noisier)
 *
 * Numbers are generated up front into Float64Arrays, so the timings exclude the generator.
 * No peer: none of the libraries or gateways we measure against counts distinct numbers per
 * block across identities.
 */
import { parseArgs } from 'node:util';
import { createRangeDensity, type RangeDensity } from '../src/core/range-density.ts';
import { seededRng } from '../src/core/rng.ts';

/** A fixed seed: the detector requires one (the gateway's comes from a secret). */
const SEED = 0x5eed;

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const SECONDS = Number(values.seconds);

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) for (let i = 0; i < 4; i++) gc();
}

function heapBytes(): number {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Fills maxBlocks blocks with one number each: the table at its bound. */
function bytesPerBlock(maxBlocks: number): { counted: number; heap: number } {
  const before = heapBytes();
  const rd = createRangeDensity({ seed: SEED, maxBlocks });
  const one = new Float64Array(1);
  for (let b = 0; b < maxBlocks; b++) {
    one[0] = (1_000_000 + b) * 10_000 + 1;
    rd.observe(b, one, 0);
  }
  const after = heapBytes();
  if (rd.size() !== maxBlocks) throw new Error(`expected ${maxBlocks} blocks, holds ${rd.size()}`);
  return { counted: rd.memoryBytes() / maxBlocks, heap: (after - before) / maxBlocks };
}

interface Workload {
  readonly name: string;
  readonly perCall: number;
  readonly maxBlocks: number;
  /** Numbers for one call, written into `out`. */
  fill(rng: ReturnType<typeof seededRng>, out: Float64Array): void;
}

const WORKLOADS: readonly Workload[] = [
  {
    name: 'address books: 300 numbers uniform over 5,000 blocks (50M numbers)',
    perCall: 300,
    maxBlocks: 16_384,
    fill: (rng, out) => {
      for (let i = 0; i < out.length; i++) out[i] = 20_000_000_000 + rng.int(50_000_000);
    },
  },
  {
    name: 'distributed scan: 50 numbers sampled from 5 blocks',
    perCall: 50,
    maxBlocks: 16_384,
    fill: (rng, out) => {
      for (let i = 0; i < out.length; i++) out[i] = 14_155_550_000 + rng.int(50_000);
    },
  },
  {
    name: 'sequential walk: 1,000 consecutive numbers per call',
    perCall: 1_000,
    maxBlocks: 16_384,
    fill: (() => {
      let next = 14_150_000_000;
      return (_rng: unknown, out: Float64Array) => {
        for (let i = 0; i < out.length; i++) out[i] = next++;
      };
    })(),
  },
  {
    name: 'evicting: 300 numbers uniform over 100,000 blocks, maxBlocks 16,384',
    perCall: 300,
    maxBlocks: 16_384,
    fill: (rng, out) => {
      for (let i = 0; i < out.length; i++) out[i] = 30_000_000_000 + rng.int(1_000_000_000);
    },
  },
];

function throughput(w: Workload): { perSecond: number; evicted: number; hot: number } {
  const rng = seededRng(42);
  const calls = 4_096;
  const batches = Array.from({ length: calls }, () => {
    const out = new Float64Array(w.perCall);
    w.fill(rng, out);
    return out;
  });
  const rd: RangeDensity = createRangeDensity({ seed: SEED, maxBlocks: w.maxBlocks });
  // Virtual time: 1 ms per call, so windows roll over as they would under load.
  let now = 0;
  let c = 0;
  const step = (): void => {
    rd.observe(c & 1023, batches[c % calls] as Float64Array, now);
    c++;
    now++;
  };
  const warm = performance.now();
  while (performance.now() - warm < 500) for (let i = 0; i < 256; i++) step();
  const before = rd.stats().observed;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    for (let i = 0; i < 256; i++) step();
    elapsed = performance.now() - start;
  }
  const s = rd.stats();
  return { perSecond: ((s.observed - before) / elapsed) * 1000, evicted: s.evicted, hot: s.hotEvents };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const mem = bytesPerBlock(100_000);
console.log(`range-density, default options (blockDigits 4, 8 contributors), ${SECONDS} s per workload\n`);
console.log('| active blocks | bytes per block (typed arrays) | bytes per block (heap + ArrayBuffers) |');
console.log('| ------------- | ------------------------------ | ------------------------------------- |');
console.log(`| 100,000       | ${fmt(mem.counted)} | ${fmt(mem.heap)} |\n`);
console.log('| workload | numbers observed/s | evictions | block-hot events |');
console.log('| -------- | ------------------ | --------- | ---------------- |');
for (const w of WORKLOADS) {
  const r = throughput(w);
  console.log(`| ${w.name} | ${fmt(r.perSecond)} | ${fmt(r.evicted)} | ${fmt(r.hot)} |`);
}
