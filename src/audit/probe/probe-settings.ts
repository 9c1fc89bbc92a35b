import { EnumguardError } from '../../core/errors.ts';

/**
 * What one probe does, with its bounds. Defaults keep a probe small; the absolute maxima hold
 * whatever the caller asks, so a typo cannot turn an audit into an attack.
 */
export interface ProbeSettings {
  /** The API's base URL; http or https, no credentials in it. */
  readonly baseUrl: string;
  /** The lookup's path under the base URL; `$NUMBER` in it is replaced (URL-encoded). */
  readonly route: string;
  readonly method: string;
  /** The JSON body, `$NUMBERS` replaced by the batch as a JSON array, `$NUMBER` by one number. */
  readonly bodyTemplate: string | undefined;
  /** Numbers per request. */
  readonly batch: number;
  readonly maxRequests: number;
  readonly maxDurationMs: number;
  /** Requests per second of the first phase; each phase doubles it up to maxRate. */
  readonly startRate: number;
  readonly maxRate: number;
  /** Requests per phase of the rising rate. */
  readonly phaseRequests: number;
  /** ISO 3166-1 alpha-2: whose reserved numbers are asked and whose mobile space is sized. */
  readonly country: string;
  /** Hosts other than loopback the probe may reach, exactly as in the URL. */
  readonly allowHosts: readonly string[];
  /** Extra request headers (the identity's credentials); never reported. */
  readonly headers: readonly (readonly [string, string])[];
  /** Register one reserved number first (POST {"number": ...}) and use the token it answers. */
  readonly register: { readonly route: string; readonly tokenPointer: string } | undefined;
  /** Numbers the operator knows are registered (their own test accounts), mixed into batches. */
  readonly knownNumbers: readonly string[];
  /** The longest Retry-After the probe waits out; a longer one ends the probe. */
  readonly maxWaitMs: number;
  /** EG-PROBE-FAST when the country's space would take fewer days than this. */
  readonly fastDays: number;
  readonly seed: number;
}

export const PROBE_DEFAULTS = {
  route: '/v1/contacts/discover',
  method: 'POST',
  bodyTemplate: '{"numbers": $NUMBERS}',
  batch: 10,
  maxRequests: 200,
  maxDurationMs: 60_000,
  startRate: 2,
  maxRate: 100,
  phaseRequests: 10,
  country: 'US',
  maxWaitMs: 30_000,
  fastDays: 365,
  seed: 1,
  tokenPointer: '/token',
} as const;

/** Hard ceilings no flag can lift. */
export const PROBE_MAXIMA = {
  batch: 1000,
  maxRequests: 10_000,
  maxDurationMs: 15 * 60_000,
  maxRate: 1000,
  knownNumbers: 1000,
} as const;

export type ProbeInput = Partial<ProbeSettings> & { readonly baseUrl: string };

/** Defaults filled in and every bound checked; ERR_CONFIG names the value that is wrong. */
export function resolveProbeSettings(input: ProbeInput): ProbeSettings {
  const maxDurationMs = input.maxDurationMs ?? PROBE_DEFAULTS.maxDurationMs;
  const method = (input.method ?? PROBE_DEFAULTS.method).toUpperCase();
  const s: ProbeSettings = {
    baseUrl: input.baseUrl,
    route: input.route ?? PROBE_DEFAULTS.route,
    method,
    bodyTemplate:
      'bodyTemplate' in input
        ? input.bodyTemplate
        : method === 'GET'
          ? undefined
          : PROBE_DEFAULTS.bodyTemplate,
    batch: input.batch ?? PROBE_DEFAULTS.batch,
    maxRequests: input.maxRequests ?? PROBE_DEFAULTS.maxRequests,
    maxDurationMs,
    startRate: input.startRate ?? PROBE_DEFAULTS.startRate,
    maxRate: input.maxRate ?? PROBE_DEFAULTS.maxRate,
    phaseRequests: input.phaseRequests ?? PROBE_DEFAULTS.phaseRequests,
    country: (input.country ?? PROBE_DEFAULTS.country).toUpperCase(),
    allowHosts: input.allowHosts ?? [],
    headers: input.headers ?? [],
    register: input.register,
    knownNumbers: input.knownNumbers ?? [],
    maxWaitMs: input.maxWaitMs ?? Math.min(PROBE_DEFAULTS.maxWaitMs, maxDurationMs),
    fastDays: input.fastDays ?? PROBE_DEFAULTS.fastDays,
    seed: input.seed ?? PROBE_DEFAULTS.seed,
  };
  const bad = (what: string): never => {
    throw new EnumguardError('ERR_CONFIG', `audit probe: ${what}`);
  };
  const whole = (name: string, v: number, min: number, max: number): void => {
    if (!Number.isSafeInteger(v) || v < min || v > max)
      bad(`${name} must be a whole number from ${min} to ${max}, got ${v}`);
  };
  whole('--batch', s.batch, 1, PROBE_MAXIMA.batch);
  whole('--max-requests', s.maxRequests, 1, PROBE_MAXIMA.maxRequests);
  whole('--phase-requests', s.phaseRequests, 1, PROBE_MAXIMA.maxRequests);
  whole('--seed', s.seed, 0, 0xffffffff);
  if (!(s.maxDurationMs > 0 && s.maxDurationMs <= PROBE_MAXIMA.maxDurationMs))
    bad(
      `--max-duration must be above 0 and at most ${PROBE_MAXIMA.maxDurationMs / 60_000}m, got ${s.maxDurationMs} ms`,
    );
  if (!(s.maxWaitMs >= 0 && s.maxWaitMs <= s.maxDurationMs))
    bad(`--max-wait must be from 0 to --max-duration (${s.maxDurationMs} ms), got ${s.maxWaitMs} ms`);
  if (!(s.startRate > 0 && s.startRate <= s.maxRate))
    bad(`--start-rate must be above 0 and at most --max-rate (${s.maxRate}), got ${s.startRate}`);
  if (!(s.maxRate > 0 && s.maxRate <= PROBE_MAXIMA.maxRate))
    bad(
      `--max-rate must be above 0 and at most ${PROBE_MAXIMA.maxRate} requests per second, got ${s.maxRate}`,
    );
  if (!(s.fastDays > 0)) bad(`--fast-days must be above 0, got ${s.fastDays}`);
  if (!/^[A-Z]{2}$/.test(s.country))
    bad(`--country must be an ISO 3166-1 alpha-2 code such as US, got "${s.country}"`);
  if (!/^[A-Z]+$/.test(s.method)) bad(`--method must be an HTTP method such as POST, got "${s.method}"`);
  checkPath('--route', s.route, bad);
  if (s.register) checkPath('--register', s.register.route, bad);
  if (s.register && !s.register.tokenPointer.startsWith('/'))
    bad(`--token-pointer must be a JSON pointer such as /token, got "${s.register.tokenPointer}"`);
  const usesNumbers = s.route.includes('$NUMBER') || (s.bodyTemplate ?? '').includes('$NUMBER');
  if (!usesNumbers)
    bad('neither --route nor --body-template holds $NUMBERS or $NUMBER: nothing would be looked up');
  const single = !(s.bodyTemplate ?? '').includes('$NUMBERS');
  if (single && s.batch !== 1)
    bad('$NUMBER looks one number up per request: use --batch 1, or $NUMBERS in --body-template');
  if (s.bodyTemplate !== undefined) {
    try {
      JSON.parse(fillBody(s.bodyTemplate, ['+12015550100']));
    } catch {
      bad(`--body-template is not JSON once $NUMBERS/$NUMBER are filled in: ${s.bodyTemplate}`);
    }
  }
  if (s.knownNumbers.length > PROBE_MAXIMA.knownNumbers)
    bad(`--known-numbers holds ${s.knownNumbers.length} numbers; at most ${PROBE_MAXIMA.knownNumbers}`);
  for (const n of s.knownNumbers)
    if (!/^\+[1-9]\d{6,14}$/.test(n))
      bad('--known-numbers must hold E.164 numbers ("+" and 7 to 15 digits), one a line');
  for (const [name] of s.headers)
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) bad(`--header name "${name}" is not a header name`);
  checkTarget(s.baseUrl, s.allowHosts, bad);
  return s;
}

function checkPath(flag: string, path: string, bad: (what: string) => never): void {
  // A path only: "//host/x" or "http://..." would send the probe (and its credentials) elsewhere.
  if (!path.startsWith('/') || path.startsWith('//') || /[\s\\]/.test(path))
    bad(`${flag} must be a path starting with a single "/", got "${path}"`);
}

/**
 * Loopback only, unless --allow-host names the URL's host exactly: a probe sends hundreds of
 * lookups, which against someone else's API is an attack, not an audit.
 */
function checkTarget(baseUrl: string, allowHosts: readonly string[], bad: (what: string) => never): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return bad(`the base URL "${baseUrl}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    bad(`the base URL must be http or https, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '')
    bad('the base URL holds credentials: pass them with --header instead');
  if (url.search !== '' || url.hash !== '')
    bad('the base URL must not hold a query or fragment: put them in --route');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(host)) return;
  if (allowHosts.some((h) => h.toLowerCase().replace(/^\[|\]$/g, '') === host)) return;
  bad(`${host} is not a loopback address; probe it only if you own it, with --allow-host ${host}`);
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  return v4 !== null && v4[1] === '127';
}

/** The body of one lookup: `$NUMBERS` as a JSON array, then `$NUMBER` as one JSON string. */
export function fillBody(template: string, numbers: readonly string[]): string {
  return template
    .replaceAll('$NUMBERS', JSON.stringify(numbers))
    .replaceAll('$NUMBER', JSON.stringify(numbers[0] ?? ''));
}

/** The lookup URL: base path joined with the route, `$NUMBER` replaced. */
export function lookupUrl(s: ProbeSettings, route: string, number: string | undefined): string {
  const base = new URL(s.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = number === undefined ? route : route.replaceAll('$NUMBER', encodeURIComponent(number));
  return `${base.origin}${prefix}${path}`;
}
