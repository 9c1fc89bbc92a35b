import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { createEventBus } from './event-bus.ts';
import type { EnumguardEvent } from './event-types.ts';
import { createIncidentTable, incidentKey } from './incidents.ts';

const config = { windowMs: 60_000, updateEveryMs: 10_000, max: 3 };

function setup() {
  const clock = manualClock(1_000_000);
  const bus = createEventBus({ clock, instance: 'gw' });
  const seen: EnumguardEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const finding = (tag: string, detector: 'hit-ratio' | 'canary' = 'hit-ratio'): EnumguardEvent => {
    bus.emit({
      type: 'finding',
      route: 'discover',
      detector,
      identityTag: tag,
      prefix: '198.51.100.0/24',
      weight: 10,
      shadow: false,
      level: 'observe',
      wouldBe: 'observe',
      score: 10,
      detail: 'x',
    });
    return seen[seen.length - 1] as EnumguardEvent;
  };
  return { clock, table: createIncidentTable(config, clock), finding };
}

describe('createIncidentTable', () => {
  it('keys an incident by type, detector or reason, and subject', () => {
    const { finding } = setup();
    assert.equal(incidentKey(finding('abc')), 'finding|hit-ratio|id:abc');
    assert.equal(incidentKey(finding('abc', 'canary')), 'finding|canary|id:abc');
  });

  it('sends the first event at once and folds the rest into one update per updateEvery', () => {
    const { clock, table, finding } = setup();
    const first = table.add(finding('abc'));
    assert.deepEqual([first?.action, first?.seq, first?.count], ['trigger', 0, 1]);
    for (let i = 0; i < 99; i++) assert.equal(table.add(finding('abc')), undefined);
    assert.deepEqual(table.tick(), [], 'no update before updateEvery');
    clock.advance(10_000);
    const [update, ...rest] = table.tick();
    assert.deepEqual([update?.action, update?.seq, update?.count, rest.length], ['update', 1, 100, 0]);
    clock.advance(10_000);
    assert.deepEqual(table.tick(), [], 'nothing new: no update');
  });

  it('resolves an incident after a window without events, and opens a new one after', () => {
    const { clock, table, finding } = setup();
    table.add(finding('abc'));
    clock.advance(60_000);
    const [resolved] = table.tick();
    assert.deepEqual([resolved?.action, resolved?.count], ['resolve', 1]);
    assert.equal(table.stats().open, 0);
    assert.equal(table.add(finding('abc'))?.action, 'trigger');
  });

  it('holds at most max incidents, evicting the least recently seen', () => {
    const { table, finding } = setup();
    for (const tag of ['a', 'b', 'c']) table.add(finding(tag));
    table.add(finding('a')); // a is now the most recent
    assert.equal(table.add(finding('d'))?.action, 'trigger');
    assert.deepEqual(table.stats(), { open: 3, evicted: 1 });
    assert.equal(table.add(finding('a')), undefined, 'a survived');
    assert.equal(table.add(finding('b'))?.action, 'trigger', 'b was evicted, so it opens anew');
  });
});
