import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { limitKeyText, parseLimitKey } from './limit-key.ts';

describe('parseLimitKey', () => {
  it('reads the simple kinds', () => {
    for (const kind of ['identity', 'ip', 'route', 'global']) {
      assert.deepEqual(parseLimitKey(kind), { ok: true, value: { kind } });
    }
  });

  it('keys IPv6 clients by /64 under ipv4/N and IPv4 clients by /32 under ipv6/N', () => {
    assert.deepEqual(parseLimitKey('ipv4/24'), { ok: true, value: { kind: 'ip-prefix', v4: 24, v6: 64 } });
    assert.deepEqual(parseLimitKey('ipv6/48'), { ok: true, value: { kind: 'ip-prefix', v4: 32, v6: 48 } });
    assert.deepEqual(parseLimitKey('ipv4/0'), { ok: true, value: { kind: 'ip-prefix', v4: 0, v6: 64 } });
    assert.deepEqual(parseLimitKey('ipv6/128'), { ok: true, value: { kind: 'ip-prefix', v4: 32, v6: 128 } });
  });

  it('refuses prefixes out of range', () => {
    assert.deepEqual(parseLimitKey('ipv4/33'), { ok: false, error: 'expected ipv4/<0-32>, got "ipv4/33"' });
    assert.deepEqual(parseLimitKey('ipv6/129'), {
      ok: false,
      error: 'expected ipv6/<0-128>, got "ipv6/129"',
    });
    assert.equal(parseLimitKey('ipv4/').ok, false);
    assert.equal(parseLimitKey('ipv4/-1').ok, false);
  });

  it('reads explicit prefixes and points into the mapping on error', () => {
    assert.deepEqual(parseLimitKey({ ip: { v4: 24, v6: 48 } }), {
      ok: true,
      value: { kind: 'ip-prefix', v4: 24, v6: 48 },
    });
    assert.deepEqual(parseLimitKey({ ip: { v4: 24 } }), {
      ok: false,
      error: 'is required',
      path: ['ip', 'v6'],
    });
    assert.deepEqual(parseLimitKey({ ip: { v4: 24, v6: 48, v5: 1 } }), {
      ok: false,
      error: 'unknown key "v5"; expected v4 and v6',
      path: ['ip', 'v5'],
    });
  });

  it('lower-cases header names and keeps claim names', () => {
    assert.deepEqual(parseLimitKey({ header: 'X-Tenant' }), {
      ok: true,
      value: { kind: 'header', name: 'x-tenant' },
    });
    assert.deepEqual(parseLimitKey({ claim: 'Tenant' }), {
      ok: true,
      value: { kind: 'claim', name: 'Tenant' },
    });
    assert.deepEqual(parseLimitKey({ header: 'x tenant' }), {
      ok: false,
      error: 'expected a header name like "x-tenant", got "x tenant"',
      path: ['header'],
    });
  });

  it('refuses mappings with several or unknown kinds', () => {
    assert.equal(parseLimitKey({ header: 'a', claim: 'b' }).ok, false);
    assert.equal(parseLimitKey({ cookie: 'a' }).ok, false);
    assert.equal(parseLimitKey(5).ok, false);
  });
});

describe('limitKeyText', () => {
  it('renders the key as written, with "/" as "-", for default limit ids', () => {
    assert.equal(limitKeyText('identity', { kind: 'identity' }), 'identity');
    assert.equal(limitKeyText('ipv4/24', { kind: 'ip-prefix', v4: 24, v6: 64 }), 'ipv4-24');
    assert.equal(limitKeyText({}, { kind: 'ip-prefix', v4: 24, v6: 48 }), 'ip-24-48');
    assert.equal(limitKeyText({}, { kind: 'header', name: 'x-tenant' }), 'header-x-tenant');
    assert.equal(
      limitKeyText({}, { kind: 'claim', name: 'https://example.com/Org' }),
      'claim-https-example.com-org',
    );
  });
});
