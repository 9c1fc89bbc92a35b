import { parseDuration } from '../../core/duration.ts';
import { EnumguardError } from '../../core/errors.ts';
import { PROBE_DEFAULTS, PROBE_MAXIMA, resolveProbeSettings, type ProbeInput } from './probe-settings.ts';

export const PROBE_USAGE = `Usage: enumguard audit probe <base-url> [options]

Looks up reserved (fictional) phone numbers at rising rates with ONE identity, and reports when
and how the API slows it, the lookups per hour it sustains, the time that rate would take to
enumerate a country's mobile numbers, and the profile fields the answers carry.
Loopback hosts only, unless --allow-host names the host.

  --route PATH           lookup path (default ${PROBE_DEFAULTS.route}); $NUMBER in it is one number
  --method METHOD        (default ${PROBE_DEFAULTS.method})
  --body-template JSON   (default '${PROBE_DEFAULTS.bodyTemplate}'); $NUMBERS: the batch, $NUMBER: one
  --batch N              numbers per request (default ${PROBE_DEFAULTS.batch}, at most ${PROBE_MAXIMA.batch})
  --max-requests N       (default ${PROBE_DEFAULTS.maxRequests}, at most ${PROBE_MAXIMA.maxRequests})
  --max-duration D       e.g. 60s (default ${PROBE_DEFAULTS.maxDurationMs / 1000}s, at most ${PROBE_MAXIMA.maxDurationMs / 60_000}m)
  --start-rate R         requests/s of the first phase (default ${PROBE_DEFAULTS.startRate}); doubles each phase
  --max-rate R           requests/s ceiling (default ${PROBE_DEFAULTS.maxRate}, at most ${PROBE_MAXIMA.maxRate})
  --phase-requests N     requests per phase (default ${PROBE_DEFAULTS.phaseRequests})
  --max-wait D           longest Retry-After waited out (default ${PROBE_DEFAULTS.maxWaitMs / 1000}s); longer ends the probe
  --country CC           whose reserved numbers and mobile space (default ${PROBE_DEFAULTS.country})
  --fast-days N          EG-PROBE-FAST below this many days for the country (default ${PROBE_DEFAULTS.fastDays})
  --allow-host HOST      a non-loopback host you own (repeatable; must match the URL's host exactly)
  --header 'Name: value' sent with every request, e.g. the identity's credentials (repeatable)
  --register PATH        first register one reserved number: POST {"number": ...} to PATH and use
                         the token it answers as "Authorization: Bearer <token>"
  --token-pointer PTR    where the registration answer holds the token (default ${PROBE_DEFAULTS.tokenPointer})
  --known-numbers FILE   numbers you know are registered (your own test accounts), one a line;
                         one goes into each batch, to see answers shrink and profile fields leak
  --seed N               the draw of reserved numbers (default ${PROBE_DEFAULTS.seed})`;

/** What the command line asks for; the CLI reads `knownNumbersFile` into `knownNumbers`. */
export type ProbeArgs = ProbeInput & {
  readonly knownNumbersFile?: string | undefined;
  readonly help?: boolean;
};

const VALUE_FLAGS = new Set([
  '--route',
  '--method',
  '--body-template',
  '--batch',
  '--max-requests',
  '--max-duration',
  '--start-rate',
  '--max-rate',
  '--phase-requests',
  '--max-wait',
  '--country',
  '--fast-days',
  '--allow-host',
  '--header',
  '--register',
  '--token-pointer',
  '--known-numbers',
  '--seed',
]);

/** Parses `audit probe`'s arguments; a bad one throws ERR_CONFIG naming the flag and the value. */
export function parseProbeArgs(argv: readonly string[]): ProbeArgs {
  const bad = (what: string): never => {
    throw new EnumguardError('ERR_CONFIG', `audit probe: ${what}`);
  };
  if (argv.includes('--help') || argv.includes('-h')) return { baseUrl: '', help: true };
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!VALUE_FLAGS.has(flag)) bad(`unknown option ${flag}`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) bad(`${flag} needs a value`);
    values.set(flag, [...(values.get(flag) ?? []), value as string]);
  }
  if (positional.length !== 1)
    bad(positional.length === 0 ? 'the base URL is missing' : `one base URL, got ${positional.join(' ')}`);
  const one = (flag: string): string | undefined => {
    const list = values.get(flag);
    if (list && list.length > 1) bad(`${flag} given ${list.length} times`);
    return list?.[0];
  };
  const whole = (flag: string): number | undefined => {
    const raw = one(flag);
    if (raw === undefined) return undefined;
    return /^\d+$/.test(raw) ? Number(raw) : bad(`${flag} must be a whole number, got "${raw}"`);
  };
  const positive = (flag: string): number | undefined => {
    const raw = one(flag);
    if (raw === undefined) return undefined;
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    return n > 0 ? n : bad(`${flag} must be a number above 0, got "${raw}"`);
  };
  const duration = (flag: string, zero = false): number | undefined => {
    const raw = one(flag);
    if (raw === undefined) return undefined;
    if (zero && /^0+$/.test(raw.trim())) return 0;
    const parsed = parseDuration(raw);
    return parsed.ok ? parsed.value : bad(`${flag}: ${parsed.error}`);
  };
  const headers = (values.get('--header') ?? []).map((h): [string, string] => {
    const colon = h.indexOf(':');
    if (colon <= 0) bad(`--header must be "Name: value", got a value without a name`);
    return [h.slice(0, colon).trim(), h.slice(colon + 1).trim()];
  });
  const register = one('--register');
  const tokenPointer = one('--token-pointer');
  if (tokenPointer !== undefined && register === undefined) bad('--token-pointer needs --register');
  const input: { -readonly [K in keyof ProbeArgs]: ProbeArgs[K] } = { baseUrl: positional[0] as string };
  const set = <K extends keyof ProbeArgs>(key: K, value: ProbeArgs[K] | undefined): void => {
    if (value !== undefined) input[key] = value;
  };
  set('route', one('--route'));
  set('method', one('--method'));
  set('bodyTemplate', one('--body-template'));
  set('batch', whole('--batch'));
  set('maxRequests', whole('--max-requests'));
  set('maxDurationMs', duration('--max-duration'));
  set('startRate', positive('--start-rate'));
  set('maxRate', positive('--max-rate'));
  set('phaseRequests', whole('--phase-requests'));
  set('maxWaitMs', duration('--max-wait', true));
  set('country', one('--country'));
  set('fastDays', positive('--fast-days'));
  set('seed', whole('--seed'));
  set('knownNumbersFile', one('--known-numbers'));
  const hosts = values.get('--allow-host');
  if (hosts) input.allowHosts = hosts;
  if (headers.length > 0) input.headers = headers;
  if (register !== undefined)
    input.register = { route: register, tokenPointer: tokenPointer ?? PROBE_DEFAULTS.tokenPointer };
  // Every bound and the target's host are checked now, so a bad flag fails before any request.
  resolveProbeSettings(input);
  return input;
}
