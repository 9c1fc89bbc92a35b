import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityTag } from '../stores/risk-subject.ts';
import { createAllowlistOverlay, MAX_OVERLAY_ENTRIES } from './allowlist-overlay.ts';

describe('allowlist overlay', () => {
  it('allows networks by CIDR and identities by tag, and removes what it added', () => {
    const overlay = createAllowlistOverlay();
    assert.equal(overlay.allows('10.1.2.3', 'key:abc'), false);
    assert.deepEqual(overlay.addCidr('10.1.0.0/16'), { ok: true, entry: '10.1.0.0/16' });
    assert.deepEqual(overlay.addCidr('2001:db8::1'), { ok: true, entry: '2001:db8::1/128' });
    assert.deepEqual(overlay.addCidr('not an address'), { ok: false, reason: 'invalid' });
    assert.equal(overlay.addIdentity(identityTag('key:abc')).ok, true);
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

  it('says when it is full instead of dropping an entry, and still takes one it holds', () => {
    const overlay = createAllowlistOverlay();
    const tag = (i: number): string => i.toString(16).padStart(12, '0');
    for (let i = 0; i < MAX_OVERLAY_ENTRIES - 1; i++) assert.equal(overlay.addIdentity(tag(i)).ok, true);
    assert.deepEqual(overlay.addCidr('10.0.0.0/8'), { ok: true, entry: '10.0.0.0/8' });
    assert.deepEqual(overlay.addCidr('10.0.0.1/8'), { ok: true, entry: '10.0.0.0/8' }, 'held already');
    assert.deepEqual(overlay.addCidr('192.0.2.0/24'), { ok: false, reason: 'full' });
    assert.deepEqual(overlay.addIdentity(tag(MAX_OVERLAY_ENTRIES)), { ok: false, reason: 'full' });
    assert.equal(overlay.addIdentity(tag(0)).ok, true, 'held already');
    assert.equal(overlay.allows('192.0.2.1', undefined), false);
    assert.equal(overlay.remove('cidr', '10.0.0.0/8'), true);
    assert.deepEqual(overlay.addCidr('192.0.2.0/24'), { ok: true, entry: '192.0.2.0/24' });
  });
});
