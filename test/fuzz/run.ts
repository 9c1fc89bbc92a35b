#!/usr/bin/env node
// The fuzzers' long runs (issue 13):
//   npm run fuzz -- policy --cases 1000000 [--seed S] [--from I] [--workers 2]
//   npm run fuzz -- http --requests 100000 [--seed S] [--from I]
// Every case is derived from (seed, index): a failure prints both, and
// `--seed S --from I --cases 1` replays exactly that case.
import { parseArgs } from 'node:util';
import { freshSeed } from './fuzz-rng.ts';
import { runPolicyFuzz } from './run-policy.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    cases: { type: 'string' },
    requests: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    workers: { type: 'string' },
  },
});

function count(name: string, text: string | undefined, fallback: number): number {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${text}`);
    process.exit(2);
  }
  return n;
}

const target = positionals[0];
const seed = count('seed', values.seed, freshSeed());
const from = count('from', values.from, 0);
const log = (line: string): void => console.log(line);

if (target === 'policy') {
  const cases = count('cases', values.cases, 10_000);
  const workers = Math.max(1, count('workers', values.workers, 2));
  log(`policy fuzz: seed ${seed}, cases ${from}..${from + cases - 1}, ${workers} workers`);
  const s = await runPolicyFuzz({ seed, cases, from, workers, stallMs: 120_000 }, log);
  log(
    `policy fuzz done: ${s.cases.toLocaleString('en-US')} cases in ${s.seconds.toFixed(0)} s: ${s.compiled.toLocaleString('en-US')} compiled, ${s.refused.toLocaleString('en-US')} refused with a located EnumguardError, ${s.failures.length} failures, ${s.hangs.length} hangs; slowest case ${s.slowestMs.toFixed(0)} ms of CPU (seed ${seed})`,
  );
  for (const f of s.failures.slice(0, 50)) {
    log(`  case ${f.index} (${f.base}; ${f.mutations.join(', ')}): ${f.problem}`);
    log(`    replay: npm run fuzz -- policy --seed ${seed} --from ${f.index} --cases 1 --workers 1`);
  }
  for (const h of s.hangs) log(`  hang: ${h} (seed ${seed})`);
  process.exit(s.failures.length + s.hangs.length === 0 ? 0 : 1);
} else if (target === 'http') {
  const { runHttpFuzz } = await import('./run-http.ts');
  const requests = count('requests', values.requests, 5_000);
  const ok = await runHttpFuzz({ seed, requests, from }, log);
  process.exit(ok ? 0 : 1);
} else {
  console.error('usage: npm run fuzz -- policy --cases N | http --requests N [--seed S] [--from I]');
  process.exit(2);
}
