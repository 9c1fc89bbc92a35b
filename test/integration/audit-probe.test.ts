import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { runProbe, type ProbeOptions } from '../../src/audit/probe/index.ts';
import type { AuditReport } from '../../src/audit/finding.ts';
import { runAuditProbe } from '../../src/cli/audit-probe.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { manualClock } from '../../src/core/clock.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { startReferenceService, type RunningReferenceService } from '../../src/reference/http.ts';
import { createPopulation, VISIBLE_ABOUT, VISIBLE_PHOTO } from '../../src/reference/population/population.ts';

/**
 * `audit probe` against the reference service over loopback, directly (the open system of 2024)
 * and through the gateway with policies/enumguard-default.yaml. The probe runs on virtual time
 * (its sleeps move a manual clock) and is bounded by request count, so nothing here waits on or
 * races the wall clock.
 */
const population = createPopulation({ seed: 41, accounts: 20_000 });

/** Accounts registered at the start whose photo and about text everyone may see. */
function publicNumbers(count: number): string[] {
  const out: string[] = [];
  const both = VISIBLE_PHOTO | VISIBLE_ABOUT;
  for (let a = 0; out.length < count && a < population.accountCount; a++) {
    if (population.registeredAt(a) <= population.startMs && (population.visibilityOf(a) & both) === both) {
      out.push(formatE164(population.numberOf(a)));
    }
  }
  return out;
}

const ids = (r: AuditReport): string[] => r.findings.map((f) => f.ruleId).sort();

describe('audit probe against the reference service', () => {
  let service: RunningReferenceService;
  let gateway: RunningGateway;
  let gatewayUrl: string;
  const known = publicNumbers(20);
  const virtual = (): Pick<ProbeOptions, 'clock' | 'sleep'> => {
    const clock = manualClock(0);
    return { clock, sleep: (ms) => Promise.resolve(clock.advance(ms)) };
  };
  const common = {
    version: 'test',
    register: { route: '/v1/accounts', tokenPointer: '/token' },
    knownNumbers: known,
    maxRequests: 60,
    numberSpace: { country: 'US', mobileNumbers: 2_871_000_000, source: 'test' },
  } as const;

  before(async () => {
    service = await startReferenceService({ population, port: 0 });
    gateway = await startGateway({
      policyPath: join(import.meta.dirname, '../../policies/enumguard-default.yaml'),
      upstream: service.url,
      port: 0,
      host: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      watch: false,
    });
    gatewayUrl = `http://127.0.0.1:${gateway.address.port}`;
  });
  after(async () => {
    await gateway.stop(1000);
    await service.close();
  });

  it('finds the bare service unlimited, fast, and leaking photo and about', async () => {
    const report = await runProbe({ baseUrl: service.url, ...common, ...virtual() });
    assert.equal(report.tool, 'probe');
    assert.deepEqual(ids(report), ['EG-PROBE-FAST', 'EG-PROBE-PROFILE-LEAK', 'EG-PROBE-UNLIMITED']);
    const leak = report.findings.find((f) => f.ruleId === 'EG-PROBE-PROFILE-LEAK');
    assert.equal(leak?.evidence?.fields, 'about,photo');
    assert.equal(report.summary?.slowed, false);
    // One registration and 59 lookups of 10 numbers: the request cap holds.
    assert.equal(report.summary?.requests, 59);
    assert.equal(report.summary?.answeredLookups, 590);
    assert.equal(report.summary?.stopReason, 'max-requests');
    assert.ok((report.summary?.sustainedLookupsPerHour as number) > 0);
  });

  it('sees the gateway slow it: refused with Retry-After or answers withheld, no profile data', async () => {
    const report = await runProbe({ baseUrl: gatewayUrl, ...common, ...virtual() });
    assert.ok(!ids(report).includes('EG-PROBE-UNLIMITED'), ids(report).join());
    assert.ok(
      !ids(report).includes('EG-PROBE-PROFILE-LEAK'),
      'egress strips photo and about for a new account',
    );
    assert.ok(!ids(report).includes('EG-PROBE-FAST'));
    assert.ok(
      !ids(report).includes('EG-PROBE-RATELIMIT-DISCLOSED'),
      'the lookup route sends no quota headers',
    );
    const slowed = report.findings.find((f) => f.ruleId === 'EG-PROBE-SLOWED');
    assert.ok(slowed, ids(report).join());
    assert.equal(report.summary?.slowed, true);
    // The reveal budget withholds strangers beyond the first few: the answers shrink in every run.
    assert.ok(slowed.evidence?.shrankInPhase !== undefined);
    // Whether the hit-ratio detector also blocks the account before the cap is a coin toss here:
    // each batch holds one registered number in ten, exactly the default's 10% threshold, and the
    // ratio decays on the gateway's real clock, so it lands just under or just over. The run is
    // judged either way: a block is a 403 with Retry-After that ends the probe early; without
    // one, the probe runs to its cap and still reports only SLOWED.
    if (slowed.evidence?.firstRefusalStatus !== undefined) {
      assert.equal(slowed.evidence.firstRefusalStatus, 403);
      assert.ok((slowed.evidence.retryAfterSeconds as number) > 0);
      assert.equal(report.summary?.stopReason, 'retry-after-too-long');
      assert.ok((report.summary?.requests as number) < 59, 'it stopped before its cap');
    } else {
      assert.equal(report.summary?.stopReason, 'max-requests');
    }
  });

  it('runs from the command line with its caps and identifies itself', async () => {
    const seen: string[] = [];
    const err: string[] = [];
    const counting = await startReferenceService({ population, port: 0 });
    counting.server.prependListener('request', (req: { headers: Record<string, string | undefined> }) => {
      seen.push(req.headers['user-agent'] ?? '');
    });
    try {
      const report = await runAuditProbe(
        [
          counting.url,
          '--register',
          '/v1/accounts',
          '--max-requests',
          '6',
          '--start-rate',
          '1000',
          '--max-rate',
          '1000',
        ],
        { stdout: () => undefined, stderr: (t) => err.push(t) },
      );
      assert.ok(typeof report === 'object');
      assert.equal(report.summary?.requests, 5);
      assert.equal(seen.length, 6, 'registration plus five lookups, no more');
      assert.ok(
        seen.every((ua) => /^enumguard-audit-probe\/\d+\.\d+\.\d+ \(\+https:\/\/\S+\)$/.test(ua)),
        seen[0],
      );
      assert.equal(report.summary?.country, 'US');
      assert.ok((report.summary?.mobileNumbers as number) > 1e9);
      assert.ok(!err.join('\n').includes('Bearer'), 'the token is never printed');
    } finally {
      await counting.close();
    }
  });

  it('prints its report in the format asked, through "enumguard audit probe"', async () => {
    const service = await startReferenceService({ population, port: 0 });
    const out: string[] = [];
    try {
      const code = await runCli(
        [
          'audit',
          'probe',
          service.url,
          '--format',
          'sarif',
          '--register',
          '/v1/accounts',
          '--max-requests',
          '6',
          '--start-rate',
          '1000',
          '--max-rate',
          '1000',
          '--fail-on=info',
        ],
        { stdout: (t) => out.push(t), stderr: () => undefined },
      );
      const sarif = JSON.parse(out.join('\n')) as {
        version: string;
        runs: { results: { ruleId: string }[] }[];
      };
      assert.equal(sarif.version, '2.1.0');
      const rules = sarif.runs[0]?.results.map((r) => r.ruleId) ?? [];
      assert.ok(rules.length > 0 && rules.every((r) => r.startsWith('EG-PROBE-')), rules.join());
      assert.equal(code, 1, '--fail-on=info fails on any finding');
      assert.equal(
        await runCli(['audit', 'probe', service.url, '--format', 'yaml'], {
          stdout: () => undefined,
          stderr: () => undefined,
        }),
        2,
      );
    } finally {
      await service.close();
    }
  });
});
