import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EnumguardEvent, FindingEvent } from '../events/event-types.ts';
import { hotBlocks } from './routes-read.ts';

let seq = 0;
function finding(at: number, who: string, block: string | undefined): FindingEvent {
  return {
    type: 'finding',
    id: `gw-${++seq}`,
    at,
    instance: 'gw',
    route: 'discover',
    detector: block === undefined ? 'hit-ratio' : 'range-density',
    identityTag: who,
    prefix: '198.51.100.0/24',
    weight: 50,
    shadow: false,
    level: 'observe',
    wouldBe: 'observe',
    score: 12.5,
    // The grouping reads the structured field, not this prose.
    detail: 'block-hot: block +1xxxx had 600 distinct numbers',
    ...(block === undefined ? {} : { block }),
  };
}

describe('hotBlocks', () => {
  it('groups range-density findings by their block, most findings then the latest first', () => {
    const events: EnumguardEvent[] = [
      finding(1, 'aaaaaaaaaaaa', '+4477001xxxx'),
      finding(2, 'bbbbbbbbbbbb', '+4477001xxxx'),
      finding(3, 'aaaaaaaaaaaa', '+4477001xxxx'),
      finding(4, 'aaaaaaaaaaaa', '+4477002xxxx'),
      finding(5, 'cccccccccccc', '+4477003xxxx'),
      finding(6, 'cccccccccccc', undefined),
    ];
    assert.deepEqual(hotBlocks(events, 20), [
      { block: '+4477001xxxx', findings: 3, callers: 2, lastAt: 3 },
      { block: '+4477003xxxx', findings: 1, callers: 1, lastAt: 5 },
      { block: '+4477002xxxx', findings: 1, callers: 1, lastAt: 4 },
    ]);
  });

  it('answers at most `limit` blocks however many are swept', () => {
    const events = Array.from({ length: 1000 }, (_, i) => finding(i, 'aaaaaaaaaaaa', `+44${1000 + i}xxxx`));
    const top = hotBlocks(events, 20);
    assert.equal(top.length, 20);
    // Ties on findings go to the latest.
    assert.equal(top[0]?.block, '+441999xxxx');
  });
});
