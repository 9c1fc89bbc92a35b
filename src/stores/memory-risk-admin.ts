import type { Clock } from '../core/clock.ts';
import type { RiskModel } from '../core/risk.ts';
import { byRisk, type RiskEntry, type RiskSubject, type StoreAdmin } from './risk-subject.ts';
import type { RiskRecord } from './risk-records.ts';
import type { RiskTable } from './risk-table.ts';

/** The memory store's StoreAdmin: reads and changes its risk table's records in place. */
export function createMemoryRiskAdmin(table: RiskTable, clock: Clock): StoreAdmin {
  function entryOf(model: RiskModel, subject: RiskSubject, record: RiskRecord, now: number): RiskEntry {
    const { state } = record;
    return {
      subject,
      score: model.scoreAt(state, Math.max(now, state.at)),
      blockedUntil: now < state.blockedUntil ? state.blockedUntil : 0,
      blocks: model.blocksAt(state, now),
    };
  }

  function entries(model: RiskModel, now: number): RiskEntry[] {
    const out: RiskEntry[] = [];
    for (const record of table.labelled()) {
      const entry = entryOf(model, record.subject, record, now);
      if (entry.score > 0 || entry.blockedUntil > 0) out.push(entry);
    }
    return out;
  }

  return {
    top(model, limit) {
      const now = clock.now();
      return Promise.resolve(entries(model, now).sort(byRisk).slice(0, Math.max(0, limit)));
    },
    blocks(model) {
      const now = clock.now();
      const blocked = entries(model, now).filter((e) => e.blockedUntil > 0);
      return Promise.resolve(blocked.sort((a, b) => a.blockedUntil - b.blockedUntil || byRisk(a, b)));
    },
    block(model, subject, durationMs) {
      const now = clock.now();
      const record = table.forSubject(subject, model, now, true);
      if (record === undefined) return Promise.resolve(undefined);
      const { state } = record;
      // An operator's block counts like a detector's: the next one the detectors start escalates.
      record.state = {
        score: model.scoreAt(state, Math.max(now, state.at)),
        at: Math.max(now, state.at),
        blocks: now < state.blockedUntil ? state.blocks : model.blocksAt(state, now) + 1,
        blockedUntil: Math.max(state.blockedUntil, now + durationMs),
      };
      record.subject ??= subject;
      return Promise.resolve(entryOf(model, subject, record, now));
    },
    lift(model, subject) {
      const now = clock.now();
      const record = table.forSubject(subject, model, now, false);
      if (record === undefined) return Promise.resolve(false);
      // A lift answers a false positive: the score and the memory of blocks go too, so the next
      // signal does not re-block at once or for an escalated term.
      record.state = { score: 0, at: now, blocks: 0, blockedUntil: 0 };
      record.shadow = { score: 0, at: now, blocks: 0, blockedUntil: 0 };
      return Promise.resolve(true);
    },
  };
}
