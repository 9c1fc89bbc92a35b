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
  /** Ask the graph whether the account is anchored, so its network's penalties spare it (risk and contacts both on). */
  readonly spare: boolean;
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
  if (number !== undefined) return named(r, s, graph.fingerprint(number), now);
  const session = config.claim === undefined ? keyValue(config.session, s.caller, s.req.headers) : '';
  if (session === '') {
    s.caller = { ...s.caller, account: `anon:${addressKey(s.caller.ip)}` };
    return undefined;
  }
  const bound = graph.accountOf(session, now);
  if (bound instanceof Promise) return bound.then((account) => sessionAccount(r, s, session, account, now));
  return sessionAccount(r, s, session, bound, now);
}

function sessionAccount(
  r: AccountResolver,
  s: RequestState,
  session: string,
  account: number | undefined,
  now: number,
): void | Promise<void> {
  if (account !== undefined) return named(r, s, account, now);
  // An unbound session is its own account: fingerprinted, so no credential sits in a store key.
  s.caller = { ...s.caller, account: `session:${r.graph.fingerprint(`session ${session}`).toString(36)}` };
}

function named(r: AccountResolver, s: RequestState, account: number, now: number): void | Promise<void> {
  s.account = account;
  s.caller = { ...s.caller, account: `acct:${account.toString(36)}` };
  if (!r.spare) return undefined;
  const view = r.graph.view(account, [], now);
  if (view instanceof Promise)
    return view.then((v) => {
      s.spared = v.anchored;
    });
  s.spared = view.anchored;
  return undefined;
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
