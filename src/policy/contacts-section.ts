import * as z from 'zod';
import {
  durationField,
  field,
  idField,
  pointerField,
  positiveIntField,
  rateField,
  textField,
} from './fields.ts';
import type { RawIssue } from './issues.ts';
import { parseLimitKey } from './limit-key.ts';
import type { AccountsConfig, ContactsConfig, LimitKey, RevealTier } from './types.ts';
import { describeValue, type PathSegment } from './values.ts';

/**
 * The policy's `accounts:` and `contacts:` sections and a route's `reveal:` (issue 12).
 *
 * `accounts` says which account (phone number) a session belongs to, so budgets and risk follow
 * the account through re-registrations: from a JWT claim, or captured from the registration
 * exchange (the number in the request, the session token in the answer).
 *
 * `contacts` keeps who looked up whom as keyed fingerprints (src/stores/contact-graph/), and the
 * reveal budget: on a route with `reveal`, an account that holds the caller's number is
 * revealed at once; any other is revealed from a budget whose size grows with the caller's
 * trust (how many anchored accounts were found to hold the caller's number).
 */
const DAY = 86_400_000;

export const CONTACTS_DEFAULTS = {
  maxPerAccount: 20_000,
  maxAccounts: 2_000_000,
  forgetAfterMs: 180 * DAY,
  bootstrapMs: 14 * DAY,
  anchorAt: 3,
} as const;

export const ACCOUNT_DEFAULTS = { forgetAfterMs: 90 * DAY, maxSessions: 4_000_000 } as const;

const sessionKeyField = z
  .unknown()
  .optional()
  .transform((raw, ctx): LimitKey => {
    const r = parseLimitKey(raw ?? { header: 'authorization' });
    if (r.ok && (r.value.kind === 'header' || r.value.kind === 'identity')) return r.value;
    ctx.addIssue({
      code: 'custom',
      message: `expected { header: name } or identity, the credential a session presents, got ${describeValue(raw)}`,
    });
    return z.NEVER;
  });

const registerSchema = z.strictObject({
  route: idField,
  number: pointerField,
  token: pointerField,
  scheme: textField.default('Bearer'),
});

export const accountsSchema = z.strictObject({
  session: sessionKeyField,
  register: registerSchema.optional(),
  claim: textField.optional(),
  forgetAfter: durationField.default(ACCOUNT_DEFAULTS.forgetAfterMs),
  maxSessions: positiveIntField.default(ACCOUNT_DEFAULTS.maxSessions),
});

const tierSchema = z.strictObject({
  trust: z.int().min(0),
  rate: rateField,
  burst: positiveIntField.optional(),
});

export const contactsSchema = z.strictObject({
  maxPerAccount: positiveIntField.default(CONTACTS_DEFAULTS.maxPerAccount),
  maxAccounts: positiveIntField.default(CONTACTS_DEFAULTS.maxAccounts),
  forgetAfter: durationField.default(CONTACTS_DEFAULTS.forgetAfterMs),
  bootstrap: z.union([z.literal(0), durationField]).default(CONTACTS_DEFAULTS.bootstrapMs),
  anchorAt: positiveIntField.default(CONTACTS_DEFAULTS.anchorAt),
  budget: z.array(tierSchema).min(1),
  population: z.strictObject({ rate: rateField, burst: positiveIntField.optional() }).optional(),
});

export const revealSchema = z.strictObject({
  records: pointerField,
  number: field((v) =>
    typeof v === 'string' && v !== '' && !v.startsWith('/')
      ? { ok: true as const, value: v }
      : {
          ok: false as const,
          error: `expected the record member that holds the number, like "number", got ${describeValue(v)}`,
        },
  ),
});

type AccountsDocument = z.output<typeof accountsSchema>;
type ContactsDocument = z.output<typeof contactsSchema>;

export function buildAccounts(
  doc: AccountsDocument,
  routeIds: readonly string[],
  hasJwt: boolean,
  issues: RawIssue[],
): AccountsConfig {
  const at: PathSegment[] = ['accounts'];
  if ((doc.register === undefined) === (doc.claim === undefined)) {
    issues.push({
      path: at,
      message:
        'say how a session names its account: register (capture it at registration) or claim (a JWT claim), one of them',
    });
  }
  if (doc.register !== undefined && !routeIds.includes(doc.register.route)) {
    issues.push({
      path: [...at, 'register', 'route'],
      message: `no route "${doc.register.route}"; expected one of ${routeIds.map((r) => `"${r}"`).join(', ')}`,
    });
  }
  if (doc.claim !== undefined && !hasJwt) {
    issues.push({ path: [...at, 'claim'], message: 'claim needs identities.jwt' });
  }
  return {
    session: doc.session,
    register: doc.register,
    claim: doc.claim,
    forgetAfterMs: doc.forgetAfter,
    maxSessions: doc.maxSessions,
  };
}

export function buildContacts(doc: ContactsDocument, issues: RawIssue[]): ContactsConfig {
  const budget: RevealTier[] = [];
  doc.budget.forEach((tier, i) => {
    const previous = budget[budget.length - 1];
    if (i === 0 && tier.trust !== 0) {
      issues.push({
        path: ['contacts', 'budget', 0, 'trust'],
        message: 'the first tier is for trust 0 (accounts nobody vouches for): set trust: 0',
      });
    }
    if (previous !== undefined && tier.trust <= previous.trust) {
      issues.push({
        path: ['contacts', 'budget', i, 'trust'],
        message: `tiers go up in trust: ${tier.trust} is not above the tier before it (${previous.trust})`,
      });
    }
    budget.push({
      trust: tier.trust,
      spec: {
        id: `contacts/reveal-trust-${tier.trust}`,
        algorithm: 'gcra',
        limit: tier.rate.limit,
        windowMs: tier.rate.windowMs,
        burst: tier.burst ?? tier.rate.limit,
      },
    });
  });
  return {
    maxPerAccount: doc.maxPerAccount,
    maxAccounts: doc.maxAccounts,
    forgetAfterMs: doc.forgetAfter,
    bootstrapMs: doc.bootstrap,
    anchorAt: doc.anchorAt,
    budget,
    population:
      doc.population === undefined
        ? undefined
        : {
            spec: {
              id: 'contacts/reveal-population',
              algorithm: 'gcra',
              limit: doc.population.rate.limit,
              windowMs: doc.population.rate.windowMs,
              burst: doc.population.burst ?? doc.population.rate.limit,
            },
          },
  };
}
