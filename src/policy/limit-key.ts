import type { LimitKey } from './types.ts';
import { describeValue, fail, isPlainObject, ok, type FieldResult } from './values.ts';

/**
 * A limit's `key` says whose budget a request spends:
 *   identity | ip | route | global
 *   account       the session's account (policy `accounts`): budgets follow it across sessions
 *   ipv4/<0-32>   IPv4 clients by that prefix, IPv6 clients by /64 (one customer's usual allocation)
 *   ipv6/<0-128>  IPv6 clients by that prefix, IPv4 clients by /32 (one address)
 *   { ip: { v4: n, v6: n } }   both prefixes explicit
 *   { header: name }   a request header (names are case-insensitive, RFC 9110 §5.1)
 *   { claim: name }    a JWT claim
 */
const SIMPLE_KEYS = ['identity', 'ip', 'route', 'global', 'account'] as const;
const DEFAULT_V6_PREFIX = 64;
const DEFAULT_V4_PREFIX = 32;
// RFC 9110 §5.6.2 token: what a header field name may contain.
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const EXPECTED =
  'expected "identity", "ip", "route", "global", "account", "ipv4/<0-32>", "ipv6/<0-128>", ' +
  '{ ip: { v4, v6 } }, { header: name } or { claim: name }';

function prefix(value: unknown, family: 'v4' | 'v6', max: number): FieldResult<number> {
  if (value === undefined) return fail('is required');
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max) return ok(value);
  return fail(
    `expected an ${family === 'v4' ? 'IPv4' : 'IPv6'} prefix length 0-${max}, got ${describeValue(value)}`,
  );
}

function parseKeyText(text: string): FieldResult<LimitKey> {
  if ((SIMPLE_KEYS as readonly string[]).includes(text)) return ok({ kind: text } as LimitKey);
  const m = /^ipv([46])\/(.*)$/.exec(text);
  if (!m) return fail(`${EXPECTED}, got ${JSON.stringify(text)}`);
  const v4 = m[1] === '4';
  const max = v4 ? 32 : 128;
  const n = /^\d{1,3}$/.test(m[2] ?? '') ? Number(m[2]) : NaN;
  if (!(n >= 0 && n <= max)) {
    return fail(`expected ${v4 ? 'ipv4' : 'ipv6'}/<0-${max}>, got ${JSON.stringify(text)}`);
  }
  return ok(
    v4
      ? { kind: 'ip-prefix', v4: n, v6: DEFAULT_V6_PREFIX }
      : { kind: 'ip-prefix', v4: DEFAULT_V4_PREFIX, v6: n },
  );
}

function parseIpObject(value: unknown): FieldResult<LimitKey> {
  if (!isPlainObject(value))
    return fail(`expected { v4: <0-32>, v6: <0-128> }, got ${describeValue(value)}`, ['ip']);
  for (const k of Object.keys(value)) {
    if (k !== 'v4' && k !== 'v6')
      return fail(`unknown key ${JSON.stringify(k)}; expected v4 and v6`, ['ip', k]);
  }
  const v4 = prefix(value['v4'], 'v4', 32);
  if (!v4.ok) return fail(v4.error, ['ip', 'v4']);
  const v6 = prefix(value['v6'], 'v6', 128);
  if (!v6.ok) return fail(v6.error, ['ip', 'v6']);
  return ok({ kind: 'ip-prefix', v4: v4.value, v6: v6.value });
}

export function parseLimitKey(value: unknown): FieldResult<LimitKey> {
  if (typeof value === 'string') return parseKeyText(value);
  if (!isPlainObject(value)) return fail(`${EXPECTED}, got ${describeValue(value)}`);
  const keys = Object.keys(value);
  const kind = keys[0];
  if (keys.length !== 1 || (kind !== 'ip' && kind !== 'header' && kind !== 'claim')) {
    return fail(
      `${EXPECTED}, got a mapping with ${keys.length === 0 ? 'no keys' : `keys ${keys.join(', ')}`}`,
    );
  }
  if (kind === 'ip') return parseIpObject(value['ip']);
  const name = value[kind];
  if (kind === 'header') {
    if (typeof name !== 'string' || !TOKEN_RE.test(name)) {
      return fail(`expected a header name like "x-tenant", got ${describeValue(name)}`, ['header']);
    }
    return ok({ kind: 'header', name: name.toLowerCase() });
  }
  if (typeof name !== 'string' || name === '') {
    return fail(`expected a claim name like "tenant", got ${describeValue(name)}`, ['claim']);
  }
  return ok({ kind: 'claim', name });
}

/**
 * The key as text, the default limit id: "identity", "ipv4-24", "ip-24-48", "header-x-tenant".
 * Ids travel in headers, logs and store keys, so they keep to a safe alphabet.
 */
export function limitKeyText(raw: unknown, key: LimitKey): string {
  if (typeof raw === 'string') return raw.replace('/', '-');
  switch (key.kind) {
    case 'ip-prefix':
      return `ip-${key.v4}-${key.v6}`;
    case 'header':
    case 'claim':
      return `${key.kind}-${key.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-')}`;
    default:
      return key.kind;
  }
}
