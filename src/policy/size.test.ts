import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSize } from './size.ts';

describe('parseSize', () => {
  it('reads binary multiples with and without a space, any case', () => {
    assert.deepEqual(parseSize('512b'), { ok: true, value: 512 });
    assert.deepEqual(parseSize('256kb'), { ok: true, value: 262_144 });
    assert.deepEqual(parseSize('1 MB'), { ok: true, value: 1_048_576 });
    assert.deepEqual(parseSize('1.5kb'), { ok: true, value: 1536 });
    assert.deepEqual(parseSize('2gb'), { ok: true, value: 2 * 1024 ** 3 });
  });

  it('reads a bare positive integer as bytes', () => {
    assert.deepEqual(parseSize(4096), { ok: true, value: 4096 });
  });

  it('refuses unknown units, zero and fractions of a byte', () => {
    assert.deepEqual(parseSize('lots'), {
      ok: false,
      error: 'expected a size like "512b", "256kb" or "1mb", got "lots"',
    });
    assert.deepEqual(parseSize(0), {
      ok: false,
      error: 'expected a size like "512b", "256kb" or "1mb", got 0',
    });
    assert.deepEqual(parseSize('0.5b'), {
      ok: false,
      error: 'expected a size of at least 1 byte, got "0.5b"',
    });
    assert.equal(parseSize('1tb').ok, false);
  });
});
