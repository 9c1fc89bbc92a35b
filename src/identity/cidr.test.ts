import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, cidrContains, createIpMatcher, formatCidr, parseCidr, prefixKey } from './cidr.ts';
import { parseIp } from './ip.ts';
import type { IpAddress } from './ip.ts';
import { isEnumguardError } from '../core/errors.ts';

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  assert.ok(parsed, `expected ${text} to parse`);
  return parsed;
}

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 CIDRs and clears host bits', () => {
    assert.equal(formatCidr(parseCidr('10.1.2.3/8')!), '10.0.0.0/8');
    assert.equal(formatCidr(parseCidr('2001:db8:ffff::1/32')!), '2001:db8::/32');
    assert.equal(formatCidr(parseCidr('1.2.3.4')!), '1.2.3.4/32');
    assert.equal(formatCidr(parseCidr('::1')!), '::1/128');
    assert.equal(formatCidr(parseCidr('0.0.0.0/0')!), '0.0.0.0/0');
  });

  it('turns a mapped IPv6 CIDR into its IPv4 equivalent', () => {
    assert.equal(formatCidr(parseCidr('::ffff:10.0.0.0/104')!), '10.0.0.0/8');
  });

  it('refuses bad prefixes', () => {
    for (const bad of [
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      'x/8',
      '10.0.0.0/08x',
    ]) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
  });

  it('checks membership at the prefix boundary', () => {
    const net = parseCidr('192.168.4.0/22')!;
    assert.ok(cidrContains(net, ip('192.168.7.255')));
    assert.ok(!cidrContains(net, ip('192.168.8.0')));
    const v6 = parseCidr('2001:db8:8000::/33')!;
    assert.ok(cidrContains(v6, ip('2001:db8:ffff::1')));
    assert.ok(!cidrContains(v6, ip('2001:db8:7fff::1')));
    assert.ok(!cidrContains(parseCidr('::/0')!, ip('1.2.3.4')), 'families never match each other');
  });
});

describe('createIpMatcher', () => {
  it('matches any of its CIDRs and names the first bad one', () => {
    const m = createIpMatcher(['10.0.0.0/8', '::1/128']);
    assert.ok(m.contains(ip('10.9.9.9')));
    assert.ok(m.contains(ip('::1')));
    assert.ok(!m.contains(ip('11.0.0.1')));
    assert.throws(() => createIpMatcher(['10.0.0.0/8', 'nope/8']), /"nope\/8"/);
  });
});

describe('prefixKey', () => {
  it('keys IPv4 by its /24 and IPv6 by its /64 in canonical text', () => {
    assert.equal(prefixKey('1.2.3.4', 24, 64), '1.2.3.0/24');
    assert.equal(prefixKey('2001:DB8:1:2:a:b:c:d', 24, 64), '2001:db8:1:2::/64');
    assert.equal(prefixKey('2001:db8:1:2:a:b:c:d', 24, 48), '2001:db8:1::/48');
    assert.equal(prefixKey('2001:db8::1', 24, 0), '::/0');
  });

  it('unmaps IPv4-mapped addresses before keying', () => {
    assert.equal(prefixKey('::ffff:1.2.3.4', 24, 64), '1.2.3.0/24');
    assert.equal(prefixKey(ip('::ffff:0102:0304'), 16, 64), '1.2.0.0/16');
  });

  it('gives rotating privacy addresses inside one /64 a single key', () => {
    const keys = new Set(
      ['2001:db8:1:2::1', '2001:db8:1:2:8d3e:1f2:aa:9', '2001:db8:1:2:ffff:ffff:ffff:ffff'].map((a) =>
        prefixKey(a, 24, 64),
      ),
    );
    assert.deepEqual([...keys], ['2001:db8:1:2::/64']);
    assert.notEqual(prefixKey('2001:db8:1:3::1', 24, 64), prefixKey('2001:db8:1:2::1', 24, 64));
  });

  it('refuses non-addresses and impossible bit counts as enumguard bugs (callers pass validated values)', () => {
    assert.throws(
      () => prefixKey('nope', 24, 64),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
    assert.throws(
      () => prefixKey('1.2.3.4', 33, 64),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
    assert.throws(
      () => prefixKey('1.2.3.4', 24, 1.5),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
  });
});

describe('addressKey', () => {
  it('keys IPv4 by its address and IPv6 by its /64, or the prefix asked for', () => {
    assert.equal(addressKey('1.2.3.4'), '1.2.3.4');
    assert.equal(addressKey('2001:db8:1:2:a:b:c:d'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2:a:b:c:d', 48), '2001:db8:1::/48');
  });

  it('keys every IPv6 spelling that carries an IPv4 address as that address', () => {
    for (const text of ['::ffff:1.2.3.4', '::1.2.3.4', '64:ff9b::1.2.3.4', '2002:102:304:9::1']) {
      assert.equal(addressKey(text), '1.2.3.4', text);
    }
    assert.equal(prefixKey('2002:102:304:9::1', 24, 64), '1.2.3.0/24');
    assert.equal(prefixKey('64:ff9b::1.2.3.4', 24, 64), '1.2.3.0/24');
  });

  it('keys text that is not an address by itself', () => {
    assert.equal(addressKey('agent-7'), 'agent-7');
  });
});
