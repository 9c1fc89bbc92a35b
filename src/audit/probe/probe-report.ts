import type { AuditFinding, AuditReport } from '../finding.ts';
import { latencyGrowthPhase, phaseStats, shrinkPhase, type PhaseStats } from './probe-phases.ts';
import {
  PROBE_FAST,
  PROBE_INCONCLUSIVE,
  PROBE_NO_RETRY_AFTER,
  PROBE_PROFILE_LEAK,
  PROBE_RATELIMIT_DISCLOSED,
  PROBE_RULES,
  PROBE_SLOWED,
  PROBE_UNLIMITED,
} from './probe-rules.ts';
import type { NumberSpace, Observation, ProbeRun } from './probe-types.ts';
import { SLOWING_STATUSES } from './response-signals.ts';

const HOUR_MS = 3_600_000;
const isOk = (o: Observation): boolean => o.status >= 200 && o.status < 300;

/** Findings and summary of one probe run. */
export function probeReport(run: ProbeRun, space: NumberSpace | undefined): AuditReport {
  const { settings: s, observations } = run;
  const subject = `${s.method} ${s.route}`;
  const target = new URL(s.baseUrl).origin + new URL(s.baseUrl).pathname.replace(/\/+$/, '');
  const phases = phaseStats(observations, run.elapsedMs);
  const findings: AuditFinding[] = [];
  const at = { subject };
  const answered = observations.filter(isOk);
  const answeredLookups = answered.reduce((n, o) => n + o.lookups, 0);
  const peakRate = Math.max(0, ...observations.map((o) => o.rate));

  const refusal = observations.findIndex((o) => SLOWING_STATUSES.has(o.status));
  const firstRefusal = observations[refusal];
  const shrink = shrinkPhase(phases);
  const latency = latencyGrowthPhase(phases);
  const slowed = firstRefusal !== undefined || shrink !== undefined || latency !== undefined;

  // Never slowed: the last whole phase is a floor on what the API allows one identity.
  // Slowed: everything answered over the whole run, plus the wait the probe stopped short of.
  const lastPhase = [...phases].reverse().find((p) => p.requests >= s.phaseRequests) ?? phases.at(-1);
  const sustainedPerHour = slowed
    ? (answeredLookups * HOUR_MS) / Math.max(run.elapsedMs + run.pendingWaitMs, 1)
    : (lastPhase?.achievedPerSecond ?? 0) * 3600;
  const daysToEnumerate =
    space && sustainedPerHour > 0 ? space.mobileNumbers / sustainedPerHour / 24 : Number.POSITIVE_INFINITY;
  const revealsNothing = lastKnownShare(phases) === 0;

  if (answered.length === 0) {
    findings.push({
      ruleId: PROBE_INCONCLUSIVE.id,
      severity: PROBE_INCONCLUSIVE.severity,
      message: `No lookup was answered with success in ${observations.length} requests (statuses: ${statusCounts(observations)}); the probe stopped: ${run.stopReason}.`,
      location: at,
      evidence: { requests: observations.length, stopReason: run.stopReason },
    });
  } else if (!slowed) {
    findings.push({
      ruleId: PROBE_UNLIMITED.id,
      severity: PROBE_UNLIMITED.severity,
      message: `${observations.length} requests (${answeredLookups} lookups) by one identity at up to ${peakRate} requests/s were all answered: never refused, never told to wait, never slower or smaller.`,
      location: at,
      evidence: { requests: observations.length, lookups: answeredLookups, peakRequestsPerSecond: peakRate },
    });
  } else {
    findings.push({
      ruleId: PROBE_SLOWED.id,
      severity: PROBE_SLOWED.severity,
      message: slowedMessage(firstRefusal, refusal, shrink, latency),
      location: at,
      evidence: {
        ...(firstRefusal && {
          firstRefusalStatus: firstRefusal.status,
          firstRefusalRequest: refusal + 1,
          firstRefusalAtMs: Math.round(firstRefusal.atMs),
          firstRefusalRate: firstRefusal.rate,
        }),
        ...(firstRefusal?.retryAfterMs !== undefined && {
          retryAfterSeconds: firstRefusal.retryAfterMs / 1000,
        }),
        ...(shrink && { shrankInPhase: shrink.phase + 1 }),
        ...(latency && { latencyGrewInPhase: latency.phase + 1 }),
      },
    });
  }
  if (space && answered.length > 0 && daysToEnumerate < s.fastDays && !revealsNothing) {
    findings.push({
      ruleId: PROBE_FAST.id,
      severity: PROBE_FAST.severity,
      message: `At ${Math.floor(sustainedPerHour)} lookups/hour one identity would test all ${space.mobileNumbers} ${space.country} mobile numbers in ${formatDays(daysToEnumerate)} (under ${s.fastDays} days).`,
      location: at,
      evidence: {
        lookupsPerHour: Math.floor(sustainedPerHour),
        days: Number(daysToEnumerate.toFixed(2)),
        country: space.country,
      },
    });
  }
  const fields = new Set(answered.flatMap((o) => o.profileFields));
  if (fields.size > 0) {
    const withProfile = answered.filter((o) => o.profileFields.length > 0).length;
    findings.push({
      ruleId: PROBE_PROFILE_LEAK.id,
      severity: PROBE_PROFILE_LEAK.severity,
      message: `${withProfile} of ${answered.length} answers carried profile fields: ${[...fields].sort().join(', ')}.`,
      location: at,
      evidence: { fields: [...fields].sort().join(','), answersWithProfile: withProfile },
    });
  }
  const bare = observations.filter(
    (o) => (o.status === 429 || o.status === 503) && o.retryAfterMs === undefined,
  );
  if (bare.length > 0) {
    findings.push({
      ruleId: PROBE_NO_RETRY_AFTER.id,
      severity: PROBE_NO_RETRY_AFTER.severity,
      message: `${bare.length} answers of 429 or 503 came without Retry-After.`,
      location: at,
      evidence: { answers: bare.length },
    });
  }
  const quotaHeaders = [...new Set(observations.flatMap((o) => o.rateLimitHeaders))].sort();
  if (quotaHeaders.length > 0) {
    findings.push({
      ruleId: PROBE_RATELIMIT_DISCLOSED.id,
      severity: PROBE_RATELIMIT_DISCLOSED.severity,
      message: `Answers carried ${quotaHeaders.join(', ')}: a scraper reads how much quota is left.`,
      location: at,
      evidence: { headers: quotaHeaders.join(',') },
    });
  }

  return {
    tool: 'probe',
    target,
    rules: PROBE_RULES,
    findings,
    summary: {
      route: subject,
      numbers: run.source.description,
      requests: observations.length,
      lookups: observations.reduce((n, o) => n + o.lookups, 0),
      answeredLookups,
      elapsedSeconds: Number((run.elapsedMs / 1000).toFixed(3)),
      stopReason: run.stopReason,
      peakRequestsPerSecond: peakRate,
      sustainedLookupsPerHour: Math.floor(sustainedPerHour),
      slowed,
      ...(firstRefusal && {
        firstRefusal: `${firstRefusal.status} at request ${refusal + 1}, ${Math.round(firstRefusal.atMs)} ms`,
      }),
      ...(run.pendingWaitMs > 0 && { stoppedOnRetryAfterSeconds: run.pendingWaitMs / 1000 }),
      ...(space && {
        country: space.country,
        mobileNumbers: space.mobileNumbers,
        mobileNumbersSource: space.source,
        daysToEnumerateCountry: Number.isFinite(daysToEnumerate)
          ? Number(daysToEnumerate.toFixed(2))
          : 'never',
      }),
      phases: phases.map(phaseLine).join('; '),
      userAgent: run.userAgent,
    },
  };
}

function slowedMessage(
  refusal: Observation | undefined,
  index: number,
  shrink: PhaseStats | undefined,
  latency: PhaseStats | undefined,
): string {
  const parts: string[] = [];
  if (refusal) {
    const wait =
      refusal.retryAfterMs === undefined ? 'no Retry-After' : `Retry-After ${refusal.retryAfterMs / 1000} s`;
    parts.push(
      `first refused with ${refusal.status} at request ${index + 1} (${Math.round(refusal.atMs)} ms in, ${refusal.rate} requests/s; ${wait})`,
    );
  }
  if (shrink)
    parts.push(
      `answers shrank in phase ${shrink.phase + 1}: ${shrink.knownFound} of ${shrink.knownAsked} known numbers found`,
    );
  if (latency)
    parts.push(
      `answers slowed in phase ${latency.phase + 1} to a median ${Math.round(latency.medianLatencyMs)} ms`,
    );
  return `Slowed: ${parts.join('; ')}.`;
}

/** Known numbers found per known number asked in the last phase that asked any; undefined if none. */
function lastKnownShare(phases: readonly PhaseStats[]): number | undefined {
  const last = [...phases].reverse().find((p) => p.knownAsked > 0);
  return last ? last.knownFound / last.knownAsked : undefined;
}

function statusCounts(observations: readonly Observation[]): string {
  const counts = new Map<number, number>();
  for (const o of observations) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status === 0 ? 'no answer' : status} ×${n}`).join(', ');
}

function phaseLine(p: PhaseStats): string {
  const known = p.knownAsked > 0 ? `, known ${p.knownFound}/${p.knownAsked}` : '';
  return `${p.phase + 1}: ${p.rate}/s ${p.requests} req ${Math.floor(p.achievedPerSecond * 3600)} lookups/h${known}`;
}

function formatDays(days: number): string {
  return days < 1 ? `${(days * 24).toFixed(1)} hours` : `${days.toFixed(1)} days`;
}
