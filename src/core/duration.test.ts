import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration, parseRate } from './duration.ts';

describe('parseDuration', () => {
  it('reads amounts with and without a space before the unit', () => {
    assert.deepEqual(parseDuration('10 s'), { ok: true, value: 10_000 });
    assert.deepEqual(parseDuration('1h'), { ok: true, value: 3_600_000 });
    assert.deepEqual(parseDuration('250ms'), { ok: true, value: 250 });
    assert.deepEqual(parseDuration('1.5m'), { ok: true, value: 90_000 });
  });

  it('reads a bare unit as one of it', () => {
    assert.deepEqual(parseDuration('d'), { ok: true, value: 86_400_000 });
  });

  it('explains what it expected for unknown units and zero', () => {
    assert.deepEqual(parseDuration('10 fortnights'), {
      ok: false,
      error: 'expected a duration like "10s", "5 m" or "1h", got "10 fortnights"',
    });
    assert.deepEqual(parseDuration('0s'), { ok: false, error: 'expected a positive duration, got "0s"' });
  });
});

describe('parseRate', () => {
  it('reads "<n>/<duration>" with optional spaces', () => {
    assert.deepEqual(parseRate('1000/1d'), { ok: true, value: { limit: 1000, windowMs: 86_400_000 } });
    assert.deepEqual(parseRate('5 / 10 s'), { ok: true, value: { limit: 5, windowMs: 10_000 } });
    assert.deepEqual(parseRate('20/m'), { ok: true, value: { limit: 20, windowMs: 60_000 } });
  });

  it('refuses a malformed or empty rate with the expected shape', () => {
    assert.deepEqual(parseRate('1000 per hour'), {
      ok: false,
      error: 'expected "<n>/<duration>" like "1000/1h", got "1000 per hour"',
    });
    assert.deepEqual(parseRate('0/1s'), {
      ok: false,
      error: 'expected a rate of at least 1 per window, got "0/1s"',
    });
  });
});

describe('formatDuration', () => {
  it('uses the largest exact unit', () => {
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(formatDuration(1500), '1500ms');
  });
});
