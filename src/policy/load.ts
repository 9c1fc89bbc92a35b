import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EnumguardError } from '../core/errors.ts';
import { compilePolicy } from './compile.ts';
import { fsReason } from './fs-reason.ts';
import type { CompiledPolicy } from './types.ts';

/** Reads a policy file; ERR_POLICY_READ with the OS reason when it cannot be read. */
export async function readPolicyText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new EnumguardError('ERR_POLICY_READ', `${path}: cannot read the policy: ${fsReason(err)}`, {
      cause: err,
    });
  }
}

/**
 * Reads and compiles a policy file. Relative key files in it are resolved against the
 * file's own directory, so a policy means the same thing whatever the working directory.
 * Throws ERR_POLICY_READ or ERR_POLICY_INVALID (a PolicyError with every issue).
 */
export async function loadPolicy(path: string): Promise<CompiledPolicy> {
  const text = await readPolicyText(path);
  return compilePolicy(text, { source: path, baseDir: dirname(resolve(path)) });
}
