import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTarget, normalizeTargets } from './targets.ts';

describe('normalizeTarget', () => {
  it('keeps a number already in E.164 as it is', () => {
    assert.equal(normalizeTarget('+14155550100'), '+14155550100');
  });

  it('maps formatting variants of one number to the same E.164 string', () => {
    for (const variant of [
      '+1 (415) 555-0100',
      '+1 415 555 0100',
      '+1.415.555.0100',
      '001 415 555 0100',
      '0014155550100',
      ' +1-415-555-0100 ',
    ]) {
      assert.equal(normalizeTarget(variant), '+14155550100', variant);
    }
  });

  it('drops a parenthesized trunk prefix through libphonenumber', () => {
    assert.equal(normalizeTarget('+44 (0)20 7946 0000'), '+442079460000');
  });

  it('lower-cases and trims emails and usernames', () => {
    assert.equal(normalizeTarget('  Alice@Example.COM '), 'alice@example.com');
    assert.equal(normalizeTarget('Bob.42'), 'bob.42');
  });

  it('leaves an invalid "+" string as lower-cased text', () => {
    assert.equal(normalizeTarget('+12'), '+12');
  });
});

describe('normalizeTargets', () => {
  it('ignores non-string items and non-arrays', () => {
    assert.deepEqual(normalizeTargets(['+1 415 555 0100', 7, null, { n: 1 }, 'X']), ['+14155550100', 'x']);
    assert.deepEqual(normalizeTargets('not an array'), []);
    assert.deepEqual(normalizeTargets(undefined), []);
  });
});
