import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCidr } from './cidr.ts';
import { canonicalIp, embeddedIPv4, formatIp, parseHostAddress, parseIp, unmapIPv4 } from './ip.ts';
import type { IpAddress } from './ip.ts';

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  assert.ok(parsed, `expected ${text} to parse`);
  return parsed;
}

describe('parseIp', () => {
  it('parses dotted quads at the edges of the range', () => {
    assert.deepEqual(ip('0.0.0.0').words, [0]);
    assert.deepEqual(ip('255.255.255.255').words, [0xffffffff]);
    assert.deepEqual(ip('1.2.3.4').words, [0x01020304]);
  });

  it('refuses IPv4 shorthand, leading zeros and out-of-range octets', () => {
    for (const bad of [
      '1.2.3',
      '1.2.3.4.5',
      '010.0.0.1',
      '256.1.1.1',
      '1..2.3',
      '1.2.3.4.',
      '0x7f.0.0.1',
      '127.1',
    ]) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  it('parses every IPv6 text form to the same address', () => {
    const forms = [
      '2001:0db8:0000:0000:0000:0000:0000:0001',
      '2001:db8:0:0:0:0:0:1',
      '2001:db8::1',
      '2001:DB8::0001',
      '2001:db8::0.0.0.1',
    ];
    for (const form of forms) assert.equal(formatIp(ip(form)), '2001:db8::1', form);
  });

  it('parses the unspecified, loopback and all-ones IPv6 addresses', () => {
    assert.deepEqual(ip('::').words, [0, 0, 0, 0]);
    assert.deepEqual(ip('::1').words, [0, 0, 0, 1]);
    assert.deepEqual(
      ip('ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255').words,
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    );
    assert.equal(formatIp(ip('1::')), '1::');
  });

  it('strips an IPv6 zone id', () => {
    assert.equal(formatIp(ip('fe80::1%eth0')), 'fe80::1');
    assert.equal(parseIp('fe80::1%'), undefined);
    assert.equal(parseIp('1.2.3.4%eth0'), undefined);
  });

  it('refuses malformed IPv6', () => {
    const bad = [
      ':',
      ':1',
      '1:',
      ':::',
      '1:::2',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8::',
      '12345::',
      'g::1',
      '::1.2.3',
      '1:2:3:4:5:6:7:1.2.3.4',
      '1.2.3.4::',
      '::1.2.3.4:5',
    ];
    for (const text of bad) assert.equal(parseIp(text), undefined, text);
  });

  it('round-trips any address through its canonical text', () => {
    const v6 = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
      .map((g) => g.map((x) => x.toString(16)).join(':'));
    fc.assert(
      fc.property(v6, (text) => {
        const once = formatIp(ip(text));
        assert.equal(formatIp(ip(once)), once);
        assert.deepEqual(ip(once).words, ip(text).words);
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        assert.equal(formatIp(ip(text)), text);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        parseIp(text);
        parseHostAddress(text, true);
        parseCidr(text);
      }),
    );
  });
});

describe('formatIp', () => {
  it('follows RFC 5952: lower case, longest zero run compressed, first on a tie, lone zero kept', () => {
    assert.equal(formatIp(ip('2001:DB8:0:0:1:0:0:1')), '2001:db8::1:0:0:1');
    assert.equal(formatIp(ip('2001:db8:0:1:1:1:1:1')), '2001:db8:0:1:1:1:1:1');
    assert.equal(formatIp(ip('2001:0:0:1:0:0:0:1')), '2001:0:0:1::1');
    assert.equal(formatIp(ip('0:0:0:0:0:0:0:0')), '::');
  });
});

describe('parseHostAddress', () => {
  it('strips brackets and ports as proxies write them', () => {
    assert.equal(formatIp(parseHostAddress('[2001:db8::1]:443')!), '2001:db8::1');
    assert.equal(formatIp(parseHostAddress('[2001:db8::1]')!), '2001:db8::1');
    assert.equal(formatIp(parseHostAddress(' 1.2.3.4:80 ')!), '1.2.3.4');
    assert.equal(formatIp(parseHostAddress('2001:db8::1')!), '2001:db8::1');
  });

  it('refuses bad ports and half brackets', () => {
    for (const bad of [
      '1.2.3.4:',
      '1.2.3.4:99999',
      '1.2.3.4:ab',
      '[2001:db8::1',
      '[2001:db8::1]x',
      '[1.2.3.4]',
    ]) {
      assert.equal(parseHostAddress(bad), undefined, bad);
    }
  });

  it('admits RFC 7239 obfuscated ports only when asked', () => {
    assert.equal(parseHostAddress('1.2.3.4:_abc'), undefined);
    assert.equal(formatIp(parseHostAddress('1.2.3.4:_abc', true)!), '1.2.3.4');
  });
});

describe('unmapIPv4', () => {
  it('turns IPv4-mapped IPv6 into IPv4 in both text forms', () => {
    assert.equal(formatIp(unmapIPv4(ip('::ffff:1.2.3.4'))), '1.2.3.4');
    assert.equal(formatIp(unmapIPv4(ip('::ffff:0102:0304'))), '1.2.3.4');
    assert.equal(canonicalIp('[::FFFF:1.2.3.4]:80'), '1.2.3.4');
  });

  it('leaves other IPv6 addresses alone, including the deprecated IPv4-compatible form', () => {
    assert.equal(formatIp(unmapIPv4(ip('::1'))), '::1');
    assert.equal(formatIp(unmapIPv4(ip('::1.2.3.4'))), '::102:304');
  });
});

describe('embeddedIPv4', () => {
  const carried = (text: string): string => formatIp(embeddedIPv4(ip(text)));

  it('finds the IPv4 address in mapped, compatible, NAT64 and 6to4 addresses', () => {
    assert.equal(carried('::ffff:1.2.3.4'), '1.2.3.4');
    assert.equal(carried('::1.2.3.4'), '1.2.3.4');
    assert.equal(carried('64:ff9b::1.2.3.4'), '1.2.3.4');
    assert.equal(carried('64:ff9b::102:304'), '1.2.3.4');
    assert.equal(carried('2002:102:304::1'), '1.2.3.4');
    assert.equal(carried('2002:102:304:ffff:a:b:c:d'), '1.2.3.4');
  });

  it('leaves native IPv6, loopback, unspecified and near misses alone', () => {
    for (const text of ['2001:db8::1', '::1', '::', '::0.1.2.3', '64:ff9b:1::1.2.3.4', '2003:102:304::1']) {
      assert.equal(carried(text), formatIp(ip(text)), text);
    }
    assert.equal(carried('1.2.3.4'), '1.2.3.4');
  });
});
