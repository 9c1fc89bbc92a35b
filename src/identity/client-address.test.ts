import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClientAddress, forwardedFor } from './client-address.ts';
import { prefixKey } from './cidr.ts';
import { formatIp } from './ip.ts';
import { isEnumguardError } from '../core/errors.ts';

const PROXIES = ['10.0.0.0/8', '::1/128', '2001:db8:ffff::/48'];

describe('createClientAddress', () => {
  it('uses the socket peer when no header is sent', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.deepEqual(r.resolve('203.0.113.7', {}), { ip: '203.0.113.7', family: 4, via: 'socket' });
    assert.deepEqual(r.resolve('2001:DB8::7', {}), { ip: '2001:db8::7', family: 6, via: 'socket' });
  });

  it('ignores X-Forwarded-For and Forwarded from an untrusted peer', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const headers = { 'x-forwarded-for': '1.1.1.1', forwarded: 'for=2.2.2.2' };
    assert.deepEqual(r.resolve('203.0.113.7', headers), { ip: '203.0.113.7', family: 4, via: 'socket' });
  });

  it('believes no header at all when no proxy is trusted', () => {
    const r = createClientAddress({ trustedProxies: [] });
    assert.equal(r.resolve('127.0.0.1', { 'x-forwarded-for': '1.1.1.1' }).ip, '127.0.0.1');
  });

  it('reports forwarding headers from an untrusted peer once, and only once', () => {
    const seen: unknown[] = [];
    const r = createClientAddress({ trustedProxies: [], onUntrustedForwarded: (info) => seen.push(info) });
    assert.equal(r.sawForwardedHeadersWithoutTrust(), false);
    r.resolve('198.51.100.1', {});
    assert.equal(seen.length, 0);
    r.resolve('::ffff:198.51.100.1', { 'x-forwarded-for': '1.1.1.1' });
    r.resolve('198.51.100.2', { forwarded: 'for=1.1.1.1' });
    assert.deepEqual(seen, [{ peer: '198.51.100.1', header: 'x-forwarded-for' }]);
    assert.equal(r.sawForwardedHeadersWithoutTrust(), true);
  });

  it('walks a multi-hop X-Forwarded-For chain through trusted proxies', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const headers = { 'x-forwarded-for': '198.51.100.9, 10.1.1.1, 10.2.2.2' };
    assert.deepEqual(r.resolve('10.3.3.3', headers), {
      ip: '198.51.100.9',
      family: 4,
      via: 'x-forwarded-for',
    });
  });

  it('reads X-Forwarded-For right to left across header lines', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const headers = { 'x-forwarded-for': ['6.6.6.6, 198.51.100.9', '10.1.1.1'] };
    assert.equal(r.resolve('10.3.3.3', headers).ip, '198.51.100.9');
  });

  it('gives an attacker who prepends fake entries his real address', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    // The attacker sent "X-Forwarded-For: 1.1.1.1, 10.0.0.1"; the proxy appended his address.
    const headers = { 'x-forwarded-for': '1.1.1.1, 10.0.0.1, 203.0.113.66' };
    assert.equal(r.resolve('10.0.0.2', headers).ip, '203.0.113.66');
  });

  it('takes the leftmost address when every hop is a trusted proxy', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.deepEqual(r.resolve('10.0.0.2', { 'x-forwarded-for': '10.0.0.9, 10.0.0.1' }), {
      ip: '10.0.0.9',
      family: 4,
      via: 'x-forwarded-for',
    });
  });

  it('stops at an invalid entry and blames the last trusted hop', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.deepEqual(r.resolve('10.0.0.2', { 'x-forwarded-for': '198.51.100.9, unknown, 10.0.0.1' }), {
      ip: '10.0.0.1',
      family: 4,
      via: 'x-forwarded-for',
    });
    assert.deepEqual(r.resolve('10.0.0.2', { 'x-forwarded-for': '198.51.100.9, not-an-ip' }), {
      ip: '10.0.0.2',
      family: 4,
      via: 'socket',
    });
  });

  it('reads entries with ports and brackets', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.equal(r.resolve('10.0.0.2', { 'x-forwarded-for': '[2001:db8::5]:443' }).ip, '2001:db8::5');
    assert.equal(r.resolve('10.0.0.2', { 'x-forwarded-for': '198.51.100.9:5123' }).ip, '198.51.100.9');
  });

  it('reads Forwarded for= with quoted IPv6 and ports, skipping trusted hops', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const headers = {
      forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https, For=10.0.0.1;by=10.0.0.2',
    };
    assert.deepEqual(r.resolve('::1', headers), { ip: '2001:db8:cafe::17', family: 6, via: 'forwarded' });
  });

  it('stops a Forwarded walk at "unknown" and obfuscated identifiers', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.equal(r.resolve('10.0.0.2', { forwarded: 'for=198.51.100.9, for=unknown' }).ip, '10.0.0.2');
    assert.equal(
      r.resolve('10.0.0.2', { forwarded: 'for=198.51.100.9, for=_hidden, for=10.0.0.5' }).ip,
      '10.0.0.5',
    );
  });

  it('unwraps IPv4-mapped addresses in the peer and in headers', () => {
    const r = createClientAddress({ trustedProxies: ['10.0.0.0/8'] });
    assert.deepEqual(r.resolve('::ffff:10.0.0.2', { 'x-forwarded-for': '::ffff:198.51.100.9' }), {
      ip: '198.51.100.9',
      family: 4,
      via: 'x-forwarded-for',
    });
    assert.deepEqual(r.resolve('::ffff:0a00:0002', { forwarded: 'for="[::ffff:10.0.0.3]", for=10.0.0.4' }), {
      ip: '10.0.0.3',
      family: 4,
      via: 'forwarded',
    });
  });

  it('prefers Forwarded when it is the only header, X-Forwarded-For when it is', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.equal(r.resolve('10.0.0.2', { forwarded: 'for=198.51.100.1' }).via, 'forwarded');
    assert.equal(r.resolve('10.0.0.2', { 'x-forwarded-for': '198.51.100.1' }).via, 'x-forwarded-for');
  });

  it('marks a conflict, never keying by the proxy, when Forwarded and X-Forwarded-For disagree', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    // nginx appends to X-Forwarded-For but passes the client's own Forwarded header through.
    const spoofed = { forwarded: 'for=6.6.6.6', 'x-forwarded-for': '198.51.100.1' };
    assert.deepEqual(r.resolve('10.0.0.2', spoofed), {
      ip: '10.0.0.2',
      family: 4,
      via: 'socket',
      conflict: true,
    });
    // An unusable entry stops one walk at the proxy: that too disagrees with the other header.
    for (const forwarded of ['for=unknown', 'for=_hidden', 'garbage', '', 'for=10.0.0.9']) {
      const headers = { forwarded, 'x-forwarded-for': '198.51.100.1' };
      assert.equal(r.resolve('10.0.0.2', headers).conflict, true, forwarded);
    }
    const xffGarbage = { forwarded: 'for=198.51.100.1', 'x-forwarded-for': 'not-an-ip' };
    assert.equal(r.resolve('10.0.0.2', xffGarbage).conflict, true);
    const agreeing = { forwarded: 'for=198.51.100.1', 'x-forwarded-for': '198.51.100.1' };
    assert.deepEqual(r.resolve('10.0.0.2', agreeing), { ip: '198.51.100.1', family: 4, via: 'forwarded' });
    const respelt = { forwarded: 'for="[::ffff:198.51.100.1]:80"', 'x-forwarded-for': '198.51.100.1:443' };
    assert.equal(r.resolve('10.0.0.2', respelt).conflict, undefined);
  });

  it('reads only the header it is told to read', () => {
    const headers = { forwarded: 'for=6.6.6.6', 'x-forwarded-for': '198.51.100.1' };
    const xff = createClientAddress({ trustedProxies: PROXIES, forwardedHeader: 'x-forwarded-for' });
    assert.equal(xff.resolve('10.0.0.2', headers).ip, '198.51.100.1');
    const fwd = createClientAddress({ trustedProxies: PROXIES, forwardedHeader: 'forwarded' });
    assert.equal(fwd.resolve('10.0.0.2', headers).ip, '6.6.6.6');
  });

  it('treats a peer without an address as 0.0.0.0', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    assert.deepEqual(r.resolve(undefined, { 'x-forwarded-for': '1.1.1.1' }), {
      ip: '0.0.0.0',
      family: 4,
      via: 'socket',
    });
  });

  it('gives rotating IPv6 clients behind a proxy one /64 key and different /64s different keys', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const key = (a: string) => prefixKey(r.resolve('10.0.0.2', { 'x-forwarded-for': a }).ip, 24, 64);
    assert.equal(key('2001:db8:5:6::1'), key('2001:db8:5:6:a1b2:c3d4:e5f6:1234'));
    assert.notEqual(key('2001:db8:5:6::1'), key('2001:db8:5:7::1'));
  });

  it('never throws on garbage headers', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const garbage = [
      '',
      ',,,',
      ' , ,',
      'not-an-ip',
      '"',
      'for=',
      'for="[::1',
      ';;;',
      '=;=,=',
      Array.from({ length: 10_000 }, (_, i) => `10.0.${(i >> 8) & 255}.${i & 255}`).join(','),
      'x,'.repeat(10_000),
    ];
    for (const value of garbage) {
      for (const headers of [
        { 'x-forwarded-for': value },
        { forwarded: value },
        { forwarded: [value, value] },
      ]) {
        const got = r.resolve('10.0.0.2', headers);
        assert.ok(got.ip.length > 0);
      }
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        const got = r.resolve('10.0.0.2', { forwarded: a, 'x-forwarded-for': b });
        assert.ok(got.family === 4 || got.family === 6);
      }),
    );
  });

  it('walks 10,000 trusted entries to the leftmost one', () => {
    const r = createClientAddress({ trustedProxies: PROXIES });
    const chain = Array.from({ length: 10_000 }, (_, i) => `10.1.${(i >> 8) & 255}.${i & 255}`).join(', ');
    assert.equal(r.resolve('10.0.0.2', { 'x-forwarded-for': chain }).ip, '10.1.0.0');
  });

  it('refuses a bad trusted proxy CIDR at construction (the policy has refused it before)', () => {
    assert.throws(
      () => createClientAddress({ trustedProxies: ['10.0.0.0/99'] }),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
  });
});

describe('forwardedFor', () => {
  it('reads for= in any position and case, with or without quotes', () => {
    assert.equal(formatIp(forwardedFor('proto=https;FOR=192.0.2.60;by=203.0.113.43')!), '192.0.2.60');
    assert.equal(formatIp(forwardedFor(' for="192.0.2.60" ; proto=http')!), '192.0.2.60');
    assert.equal(formatIp(forwardedFor('for="192.0.2.60:8080"')!), '192.0.2.60');
    assert.equal(formatIp(forwardedFor('for="[2001:db8::1]:_port"')!), '2001:db8::1');
  });

  it('refuses elements without for, with for twice, or malformed', () => {
    for (const bad of [
      'proto=https',
      'for=1.2.3.4;for=1.2.3.5',
      'for="1.2.3.4',
      'for=1.2.3.4 x',
      'for',
      '=1.2.3.4',
      'for = 1.2.3.4',
    ]) {
      assert.equal(forwardedFor(bad), undefined, bad);
    }
  });
});
