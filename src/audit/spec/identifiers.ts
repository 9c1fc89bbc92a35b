import { isAccountCollection } from './path-context.ts';
import { isArraySchema, itemsOf, numberKeyword, schemaTypes, type Schema } from './schema-walk.ts';

/**
 * What kind of personal identifier a value holds: the keys an enumeration walks. A
 * `search-term` is free text matched against accounts (`GET /users?q=`): names, logins, emails.
 */
export type IdentifierKind = 'phone' | 'email' | 'username' | 'account-id' | 'search-term';

export interface IdentifierClass {
  readonly kind: IdentifierKind;
  /** Why: "format: email", "pattern ^\+[1-9]...", "name msisdn", "description". */
  readonly by: string;
  /** An account id that cannot be walked: a UUID, or a pattern pinning 10+ random characters. */
  readonly opaque: boolean;
  /** An integer, or a string of digits only: sequential ids are walked by counting. */
  readonly numeric: boolean;
}

/** Lower case, "_", "-" and "." removed: "phone_number", "phoneNumber" → "phonenumber". */
export function squash(name: string): string {
  return name.toLowerCase().replace(/[_\-.\s]/g, '');
}

const PHONE_FORMATS = new Set(['phone', 'phonenumber', 'tel', 'e164', 'msisdn']);
const EMAIL_FORMATS = new Set(['email', 'idnemail']);
const PHONE_NAMES =
  /^(phones?|phonenumbers?|msisdns?|e164s?|e164numbers?|mobiles?|mobilenumbers?|cellphones?|tels?|telephones?|telephonenumbers?|contactnumbers?)$/;
const EMAIL_NAMES = /^(e?mails?|emailaddress(es)?|emailids?|useremails?)$/;
const USERNAME_NAMES =
  /^(usernames?|userhandles?|handles?|logins?|loginnames?|screennames?|nicknames?|nicks?)$/;
/**
 * Compound names that end in an identifier's name: `UserUsername`, `ownerLogin`,
 * `contactEmail`, `mobilePhoneNumber`. Checked after the exact names, and never on dates.
 */
const PHONE_SUFFIX = /(phone|phonenumber|msisdn|e164|mobilenumber|cellphone|telephone)s?$/;
const EMAIL_SUFFIX = /(email|emailaddress)(es|s)?$/;
const USERNAME_SUFFIX = /(username|userhandle|screenname|loginname|login|handle|nickname)s?$/;
const ACCOUNT_ID_NAMES =
  /^(user|account|member|customer|profile|person|player|owner|subscriber|contact|recipient)(ids?|uuids?|keys?|numbers?)$|^uids?$/;
/**
 * A parameter named after the account itself (`?user=U123`, `?users=U1,U2`, `?member=`)
 * holds its identifier: the value is a key, the object is behind it.
 */
const ACCOUNT_NAMES = /^(users?|accounts?|members?|customers?|subscribers?)$/;
const PHONE_TEXT = /\b(phone numbers?|e\.?164|msisdn|mobile numbers?)\b/i;
const EMAIL_TEXT = /\b(e-?mail address(es)?|email)\b/i;
const USERNAME_TEXT = /\b(usernames?|user names?|user handles?|screen names?)\b/i;
const ACCOUNT_TEXT = /\b(user|account|member|customer) ids?\b/i;

/**
 * An E.164-like pattern: a "+" (escaped) or a leading digit class, and digit repetition
 * ("^\+?[1-9]\d{1,14}$", "^\+[1-9][0-9]{6,14}$"). ITU-T E.164 numbers are at most 15 digits.
 */
function phonePattern(pattern: string): boolean {
  return /\\\+|\[\+\]/.test(pattern) && /\\d|\[0-9\]|\[1-9\]/.test(pattern);
}

function emailPattern(pattern: string): boolean {
  return pattern.includes('@');
}

/** A pattern that pins one character class to 10 or more characters: `^[0-9a-f]{12}$`, `^[A-Za-z0-9_-]{22}$`. */
function opaquePattern(pattern: string): boolean {
  const m = /^\^?\[[^\]]+\]\{(\d+)(?:,\d*)?\}\$?$/.exec(pattern);
  return m !== null && Number(m[1]) >= 10 && !/^\^?\[0-9\]|^\^?\\d/.test(pattern);
}

function scalarOf(schema: Schema): Schema {
  return isArraySchema(schema) ? (itemsOf(schema) ?? {}) : schema;
}

/** A `format` that makes the value a time, never an identifier (`lastLogin: date-time`). */
const TIME_FORMATS = new Set(['date', 'datetime', 'time', 'duration']);

/** The kind a path parameter of an account collection has, by the words of its name. */
function kindInCollection(n: string): IdentifierKind {
  if (/mail/.test(n)) return 'email';
  if (/phone|msisdn|e164/.test(n)) return 'phone';
  if (/name|login|handle|nick/.test(n)) return 'username';
  return 'account-id';
}

function numericScalar(schema: Schema): boolean {
  const types = schemaTypes(schema);
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : '';
  return types.has('integer') || types.has('number') || /^\^?(\\d|\[0-9\])[+*]\$?$/.test(pattern);
}

/**
 * Classifies a parameter or field as a personal identifier by its format, pattern, name,
 * the name of its schema, the collection a path parameter picks a member of
 * (`collection`: `/users/{x}` makes any `x` an account's key), and its description;
 * undefined when it looks like none. Objects, booleans, times and enumerations (a closed
 * list of values cannot be walked) are never identifiers.
 */
export function classifyIdentifier(
  name: string,
  schema: Schema,
  description: string,
  schemaName: string | undefined,
  collection?: string,
): IdentifierClass | undefined {
  const scalar = scalarOf(schema);
  const types = schemaTypes(scalar);
  if (types.has('object') || types.has('boolean') || types.has('array')) return undefined;
  if (Array.isArray(scalar.enum) || scalar.const !== undefined) return undefined;
  const format = squash(typeof scalar.format === 'string' ? scalar.format : '');
  if (TIME_FORMATS.has(format)) return undefined;
  const pattern = typeof scalar.pattern === 'string' ? scalar.pattern : '';
  const n = squash(name);
  const named = squash(schemaName ?? '');
  const text = `${description} ${typeof scalar.description === 'string' ? scalar.description : ''}`;
  const numeric = numericScalar(scalar);
  const make = (kind: IdentifierKind, by: string): IdentifierClass => ({
    kind,
    by,
    opaque: kind === 'account-id' && (format === 'uuid' || opaquePattern(pattern)),
    numeric,
  });
  if (PHONE_FORMATS.has(format)) return make('phone', `format: ${String(scalar.format)}`);
  if (EMAIL_FORMATS.has(format)) return make('email', `format: ${String(scalar.format)}`);
  if (pattern !== '' && phonePattern(pattern)) return make('phone', `pattern ${pattern}`);
  if (pattern !== '' && emailPattern(pattern)) return make('email', `pattern ${pattern}`);
  if (PHONE_NAMES.test(n)) return make('phone', `name ${name}`);
  if (EMAIL_NAMES.test(n)) return make('email', `name ${name}`);
  if (USERNAME_NAMES.test(n)) return make('username', `name ${name}`);
  if (/phone|e164|msisdn/.test(named)) return make('phone', `schema ${schemaName ?? ''}`);
  if (/email/.test(named)) return make('email', `schema ${schemaName ?? ''}`);
  if (/username|userhandle/.test(named)) return make('username', `schema ${schemaName ?? ''}`);
  if (ACCOUNT_ID_NAMES.test(n)) return make('account-id', `name ${name}`);
  if (/^(account|user)id$/.test(named)) return make('account-id', `schema ${schemaName ?? ''}`);
  if (ACCOUNT_NAMES.test(n)) return make('account-id', `name ${name}`);
  if (PHONE_SUFFIX.test(n)) return make('phone', `name ${name}`);
  if (!numeric && EMAIL_SUFFIX.test(n)) return make('email', `name ${name}`);
  if (!numeric && USERNAME_SUFFIX.test(n)) return make('username', `name ${name}`);
  if (isAccountCollection(collection)) {
    return make(kindInCollection(n), `path parameter {${name}} of /${collection ?? ''}`);
  }
  // A "number" alone (an order's, an invoice's) is no phone, unless its words say so.
  if (PHONE_TEXT.test(text)) return make('phone', 'description');
  if (USERNAME_TEXT.test(text)) return make('username', 'description');
  if (EMAIL_TEXT.test(text) && /^(q|query|search|term|filter|identifier|value|key|lookup|address)$/.test(n)) {
    return make('email', 'description');
  }
  // `?ids=` "A comma-separated list of user IDs": the plural name holds the same kind of key.
  if (ACCOUNT_TEXT.test(text) && /ids?$/.test(n)) return make('account-id', 'description');
  return undefined;
}

/** An array's declared cap, undefined when it has none. */
export function maxItemsOf(schema: Schema): number | undefined {
  return numberKeyword(schema, 'maxItems');
}
