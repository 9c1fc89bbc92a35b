// Regressions for ways a client behind a trusted proxy could pick its own limit key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClientAddress } from '../../src/identity/index.ts';

const resolver = createClientAddress({ trustedProxies: ['10.0.0.0/8'] });

describe('forwarded header spoofing', () => {
  it('an unterminated quote sent by the client does not hide the entry the proxy appended', () => {
    // Client sent `Forwarded: for="6.6.6.6`; the proxy appended its own element after a comma.
    const headers = { forwarded: 'for="6.6.6.6, for=203.0.113.9' };
    assert.equal(resolver.resolve('10.0.0.1', headers).ip, '203.0.113.9');
  });

  it('a Forwarded header passed through by an X-Forwarded-For proxy cannot override it', () => {
    const headers = { forwarded: 'for=6.6.6.6', 'x-forwarded-for': '6.6.6.6, 203.0.113.9' };
    assert.notEqual(resolver.resolve('10.0.0.1', headers).ip, '6.6.6.6');
  });

  it('an IPv4-mapped spelling of one client gives the same key as the plain one', () => {
    const plain = resolver.resolve('10.0.0.1', { 'x-forwarded-for': '203.0.113.9' }).ip;
    const mapped = resolver.resolve('10.0.0.1', { 'x-forwarded-for': '::ffff:cb00:7109' }).ip;
    assert.equal(mapped, plain);
  });
});
