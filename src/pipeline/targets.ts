import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Targets of a distinct limit (phone numbers, emails, usernames) are normalized before they
 * are fingerprinted, so that writing one number two ways does not make it "new" twice.
 * Phone numbers become E.164 (ITU-T E.164: "+", country code, at most 15 digits).
 */
// Visual separators people and exporters put in numbers: spaces, dashes, dots, parentheses.
const SEPARATORS = /[\s\-.()\u00a0]/g;

/**
 * Whether the text is E.164 already ("+", then 7 to 15 digits, the first not 0): a character
 * loop, several times cheaper than the equivalent /^\+[1-9]\d{6,14}$/ on the request path.
 */
export function isE164(text: string): boolean {
  const len = text.length;
  if (len < 8 || len > 16 || text.charCodeAt(0) !== 43 /* + */) return false;
  const first = text.charCodeAt(1);
  if (first < 49 || first > 57) return false;
  for (let i = 2; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** One target to its canonical form. */
export function normalizeTarget(text: string): string {
  // Fast path: the simulator and well-behaved clients send E.164 already, millions per second.
  if (isE164(text)) return text;
  let compact = text.replace(SEPARATORS, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  // "+44 (0)20 …": the parenthesized trunk prefix must go, which only libphonenumber knows.
  if (isE164(compact) && !text.includes('(')) return compact;
  if (compact.startsWith('+') && compact.length <= 24) {
    const phone = parsePhoneNumberFromString(compact);
    if (phone?.isValid()) return phone.number;
  }
  return text.trim().toLowerCase();
}

/**
 * The normalized string targets of a body array; other items (numbers, objects, null) are
 * ignored. Duplicates are kept: the store counts each distinct target once.
 */
export function normalizeTargets(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  const out: string[] = [];
  for (const item of items) if (typeof item === 'string') out.push(normalizeTarget(item));
  return out;
}
