import { ACCOUNT_DEFAULTS, CONTACTS_DEFAULTS } from '../../policy/contacts-section.ts';
import type { CompiledPolicy } from '../../policy/types.ts';
import type { MemoryContactGraphOptions } from './memory-contact-graph.ts';

/** The bounds a policy's `accounts` and `contacts` set on a memory contact graph (defaults where absent). */
export function contactGraphBounds(
  policy: Pick<CompiledPolicy, 'accounts' | 'contacts'>,
): Pick<MemoryContactGraphOptions, 'config' | 'sessions'> {
  const { contacts, accounts } = policy;
  return {
    config: {
      maxPerAccount: contacts?.maxPerAccount ?? CONTACTS_DEFAULTS.maxPerAccount,
      maxAccounts: contacts?.maxAccounts ?? CONTACTS_DEFAULTS.maxAccounts,
      forgetAfterMs: contacts?.forgetAfterMs ?? CONTACTS_DEFAULTS.forgetAfterMs,
      bootstrapMs: contacts?.bootstrapMs ?? CONTACTS_DEFAULTS.bootstrapMs,
      anchorAt: contacts?.anchorAt ?? CONTACTS_DEFAULTS.anchorAt,
    },
    sessions: {
      forgetAfterMs: accounts?.forgetAfterMs ?? ACCOUNT_DEFAULTS.forgetAfterMs,
      max: accounts?.maxSessions ?? ACCOUNT_DEFAULTS.maxSessions,
    },
  };
}
