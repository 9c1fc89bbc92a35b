/**
 * One error class for the whole package, with stable codes a caller can switch on.
 * Exceptions are for bugs, bad configuration and unreachable infrastructure; a denied
 * request is a Decision, never an exception.
 */
export const ERROR_CODES = [
  'ERR_POLICY_INVALID',
  'ERR_POLICY_READ',
  'ERR_SCENARIO_INVALID',
  'ERR_STORE_UNAVAILABLE',
  'ERR_SNAPSHOT_INVALID',
  'ERR_SNAPSHOT_IO',
  'ERR_CONFIG',
  'ERR_UPSTREAM',
  // The upstream answered, but its body is not what the egress filter can pass on safely:
  // malformed JSON, a records pointer naming a non-array, a record over its size bound.
  'ERR_UPSTREAM_BODY',
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
