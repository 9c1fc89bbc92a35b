import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentResponse } from './agent.ts';
import { causeInAnswer, createRefusalCauses } from './scorecard-refusal-causes.ts';

const problem = (status: number, body: Record<string, unknown>): AgentResponse => ({
  status,
  headers: { 'x-enumguard-problem': String(body.code) },
  body,
});

describe('causeInAnswer', () => {
  it('names the limit from the policy member or the detail, and egress quotas by what they count', () => {
    assert.equal(
      causeInAnswer(problem(429, { code: 'quota-exceeded', policy: 'per-account' })),
      'limit per-account',
    );
    assert.equal(
      causeInAnswer(problem(429, { code: 'quota-exceeded', detail: 'limit reg-per-ip allows 5 per 1h' })),
      'limit reg-per-ip',
    );
    assert.equal(
      causeInAnswer(
        problem(429, { code: 'quota-exceeded', detail: 'too many records for this caller; retry later' }),
      ),
      'egress quota (records)',
    );
    assert.equal(
      causeInAnswer(problem(429, { code: 'quota-exceeded', detail: 'too many requests; retry later' })),
      'quota (limit not named in the answer)',
    );
  });

  it('names a risk refusal only when the answer says which layer', () => {
    assert.equal(causeInAnswer(problem(403, { code: 'blocked' })), undefined);
    assert.equal(
      causeInAnswer(problem(403, { code: 'blocked', layer: 'cohort', detector: 'range-density' })),
      'risk block: cohort (range-density)',
    );
  });
});

describe('createRefusalCauses', () => {
  it("attributes risk refusals to the own identity's earlier finding, else to its network or cohort", () => {
    const causes = createRefusalCauses();
    causes.onRefusal('u1', 'k1', problem(403, { code: 'blocked' }), 100);
    causes.onRefusal('u2', 'k2', problem(429, { code: 'abnormal-usage-detected' }), 100);
    causes.onRefusal('u2', 'k2', problem(429, { code: 'quota-exceeded', policy: 'lookups' }), 200);
    causes.onRefusal('u2', 'k2', problem(429, { code: 'quota-exceeded', policy: 'lookups' }), 300);
    const findings = new Map([
      ['k1', [{ at: 50, detector: 'hit-ratio' }]],
      ['k2', [{ at: 150, detector: 'hit-ratio' }]], // after the refusal: not its cause
    ]);
    const r = causes.result(findings);
    assert.deepEqual(r.refusalsByCause, {
      'limit lookups': 2,
      'risk block: identity (hit-ratio)': 1,
      'risk challenge: network or cohort (layer not in the answer)': 1,
    });
    assert.deepEqual(r.usersByCause, {
      'limit lookups': 1,
      'risk block: identity (hit-ratio)': 1,
      'risk challenge: network or cohort (layer not in the answer)': 1,
    });
    assert.deepEqual(causes.result(findings), r, 'reading the result twice gives the same');
  });
});
