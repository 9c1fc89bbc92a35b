/**
 * One error class for the whole package, with stable codes a caller can switch on.
 * Exceptions are for bugs, bad configuration and unreachable infrastructure; a denied
 * request is a Decision, never an exception. docs/errors.md explains every code (who causes
 * it, what to do); errors.test.ts keeps the two in step.
 */
export const ERROR_CODES = [
  // The policy file parsed but breaks a rule; the message lists every issue with its line.
  'ERR_POLICY_INVALID',
  // The policy file cannot be read (missing, a directory, no permission).
  'ERR_POLICY_READ',
  // An OpenAPI or Swagger file given to `enumguard audit` is not one, or a $ref in it is broken.
  'ERR_SPEC_INVALID',
  // An OpenAPI or Swagger file given to `enumguard audit` cannot be read.
  'ERR_SPEC_READ',
  // A simulator scenario, or an agent module it loads, is unusable.
  'ERR_SCENARIO_INVALID',
  // The store (Redis) did not answer, or answered with an error.
  'ERR_STORE_UNAVAILABLE',
  // A state snapshot file is not one, or is damaged.
  'ERR_SNAPSHOT_INVALID',
  // A state snapshot file cannot be read or written.
  'ERR_SNAPSHOT_IO',
  // The caller's mistake: configuration, a command-line flag, or options and arguments passed
  // to a public function are wrong. The message names the value and what is expected.
  'ERR_CONFIG',
  // The upstream answered, but its body is not what the egress filter can pass on safely:
  // malformed JSON, a records pointer naming a non-array, a record over its size bound.
  'ERR_UPSTREAM_BODY',
  // A bug in enumguard: an invariant broke that no configuration or input can break.
  'ERR_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class EnumguardError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnumguardError';
    this.code = code;
  }
}

export function isEnumguardError(err: unknown, code?: ErrorCode): err is EnumguardError {
  return err instanceof EnumguardError && (code === undefined || err.code === code);
}
