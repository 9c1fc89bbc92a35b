import type { AccountsConfig } from '../../policy/types.ts';
import type { ContactGraph } from '../../stores/contact-graph/contact-graph.ts';
import { resolvePointer } from '../json-pointer.ts';
import { headerKeyValue } from '../limit-keys.ts';
import type { ResponseOutcome } from '../types.ts';

/**
 * Binds the session a registration answer hands out to the account it registered: the token at
 * the answer's pointer, as the client will present it ("<scheme> <token>", the session key's
 * canonical form). A re-registration of the same number gets the same account back, and with it
 * the account's budgets, risk and trust.
 */
export function captureSession(
  config: AccountsConfig,
  graph: ContactGraph,
  account: number,
  outcome: ResponseOutcome,
  now: number,
): void | Promise<void> {
  const register = config.register;
  if (register === undefined || outcome.status < 200 || outcome.status >= 300) return undefined;
  const token = resolvePointer(outcome.answer, register.token);
  if (typeof token !== 'string' || token === '' || token.length > 4096) return undefined;
  const key = config.session;
  const session =
    key.kind !== 'header'
      ? token
      : headerKeyValue(key.name, key.name.endsWith('authorization') ? `${register.scheme} ${token}` : token);
  return graph.bind(session, account, now);
}
