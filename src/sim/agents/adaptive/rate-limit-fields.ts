/**
 * What a client can read of the limits it is under, from the RateLimit and RateLimit-Policy
 * fields of draft-ietf-httpapi-ratelimit-headers-11 (RFC 8941 lists of items):
 *   RateLimit-Policy: "discover/per-ip";q=20;w=60;pk=:NmQ0ZmE3Mzk=:
 *   RateLimit:        "discover/per-ip";r=19;t=3;pk=:NmQ0ZmE3Mzk=:
 * An attacker keys what it learns by `pk` (the partition), which tells it whether two of its
 * accounts draw on one shared budget (a network's) or each on its own.
 */
export interface LimitField {
  /** The policy name joined with the partition key: one budget. */
  readonly partition: string;
  /** Quota (`q`) and window in seconds (`w`), when RateLimit-Policy names them. */
  readonly quota?: number;
  readonly windowS?: number;
  /** Remaining units (`r`) and seconds until the quota resets (`t`). */
  readonly remaining?: number;
  readonly resetS?: number;
}

/** The items of one field: name and parameters, split on top-level commas and semicolons. */
function items(text: string): { name: string; params: Map<string, string> }[] {
  const out: { name: string; params: Map<string, string> }[] = [];
  for (const raw of splitOutsideQuotes(text, ',')) {
    const [name = '', ...rest] = splitOutsideQuotes(raw.trim(), ';');
    const params = new Map<string, string>();
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    }
    if (name !== '') out.push({ name: name.trim(), params });
  }
  return out;
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function integer(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Every budget an answer reports, merged from both fields; [] when the route sends neither
 * (a policy may switch them off for enumeration-sensitive routes, as the draft advises).
 */
export function readLimitFields(headers: Readonly<Record<string, string>>): LimitField[] {
  const current = headers['ratelimit'];
  if (current === undefined) return [];
  const policies = new Map<string, { q?: number; w?: number }>();
  for (const { name, params } of items(headers['ratelimit-policy'] ?? '')) {
    const q = integer(params.get('q'));
    const w = integer(params.get('w'));
    policies.set(`${name}${params.get('pk') ?? ''}`, {
      ...(q !== undefined ? { q } : {}),
      ...(w !== undefined ? { w } : {}),
    });
  }
  return items(current).map(({ name, params }) => {
    const partition = `${name}${params.get('pk') ?? ''}`;
    const policy = policies.get(partition);
    const r = integer(params.get('r'));
    const t = integer(params.get('t'));
    return {
      partition,
      ...(policy?.q !== undefined ? { quota: policy.q } : {}),
      ...(policy?.w !== undefined ? { windowS: policy.w } : {}),
      ...(r !== undefined ? { remaining: r } : {}),
      ...(t !== undefined ? { resetS: t } : {}),
    };
  });
}

/**
 * The header a defended gateway adds to a 200 lookup when it may have withheld registered
 * numbers (the caller's reveal budget ran out): ask again for the numbers not found after
 * this many seconds. Undefined when absent or malformed.
 */
export function deferredSeconds(headers: Readonly<Record<string, string>>): number | undefined {
  const value = headers['enumguard-deferred'];
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
