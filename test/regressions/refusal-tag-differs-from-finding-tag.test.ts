import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../../src/core/clock.ts';
import { createEventBus } from '../../src/events/event-bus.ts';
import type { EnumguardEvent } from '../../src/events/event-types.ts';
import { createGatewayEventSource, identityTag } from '../../src/events/gateway-events.ts';
import { compilePolicy } from '../../src/policy/compile.ts';
import type { Caller } from '../../src/pipeline/types.ts';

/**
 * Regression: a refusal event tagged its caller by the caller's identity (API key or JWT) even
 * when the policy scores someone else (`risk.identity: account`, or a header): findings,
 * blocks and the admin API name that caller by the tag of the risk key, so the refusals of a
 * blocked account carried a tag that matched none of its findings, and lifting by it answered
 * 404. A refusal now carries the tag of the key the risk gate scores, and none when that key
 * cannot be read from the report (a header the report does not carry): no tag beats a wrong one.
 */
const ACCOUNTS =
  'accounts:\n  session: { header: authorization }\n  register: { route: reg, number: /number, token: /token, scheme: Bearer }\n';
const ROUTES = 'routes:\n  - { id: reg, match: { method: POST, path: /reg }, auth: none }\n';

function refusalTag(riskIdentity: string, caller: Caller, accounts = ACCOUNTS): string | undefined {
  const policy = compilePolicy(`version: 1\n${accounts}${ROUTES}risk: { identity: ${riskIdentity} }\n`);
  const bus = createEventBus({ clock: manualClock(0), instance: 'gw' });
  const seen: EnumguardEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const source = createGatewayEventSource({ bus, policy: () => policy, store: 'memory' });
  source.request({ route: 'reg', outcome: 'denied', reason: 'blocked', status: 403, caller });
  const e = seen[0];
  assert.equal(e?.type, 'refusal');
  return e.type === 'refusal' ? e.identityTag : undefined;
}

const caller: Caller = {
  ip: '198.51.100.7',
  identity: { kind: 'api-key', id: 'partner-1', scopes: new Set<string>(), claims: {} },
  account: 'acct:0123456789abcdef',
};

describe('refusal identityTag', () => {
  it('is the tag of the account when the policy scores accounts', () => {
    assert.equal(refusalTag('account', caller), identityTag('acct:0123456789abcdef'));
  });

  it('is left out when the policy scores a header the report does not carry', () => {
    assert.equal(refusalTag('{ header: x-client }', caller), undefined);
  });

  it('is the tag of the identity key when the policy scores identities', () => {
    assert.equal(refusalTag('identity', caller, ''), identityTag('key:partner-1'));
  });
});
