import type { AuditRule } from '../finding.ts';

/**
 * The rules `audit probe` reports. A probe sees the API from outside, as the 2024 WhatsApp
 * researchers did: whether one identity is ever slowed, how fast it can look numbers up, and
 * what the answers carry. Each finding names one of these.
 */
const HELP = 'docs/audit-probe.md';

export const PROBE_UNLIMITED: AuditRule = {
  id: 'EG-PROBE-UNLIMITED',
  title: 'Lookups were never slowed',
  severity: 'critical',
  reason:
    'One identity looked numbers up at rising rates and was never refused, told to wait, answered more slowly or answered less. The 2024 WhatsApp scrape ran at over 100 million lookups an hour through such an API.',
  fix: 'Put a per-identity limit and a distinct-target quota on the lookup route (enumguard gateway or middleware), answer 429 with Retry-After past it, and detect scans (low hit ratio, dense ranges).',
  helpUri: `${HELP}#eg-probe-unlimited`,
};

export const PROBE_FAST: AuditRule = {
  id: 'EG-PROBE-FAST',
  title: "The sustained rate would enumerate the country's mobile numbers quickly",
  severity: 'high',
  reason:
    'At the lookup rate one identity sustained, a handful of identities would test every valid mobile number of the country in days: whoever holds the list learns who uses the service.',
  fix: 'Lower what one identity may look up per day (count distinct numbers, as Signal does), and bind budgets to accounts that are costly to make: see policies/enumguard-default.yaml.',
  helpUri: `${HELP}#eg-probe-fast`,
};

export const PROBE_PROFILE_LEAK: AuditRule = {
  id: 'EG-PROBE-PROFILE-LEAK',
  title: 'Lookup answers carry profile data',
  severity: 'high',
  reason:
    'The answers to a number lookup hold profile fields (name, about text, photo, presence). In 2024 WhatsApp returned the photo of 57% and the about text of 29% of the accounts found, so every hit of a scan was a profile.',
  fix: "Answer a lookup with the least it needs (registered or not); serve profile data only where the owner's privacy setting allows it, or strip it with an egress filter (egress.strip, stripWhen: untrusted).",
  helpUri: `${HELP}#eg-probe-profile-leak`,
};

export const PROBE_NO_RETRY_AFTER: AuditRule = {
  id: 'EG-PROBE-NO-RETRY-AFTER',
  title: 'A refusal did not say when to come back',
  severity: 'medium',
  reason:
    'A 429 or 503 without Retry-After (RFC 6585 section 4, RFC 9110 section 10.2.3) leaves well-behaved clients to guess, so they retry at once and a legitimate burst turns into a storm; a scraper loses nothing by it.',
  fix: 'Send Retry-After with every 429 and 503 (the enumguard gateway does).',
  helpUri: `${HELP}#eg-probe-no-retry-after`,
};

export const PROBE_RATELIMIT_DISCLOSED: AuditRule = {
  id: 'EG-PROBE-RATELIMIT-DISCLOSED',
  title: 'The lookup route discloses its remaining quota',
  severity: 'low',
  reason:
    'RateLimit or X-RateLimit headers on an enumeration-prone route tell a scraper exactly how to stay under the limit; the security section of draft-ietf-httpapi-ratelimit-headers-11 warns of this.',
  fix: 'Leave quota headers off lookup routes (rateLimitHeaders: false in an enumguard policy); keep Retry-After on refusals.',
  helpUri: `${HELP}#eg-probe-ratelimit-disclosed`,
};

export const PROBE_SLOWED: AuditRule = {
  id: 'EG-PROBE-SLOWED',
  title: 'The probe was slowed',
  severity: 'info',
  reason: 'How and when the API first slowed one identity that looked numbers up at rising rates.',
  fix: 'Nothing to fix: compare the sustained rate with the country figure to judge whether the limit is tight enough.',
  helpUri: `${HELP}#eg-probe-slowed`,
};

export const PROBE_INCONCLUSIVE: AuditRule = {
  id: 'EG-PROBE-INCONCLUSIVE',
  title: 'The probe could not look anything up',
  severity: 'medium',
  reason:
    'No lookup was answered with success (wrong route, body template or credentials), so the probe measured nothing; an API that refuses the probe may still be open to a caller that gets these right.',
  fix: 'Check --route, --method and --body-template against the API, and give the identity with --header or --register.',
  helpUri: `${HELP}#eg-probe-inconclusive`,
};

export const PROBE_RULES: readonly AuditRule[] = [
  PROBE_UNLIMITED,
  PROBE_FAST,
  PROBE_PROFILE_LEAK,
  PROBE_NO_RETRY_AFTER,
  PROBE_RATELIMIT_DISCLOSED,
  PROBE_SLOWED,
  PROBE_INCONCLUSIVE,
];
