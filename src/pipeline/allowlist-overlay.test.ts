import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityTag } from '../stores/risk-subject.ts';
import { createAllowlistOverlay } from './allowlist-overlay.ts';

describe('allowlist overlay', () => {
  it('allows networks by CIDR and identities by tag, and removes what it added', () => {
    const overlay = createAllowlistOverlay();
    assert.equal(overlay.allows('10.1.2.3', 'key:abc'), false);
    assert.equal(overlay.addCidr('10.1.0.0/16'), '10.1.0.0/16');
    assert.equal(overlay.addCidr('2001:db8::1'), '2001:db8::1/128');
    assert.equal(overlay.addCidr('not an address'), undefined);
    overlay.addIdentity(identityTag('key:abc'));
    assert.equal(overlay.allows('10.1.2.3', undefined), true);
    assert.equal(overlay.allows('10.2.0.1', 'key:abc'), true);
    assert.equal(overlay.allows('10.2.0.1', 'key:abd'), false);
    assert.deepEqual(overlay.entries(), {
      cidrs: ['10.1.0.0/16', '2001:db8::1/128'],
      identities: [identityTag('key:abc')],
    });
    assert.equal(overlay.remove('cidr', '10.1.0.0/16'), true);
    assert.equal(overlay.remove('cidr', '10.1.0.0/16'), false);
    assert.equal(overlay.remove('identity', identityTag('key:abc')), true);
    assert.equal(overlay.allows('10.1.2.3', 'key:abc'), false);
  });
});
