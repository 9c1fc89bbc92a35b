import { addressKey } from '../../identity/cidr.ts';
import type { AccountsConfig } from '../../policy/types.ts';
import type { ContactGraph } from '../../stores/contact-graph/contact-graph.ts';
import { resolvePointer } from '../json-pointer.ts';
import { keyValue } from '../limit-keys.ts';
import { normalizeTarget } from '../targets.ts';
import type { RequestState } from '../admit/request-state.ts';

/** What the account step needs: the policy's accounts section and the graph that binds sessions. */
export interface AccountResolver {
  readonly config: AccountsConfig;
  readonly graph: ContactGraph;
}

/**
 * The account step: names the account behind the request, so budgets and risk follow the
 * account (a phone number) across sessions and re-registrations (policy `accounts`).
 *   the registration route   the number being registered (so `key: account` limits sign-ups per number)
 *   claim                    the JWT claim's number
 *   a bound session          the account it was bound to at registration
 *   any other session        the session itself, until it is bound
 *   no session               the client's address
 * Sets s.caller.account (a key value) and s.account (the account's fingerprint, or undefined
 * while the caller has none).
 */
export function accountStep(r: AccountResolver, s: RequestState, now: number): void | Promise<void> {
  const { config, graph } = r;
  const number = ownNumber(config, s);
  if (number !== undefined) return named(s, graph.fingerprint(number));
  const session = config.claim === undefined ? keyValue(config.session, s.caller, s.req.headers) : '';
  if (session === '') {
    s.caller = { ...s.caller, account: `anon:${addressKey(s.caller.ip)}` };
    return undefined;
  }
  const bound = graph.accountOf(session, now);
  if (bound instanceof Promise) return bound.then((account) => sessionAccount(r, s, session, account));
  return sessionAccount(r, s, session, bound);
}

function sessionAccount(
  r: AccountResolver,
  s: RequestState,
  session: string,
  account: number | undefined,
): void {
  if (account !== undefined) return named(s, account);
  // An unbound session is its own account: fingerprinted, so no credential sits in a store key.
  s.caller = { ...s.caller, account: `session:${r.graph.fingerprint(`session ${session}`).toString(36)}` };
}

function named(s: RequestState, account: number): void {
  s.account = account;
  s.caller = { ...s.caller, account: `acct:${account.toString(36)}` };
}

/** The number a request names as its own account: the one it registers, or its JWT claim. */
function ownNumber(config: AccountsConfig, s: RequestState): string | undefined {
  if (config.register !== undefined && s.route.id === config.register.route) {
    const value = resolvePointer(s.req.body, config.register.number);
    return typeof value === 'string' && value !== '' ? normalizeTarget(value) : undefined;
  }
  if (config.claim !== undefined) {
    const value = s.caller.identity?.claims[config.claim];
    return typeof value === 'string' && value !== '' ? normalizeTarget(value) : undefined;
  }
  return undefined;
}
