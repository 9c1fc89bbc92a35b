import { EnumguardError } from './errors.ts';

/**
 * ERR_INTERNAL for a check only an enumguard bug can fail: a value enumguard built itself, or
 * one an earlier validation (the policy's, the scenario's) already accepted. The message says
 * so, so nobody hunts through their configuration for a fault that is not there.
 *
 * Not part of the public API: a caller's mistakes are ERR_CONFIG (or a more specific code).
 */
export function internalError(what: string, options?: { cause?: unknown }): EnumguardError {
  return new EnumguardError(
    'ERR_INTERNAL',
    `enumguard bug: ${what}. Please report it with this message and its stack trace.`,
    options,
  );
}
