import type { Cluster, Redis } from 'ioredis';
import { EnumguardError } from '../../core/errors.ts';
import type { RiskModel } from '../../core/risk.ts';
import { byRisk, sameSubject, type RiskEntry, type RiskSubject, type StoreAdmin } from '../risk-subject.ts';
import type { KeyNamer } from './keys.ts';
import type { LabelSeal } from './label-seal.ts';
import type { ScriptCommands } from './store-context.ts';

export interface RedisRiskAdminOptions {
  readonly client: Redis | Cluster;
  readonly names: KeyNamer;
  readonly labels: LabelSeal;
  readonly riskTtlMs: number;
  /** The store's time: Redis TIME, or the test-only function. */
  readonly time: 'redis' | (() => number);
}

/** A labelled record as a scan reads it. */
interface Found {
  readonly key: string;
  readonly subject: RiskSubject;
  readonly state: { score: number; at: number; blocks: number; blockedUntil: number };
}

const SCAN_COUNT = 1_000;

/**
 * The Redis store's StoreAdmin. Listing scans the prefix's risk records on every master
 * (SCAN, then HMGET in one pipeline per batch): the admin path may be O(records); the request
 * path never is. Block and lift are one script each on the record (admin-scripts.ts), so the
 * change is in Redis at once for every gateway sharing it: a block lifted on one gateway is
 * lifted for all.
 */
export function createRedisRiskAdmin(options: RedisRiskAdminOptions): StoreAdmin {
  const { client, names, labels, riskTtlMs, time } = options;
  const commands = client as unknown as ScriptCommands;
  const riskPattern = `${names.pattern}}:r`;

  async function run<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw new EnumguardError('ERR_STORE_UNAVAILABLE', `redis store (${what}): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async function now(): Promise<number> {
    if (time !== 'redis') return time();
    const [seconds, micros] = await client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async function scan(): Promise<Found[]> {
    const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
    const found: Found[] = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', riskPattern, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (keys.length === 0) continue;
        const batch = node.pipeline();
        for (const key of keys) batch.hmget(key, 's', 'a', 'b', 'u', 'k', 'l');
        const replies = (await batch.exec()) ?? [];
        replies.forEach(([err, value], i) => {
          if (err !== null) return;
          const [s, a, b, u, k, sealed] = value as (string | null)[];
          const l = sealed == null ? undefined : labels.open(sealed);
          if (l === undefined || (k !== 'i' && k !== 'p')) return;
          const subject: RiskSubject =
            k === 'i' ? { kind: 'identity', tag: l } : { kind: 'network', prefix: l };
          const n = (x: string | null | undefined): number => (x == null ? 0 : Number(x)) || 0;
          found.push({
            key: keys[i] as string,
            subject,
            state: { score: n(s), at: n(a), blocks: n(b), blockedUntil: n(u) },
          });
        });
      } while (cursor !== '0');
    }
    return found;
  }

  function entryOf(model: RiskModel, f: Found, t: number): RiskEntry {
    const { state } = f;
    return {
      subject: f.subject,
      score: model.scoreAt(state, Math.max(t, state.at)),
      blockedUntil: t < state.blockedUntil ? state.blockedUntil : 0,
      blocks: model.blocksAt(state, t),
    };
  }

  async function entries(model: RiskModel): Promise<RiskEntry[]> {
    const [found, t] = await Promise.all([scan(), now()]);
    return found.map((f) => entryOf(model, f, t)).filter((e) => e.score > 0 || e.blockedUntil > 0);
  }

  /** The record's key: a network's by its prefix; an identity's by a scan for its tag. */
  async function keyOf(subject: RiskSubject): Promise<string | undefined> {
    if (subject.kind === 'network') return names.risk(names.tag(`p|${subject.prefix}`));
    return (await scan()).find((f) => sameSubject(f.subject, subject))?.key;
  }

  const at = (): string => (time === 'redis' ? '' : String(time()));

  return {
    top: (model, limit) =>
      run('top', async () => (await entries(model)).sort(byRisk).slice(0, Math.max(0, limit))),
    blocks: (model) =>
      run('blocks', async () =>
        (await entries(model))
          .filter((e) => e.blockedUntil > 0)
          .sort((a, b) => a.blockedUntil - b.blockedUntil || byRisk(a, b)),
      ),
    block: (model, subject, durationMs) =>
      run('block', async () => {
        const key = await keyOf(subject);
        if (key === undefined) return undefined;
        const { forgetAfterMs } = model.config.block;
        const reply = (await commands.enumguardAdminBlock(
          1,
          key,
          at(),
          String(durationMs),
          subject.kind === 'identity' ? 'i' : 'p',
          labels.seal(subject.kind === 'identity' ? subject.tag : subject.prefix),
          String(riskTtlMs),
          String(forgetAfterMs),
          String(model.config.halfLifeMs),
        )) as unknown[];
        if (reply[0] !== 1) return undefined;
        const [s, a, b, u] = (await client.hmget(key, 's', 'a', 'b', 'u')).map((x) => Number(x ?? 0));
        const state = { score: s ?? 0, at: a ?? 0, blocks: b ?? 0, blockedUntil: u ?? 0 };
        return entryOf(model, { key, subject, state }, Number(reply[1]));
      }),
    lift: (_model, subject) =>
      run('lift', async () => {
        const key = await keyOf(subject);
        if (key === undefined) return false;
        return (await commands.enumguardAdminLift(1, key, at())) === 1;
      }),
  };
}
