import type { Admission, Caller } from '../types.ts';
import { refuseWith, type RequestState } from './request-state.ts';

/** The authorize step: the caller must hold every scope the route names. */
export function authorize(s: RequestState): Admission | undefined {
  const missing = missingScopes(s.route.scopes, s.caller);
  if (missing.length === 0) return undefined;
  return refuseWith(
    s.route,
    s.caller,
    'forbidden',
    `route ${s.route.id} requires scope ${missing.join(', ')}`,
  );
}

const NONE_MISSING: readonly string[] = [];

function missingScopes(scopes: readonly string[], caller: Caller): readonly string[] {
  if (scopes.length === 0) return NONE_MISSING;
  const held = caller.identity?.scopes;
  let missing: string[] | undefined;
  for (const scope of scopes) {
    if (held?.has(scope)) continue;
    (missing ??= []).push(scope);
  }
  return missing ?? NONE_MISSING;
}
