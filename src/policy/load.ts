import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { EnumguardError } from '../core/errors.ts';
import { compilePolicy } from './compile.ts';
import { fsReason } from './fs-reason.ts';
import type { CompiledPolicy } from './types.ts';

/**
 * Reads a policy file; ERR_POLICY_READ with the OS reason when it cannot be read, and
 * ERR_POLICY_INVALID when it is not UTF-8 text: a binary file given by mistake would
 * otherwise reach the YAML parser and come back as pages of escaped bytes.
 */
export async function readPolicyText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new EnumguardError('ERR_POLICY_READ', `${path}: cannot read the policy: ${fsReason(err)}`, {
      cause: err,
    });
  }
  return decodePolicyText(path, bytes);
}

/** A policy file's bytes as text; ERR_POLICY_INVALID when they are not UTF-8 text. */
export function decodePolicyText(path: string, bytes: Uint8Array): string {
  // YAML text never holds NUL (YAML 1.2 section 5.1 excludes it); binary files nearly always do.
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw notText(path, `it holds a NUL byte at offset ${nul}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw notText(path, 'its bytes are not UTF-8', err);
  }
}

function notText(path: string, why: string, cause?: unknown): EnumguardError {
  return new EnumguardError(
    'ERR_POLICY_INVALID',
    `${basename(path)} is not a text YAML file (${why}): give the policy's .yaml file, saved as UTF-8`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Reads and compiles a policy file. Relative key files in it are resolved against the
 * file's own directory, so a policy means the same thing whatever the working directory.
 * Throws ERR_POLICY_READ or ERR_POLICY_INVALID (a PolicyError with every issue).
 */
export async function loadPolicy(path: string): Promise<CompiledPolicy> {
  return (await loadPolicySource(path)).policy;
}

/** loadPolicy, with the text the policy was compiled from (for `watchPolicy`'s `initialText`). */
export async function loadPolicySource(path: string): Promise<{ policy: CompiledPolicy; text: string }> {
  const text = await readPolicyText(path);
  return { policy: compilePolicy(text, { source: path, baseDir: dirname(resolve(path)) }), text };
}
