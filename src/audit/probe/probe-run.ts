import type { Clock } from '../../core/clock.ts';
import { EnumguardError } from '../../core/errors.ts';
import { seededRng } from '../../core/rng.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import type { AuditReport } from '../finding.ts';
import { probeReport } from './probe-report.ts';
import { exchange, type FetchLike } from './probe-http.ts';
import {
  fillBody,
  lookupUrl,
  resolveProbeSettings,
  type ProbeInput,
  type ProbeSettings,
} from './probe-settings.ts';
import { SLOWING_STATUSES } from './response-signals.ts';
import { syntheticNumbers, type NumberSource } from './synthetic-numbers.ts';
import type { NumberSpace, Observation, ProbeRun, StopReason } from './probe-types.ts';

export interface ProbeOptions extends ProbeInput {
  /** enumguard's version, for the User-Agent. */
  readonly version: string;
  /** The country's mobile number space (the CLI sizes it from libphonenumber's metadata). */
  readonly numberSpace?: NumberSpace | undefined;
  /** Time and waiting, injected so tests run on virtual time; the wall clock by default. */
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: FetchLike;
  /** One line per phase, for a progress display; holds no number, header or body. */
  readonly onProgress?: (line: string) => void;
}

export const PROBE_DOCS_URL = 'https://www.npmjs.com/package/enumguard';

/** Consecutive refusals without Retry-After before the probe gives up on the identity. */
const MAX_REFUSALS = 5;
/** Failed answers (not a refusal) before any success: the probe is misconfigured. */
const MAX_EARLY_ERRORS = 5;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The bounded live probe: one identity looks up reserved numbers at rising rates (doubling each
 * phase) until a cap is reached or the API stops it, honouring Retry-After; then the report.
 */
export async function runProbe(options: ProbeOptions): Promise<AuditReport> {
  return probeReport(await probe(options), options.numberSpace);
}

export async function probe(options: ProbeOptions): Promise<ProbeRun> {
  const s = resolveProbeSettings(options);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const source = syntheticNumbers(s.country, seededRng(s.seed));
  const userAgent = `enumguard-audit-probe/${options.version} (+${PROBE_DOCS_URL})`;
  const headers: Record<string, string> = { 'user-agent': userAgent, accept: 'application/json' };
  if (s.bodyTemplate !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of s.headers) headers[name.toLowerCase()] = value;
  const known = new Set(s.knownNumbers);
  const start = clock.now();
  const elapsed = (): number => clock.now() - start;
  let sent = 0;
  if (s.register) {
    headers.authorization = await registerIdentity(s, source, headers, fetchFn, () => clock.now());
    sent++;
  }

  const observations: Observation[] = [];
  let rate = s.startRate;
  let phase = 0;
  let inPhase = 0;
  let next = elapsed();
  let slowed = false;
  let refusals = 0;
  let successes = 0;
  let errors = 0;
  let knownIndex = 0;
  let lookupCount = 0;
  let stopReason: StopReason = 'max-requests';
  let pendingWaitMs = 0;
  const progress = (): void =>
    options.onProgress?.(
      `phase ${phase + 1}: ${rate} requests/s, ${observations.length} requests, ${successes} answered`,
    );

  while (sent < s.maxRequests) {
    if (next >= s.maxDurationMs) {
      stopReason = 'max-duration';
      break;
    }
    const wait = next - elapsed();
    if (wait > 0) await sleep(wait);
    const numbers: string[] = [];
    let knownAsked = 0;
    for (let i = 0; i < s.batch; i++) {
      // One known number per batch (every 10th request with batch 1): enough to see answers shrink.
      const mix = known.size > 0 && i === 0 && (s.batch > 1 || lookupCount % 10 === 9);
      if (mix) knownAsked++;
      numbers.push(mix ? (s.knownNumbers[knownIndex++ % s.knownNumbers.length] as string) : source.next());
      lookupCount++;
    }
    const sentAt = elapsed();
    const single = s.batch === 1 ? numbers[0] : undefined;
    const x = await exchange(
      {
        url: lookupUrl(s, s.route, single),
        method: s.method,
        headers,
        body: s.bodyTemplate === undefined ? undefined : fillBody(s.bodyTemplate, numbers),
        known,
      },
      fetchFn,
      () => clock.now(),
    );
    sent++;
    const at = elapsed();
    observations.push({
      phase,
      rate,
      sentAtMs: sentAt,
      atMs: at,
      status: x.status,
      latencyMs: x.latencyMs,
      lookups: numbers.length,
      retryAfterMs: x.retryAfterMs,
      rateLimitHeaders: x.rateLimitHeaders,
      records: x.shape?.records ?? 0,
      knownAsked,
      knownFound: x.shape?.knownFound ?? 0,
      profileFields: x.shape?.profileFields ?? [],
    });
    // Pace from the schedule, not from the answer, but never burst to catch up after a slow one.
    next = Math.max(next + 1000 / rate, at);
    if (SLOWING_STATUSES.has(x.status)) {
      slowed = true;
      refusals++;
      if (x.retryAfterMs !== undefined) {
        // RFC 9110 section 10.2.3: wait as long as asked, or stop if that is past our bounds.
        if (x.retryAfterMs > s.maxWaitMs || at + x.retryAfterMs >= s.maxDurationMs) {
          stopReason = 'retry-after-too-long';
          pendingWaitMs = x.retryAfterMs;
          break;
        }
        next = at + x.retryAfterMs;
      } else {
        if (x.status === 403 && refusals >= 3) {
          stopReason = 'blocked';
          break;
        }
        if (refusals >= MAX_REFUSALS) {
          stopReason = 'refused';
          break;
        }
        // No Retry-After: back off exponentially, as a polite client would.
        next = at + Math.min(1000 * 2 ** (refusals - 1), s.maxWaitMs);
      }
    } else if (x.status >= 200 && x.status < 300) {
      refusals = 0;
      successes++;
    } else if (successes === 0 && ++errors >= MAX_EARLY_ERRORS) {
      stopReason = 'errors';
      break;
    }
    if (++inPhase >= s.phaseRequests) {
      progress();
      phase++;
      inPhase = 0;
      // Once slowed, hold the rate: the question becomes what the limit lets through.
      if (!slowed) rate = Math.min(rate * 2, s.maxRate);
    }
  }
  if (inPhase > 0) progress();
  return { settings: s, source, observations, elapsedMs: elapsed(), stopReason, pendingWaitMs, userAgent };
}

/** Registers one reserved number and returns "Bearer <token>"; the token is never reported. */
async function registerIdentity(
  s: ProbeSettings,
  source: NumberSource,
  headers: Readonly<Record<string, string>>,
  fetchFn: FetchLike,
  now: () => number,
): Promise<string> {
  const reg = s.register as NonNullable<ProbeSettings['register']>;
  const x = await exchange(
    {
      url: lookupUrl(s, reg.route, undefined),
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ number: source.next() }),
      known: new Set(),
    },
    fetchFn,
    now,
    true,
  );
  const token = pointerValue(x.json, reg.tokenPointer);
  if (x.status < 200 || x.status >= 300 || typeof token !== 'string' || token === '') {
    throw new EnumguardError(
      'ERR_CONFIG',
      `audit probe: registering at ${reg.route} answered ${x.status === 0 ? 'nothing' : x.status}${x.status >= 200 && x.status < 300 ? ` with no string at ${reg.tokenPointer}` : ''}`,
    );
  }
  return `Bearer ${token}`;
}

/** RFC 6901 JSON pointer. */
function pointerValue(value: unknown, pointer: string): unknown {
  let at = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
