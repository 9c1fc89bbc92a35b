import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, progressLine, type ProgressState } from './progress.ts';

const state: ProgressState = {
  policy: 'per-ip',
  virtualMs: 7.5 * 86_400_000,
  durationMs: 30 * 86_400_000,
  requests: 1_234_567,
  revealed: 4_321,
  wallMs: 12_400,
};

describe('progressLine', () => {
  it('shows the policy, a bar of virtual time, the day, requests, harvest and wall time', () => {
    assert.equal(
      progressLine(state),
      'per-ip [#####---------------]  25% day 7.50 of 30, 1,234,567 requests, 4,321 harvested, 12 s',
    );
  });

  it('counts seconds for runs shorter than a day', () => {
    assert.match(
      progressLine({ ...state, virtualMs: 30_000, durationMs: 60_000 }),
      /\[##########----------\] {2}50% 30 s of 60 s,/,
    );
  });
});

describe('createProgress', () => {
  it('rewrites one line on a terminal, at most once per interval, and ends it when done', () => {
    const out: string[] = [];
    let now = 0;
    const p = createProgress({ write: (t) => out.push(t), tty: true, now: () => now });
    p.update(state);
    now = 50;
    p.update({ ...state, requests: 2 });
    now = 150;
    p.update({ ...state, requests: 3 });
    p.done({ ...state, requests: 4 });
    assert.equal(out.length, 3);
    assert.ok(out.every((t) => t.startsWith('\r')));
    assert.match(out[1] ?? '', / 3 requests/);
    assert.ok(out[2]?.endsWith('\n'));
    assert.ok(!out[1]?.includes('\n'));
  });

  it('shows runs under way side by side, with shorter bars', () => {
    const out: string[] = [];
    const p = createProgress({ write: (t) => out.push(t), tty: true, now: () => 0 });
    p.update([state, { ...state, policy: 'none', revealed: 900_000 }]);
    assert.equal(
      out[0],
      '\rper-ip [###-------]  25% day 7.50 of 30, 1,234,567 requests, 4,321 harvested, 12 s | ' +
        'none [###-------]  25% day 7.50 of 30, 1,234,567 requests, 900,000 harvested, 12 s\x1b[K',
    );
  });

  it('prints whole lines every few seconds when stderr is not a terminal', () => {
    const out: string[] = [];
    let now = 0;
    const p = createProgress({ write: (t) => out.push(t), tty: false, now: () => now });
    for (; now < 12_000; now += 100) p.update(state);
    assert.equal(out.length, 3);
    assert.ok(out.every((t) => !t.includes('\r') && t.endsWith('\n')));
  });
});
