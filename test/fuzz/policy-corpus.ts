import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One shipped policy the fuzzer mutates: its text and the folder its key files resolve from. */
export interface CorpusPolicy {
  readonly name: string;
  readonly text: string;
  readonly baseDir: string;
}

const ROOT = join(import.meta.dirname, '../..');
const FOLDERS = ['policies', 'examples', 'baselines', 'test/fixtures/policies'];

/** Every policy the project ships or tests with: valid ones and every invalid fixture. */
export function loadPolicyCorpus(): CorpusPolicy[] {
  const out: CorpusPolicy[] = [];
  for (const folder of FOLDERS) {
    const dir = join(ROOT, folder);
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      // Scenario-like files in examples/ are not policies; every policy starts with its version.
      if (!/^version:/m.test(text)) continue;
      out.push({ name: `${folder}/${name}`, text, baseDir: dir });
    }
  }
  return out;
}

/** Environment the corpus' secretEnv names read from: fixed, so every case replays alike. */
export const FUZZ_ENV: Readonly<Record<string, string>> = Object.freeze({
  CANARY_SECRET: 'fuzz-canary-secret-0123456789abcdef',
  ENUMGUARD_CANARY_SECRET: 'fuzz-canary-secret-0123456789abcdef',
  ENUMGUARD_STORE_SEED: '1,2',
  ENUMGUARD_REDIS_PASSWORD: 'fuzz',
});
