import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLabelSeal } from './label-seal.ts';

describe('label seal', () => {
  it('opens what it sealed, hides the text, and seals the same label differently each time', () => {
    const seal = createLabelSeal([1, 2]);
    const a = seal.seal('198.51.100.0/24');
    const b = seal.seal('198.51.100.0/24');
    assert.notEqual(a, b);
    assert.equal(a.includes('198.51'), false);
    assert.equal(Buffer.from(a, 'base64url').toString('latin1').includes('198.51'), false);
    assert.equal(seal.open(a), '198.51.100.0/24');
    assert.equal(seal.open(b), '198.51.100.0/24');
  });

  it('refuses text sealed under another seed, tampered or too short', () => {
    const sealed = createLabelSeal([1, 2]).seal('c26a7f01074b');
    assert.equal(createLabelSeal([1, 3]).open(sealed), undefined);
    const raw = Buffer.from(sealed, 'base64url');
    raw[14] = (raw[14] as number) ^ 1;
    assert.equal(createLabelSeal([1, 2]).open(raw.toString('base64url')), undefined);
    assert.equal(createLabelSeal([1, 2]).open('abc'), undefined);
  });
});
