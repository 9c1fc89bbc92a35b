import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from './compile.ts';
import { PolicyError } from './issues.ts';

const withRisk = (risk: string, identities = ''): string => `
version: 1
${identities}
risk:
${risk}
routes:
  - id: health
    match: { path: /health }
    auth: none
`;

function messageOf(text: string): string {
  try {
    compilePolicy(text);
  } catch (err) {
    assert.ok(err instanceof PolicyError);
    return err.message;
  }
  assert.fail('expected a PolicyError');
}

describe('the risk section', () => {
  it('is undefined when the policy has none', () => {
    const policy = compilePolicy('version: 1\nroutes: []\n');
    assert.equal(policy.risk, undefined);
  });

  it('fills every default from an empty section', () => {
    const policy = compilePolicy('version: 1\nrisk: {}\nroutes: []\n');
    assert.deepEqual(policy.risk, {
      model: {
        halfLifeMs: 6 * 3_600_000,
        thresholds: { observe: 10, shrink: 25, challenge: 50, block: 100 },
        shrinkFactor: 0.25,
        block: {
          baseMs: 15 * 60_000,
          multiplier: 4,
          maxMs: 30 * 86_400_000,
          forgetAfterMs: 30 * 86_400_000,
        },
      },
      identity: { kind: 'identity' },
      layers: { identity: 1, ipPrefix: 0.5, cohort: 0.25 },
      trustAfterMs: 86_400_000,
      ipPrefix: { v4: 24, v6: 48 },
      allowlist: { identities: [], cidrs: [] },
      shadow: false,
    });
  });

  it('compiles every key as written, durations in ms and CIDRs normalized', () => {
    const risk = compilePolicy(
      withRisk(`
  identity: { header: Authorization }
  halfLife: 2h
  thresholds: { observe: 5, block: 40 }
  shrinkFactor: 0.5
  block: { base: 1m, multiplier: 2, max: 1d, forgetAfter: 7d }
  layers: { identity: 1, ipPrefix: 0, cohort: 0.1 }
  ipPrefix: { v4: 16, v6: 56 }
  trustAfter: 3d
  allowlist: { identities: ["Bearer ops"], cidrs: [10.0.0.0/8, "::1"] }
  shadow: true
`),
    ).risk;
    assert.deepEqual(risk, {
      model: {
        halfLifeMs: 7_200_000,
        // Only the levels written fire: a level left out never does on its own.
        thresholds: { observe: 5, block: 40 },
        shrinkFactor: 0.5,
        block: { baseMs: 60_000, multiplier: 2, maxMs: 86_400_000, forgetAfterMs: 7 * 86_400_000 },
      },
      identity: { kind: 'header', name: 'authorization' },
      layers: { identity: 1, ipPrefix: 0, cohort: 0.1 },
      trustAfterMs: 3 * 86_400_000,
      ipPrefix: { v4: 16, v6: 56 },
      allowlist: { identities: ['Bearer ops'], cidrs: ['10.0.0.0/8', '::1/128'] },
      shadow: true,
    });
  });

  it('accepts a claim identity when identities.jwt is configured', () => {
    const risk = compilePolicy(
      withRisk(
        '  identity: { claim: tenant }',
        `identities:
  jwt: { algorithms: [HS256], secret: a-secret-of-at-least-32-bytes-long! }`,
      ),
    ).risk;
    assert.deepEqual(risk?.identity, { kind: 'claim', name: 'tenant' });
  });

  it('refuses keys that do not name a caller, and bad header names below the key', () => {
    assert.equal(
      messageOf(withRisk('  identity: { ip: { v4: 24, v6: 48 } }')),
      '<inline>:5 risk.identity: must name a caller: identity, account, { header: name } or { claim: name }, got a mapping',
    );
    assert.equal(
      messageOf(withRisk('  identity: global')),
      '<inline>:5 risk.identity: must name a caller: identity, account, { header: name } or { claim: name }, got "global"',
    );
    assert.equal(
      messageOf(withRisk('  identity: { header: "x y" }')),
      '<inline>:5 risk.identity.header: expected a header name like "x-tenant", got "x y"',
    );
  });

  it("reports the core's problems at the YAML keys, in the policy's units", () => {
    assert.equal(
      messageOf(withRisk('  block: { multiplier: 0.5 }\n  thresholds: { observe: -1 }')),
      [
        '<inline>:5 risk.block.multiplier: must be a number >= 1, got 0.5',
        '<inline>:6 risk.thresholds.observe: must be a positive number, got -1',
      ].join('\n'),
    );
    assert.equal(
      messageOf(withRisk('  block: { base: 2h, max: 90m }')),
      '<inline>:5 risk.block.max: must be at least block.base (2h), got 90m',
    );
  });

  it('refuses empty thresholds, layers outside [0, 1] and out-of-range prefixes', () => {
    assert.equal(
      messageOf(withRisk('  thresholds: {}\n  layers: { cohort: 1.5 }\n  ipPrefix: { v6: 129 }')),
      [
        '<inline>:5 risk.thresholds: expected at least one of observe, shrink, challenge, block',
        '<inline>:6 risk.layers.cohort: expected a number from 0 to 1, got 1.5',
        '<inline>:7 risk.ipPrefix.v6: expected an IPv6 prefix length 0-128, got 129',
      ].join('\n'),
    );
  });
});
