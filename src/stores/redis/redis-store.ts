import type { Cluster, Redis } from 'ioredis';
import { EnumguardError } from '../../core/errors.ts';
import { ADMIN_BLOCK_SCRIPT, ADMIN_LIFT_SCRIPT } from './admin-scripts.ts';
import { createLabelSeal } from './label-seal.ts';
import { createRedisRiskAdmin } from './risk-admin.ts';
import type { LimitCheck } from '../../core/limit.ts';
import type { RiskedOutcome, RiskLookup, RiskReading, RiskSignal, Store } from '../store.ts';
import { targetFingerprint } from '../target-set.ts';
import { createConsumeBatcher, sendAlone, type BatchOptions, type ConsumeSender } from './batch.ts';
import { createClusterConsume, createClusterSignal } from './cluster.ts';
import { readingOf, riskLayers } from './risk-layers.ts';
import { outcomeOf, parseConsume, type PreparedCheck } from './consume-args.ts';
import { CONSUME_SCRIPT } from './consume-script.ts';
import { createKeyNamer } from './keys.ts';
import { REFUND_SCRIPT } from './refund-script.ts';
import { signalCall, parseSignal } from './signal-args.ts';
import { SIGNAL_SCRIPT } from './signal-script.ts';
import type { ScriptCommands, StoreContext } from './store-context.ts';

export interface RedisStoreOptions {
  /** An ioredis client (Redis or Cluster) the caller owns: close() leaves it open. */
  readonly client: Redis | Cluster;
  /** First part of every key (default "eg"); several stores may share a Redis under different prefixes. */
  readonly prefix?: string;
  /**
   * Fingerprint seed of key and target names. It must be the same on every instance sharing
   * the Redis (else they do not find each other's keys) and should be a deployment secret: a
   * client who knows it could craft target fingerprint collisions offline. Default: a fixed seed.
   */
  readonly seed?: readonly [number, number];
  /** Distinct limits: most targets per set; a set that would pass it is forgotten (default 200,000). */
  readonly maxTargetsPerKey?: number;
  /** Target sets live at least this long after their last growth (default 30 days). */
  readonly targetTtlMs?: number;
  /** Risk records live at least this long after their last signal (identities: last request). Default 30 days. */
  readonly riskTtlMs?: number;
  /**
   * Where time comes from: Redis TIME inside the scripts (the default, and the only choice for
   * production: instances with skewed clocks agree), or a function whose value is sent with
   * each call. The function exists for tests that compare stores on one manual clock.
   */
  readonly time?: 'redis' | (() => number);
  /**
   * Send the consume calls issued together (same event-loop turn, or within maxDelayMs) as one
   * script call (batch.ts). Standalone Redis only: in a cluster each call goes alone. Off by
   * default.
   */
  readonly batch?: BatchOptions;
}

const DAY = 86_400_000;
const DEFAULT_SEED: readonly [number, number] = [0x2f6b1d37, 0x5ac1e4b9];
/** Identities whose cohort is not their current prefix's, remembered per instance (a bound, not a cache size that matters). */
const MAX_COHORTS = 10_000;

export function createRedisStore(options: RedisStoreOptions): Store {
  const { client } = options;
  const prefix = options.prefix ?? 'eg';
  const maxTargets = positive('maxTargetsPerKey', options.maxTargetsPerKey ?? 200_000);
  const targetTtlMs = positive('targetTtlMs', options.targetTtlMs ?? 30 * DAY);
  const riskTtlMs = positive('riskTtlMs', options.riskTtlMs ?? 30 * DAY);
  const [seedA, seedB] = options.seed ?? DEFAULT_SEED;
  // The memory store's derivation: targets get their own seed.
  const targetSeed = Math.imul(seedA ^ 0x27d4eb2f, 0x165667b1) ^ seedB;
  const names = createKeyNamer(prefix, [seedA, seedB]);
  const time = options.time ?? 'redis';

  client.defineCommand('enumguardConsume', { lua: CONSUME_SCRIPT });
  client.defineCommand('enumguardSignal', { lua: SIGNAL_SCRIPT });
  client.defineCommand('enumguardRefund', { lua: REFUND_SCRIPT });
  client.defineCommand('enumguardAdminBlock', { lua: ADMIN_BLOCK_SCRIPT });
  client.defineCommand('enumguardAdminLift', { lua: ADMIN_LIFT_SCRIPT });
  const commands = client as unknown as ScriptCommands;

  const cohorts = new Map<string, string>();
  const labels = createLabelSeal([seedA, seedB]);
  const ctx: StoreContext = {
    names,
    labels,
    maxTargets,
    targetTtlMs,
    riskTtlMs,
    now: () => (time === 'redis' ? '' : String(time())),
    async run(name, keys, argv) {
      try {
        return await commands[name](keys.length, ...keys, ...argv);
      } catch (err) {
        throw new EnumguardError('ERR_STORE_UNAVAILABLE', `redis store: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    cohortOf: (identityTag, p) => cohorts.get(identityTag) ?? names.tag(`c|${p}`),
    learnCohort(identityTag, p, cohort) {
      if (cohort === '' || cohort === names.tag(`c|${p}`)) return;
      cohorts.delete(identityTag);
      cohorts.set(identityTag, cohort);
      if (cohorts.size > MAX_COHORTS) cohorts.delete(cohorts.keys().next().value as string);
    },
  };

  function prepare(checks: readonly LimitCheck[]): PreparedCheck[] {
    const prepared = new Array<PreparedCheck>(checks.length);
    for (let index = 0; index < checks.length; index++) {
      const check = checks[index] as LimitCheck;
      const tag = names.tag(check.key);
      if (check.targets === undefined) {
        prepared[index] = { index, check, stateKey: names.state(tag), targetKey: '', targets: undefined };
        continue;
      }
      // Each target once: duplicates within the request are charged once.
      const unique = new Set<number>();
      for (const t of check.targets) unique.add(targetFingerprint(t, targetSeed));
      const targets = Array.from(unique, String);
      prepared[index] = { index, check, stateKey: names.state(tag), targetKey: names.targets(tag), targets };
    }
    return prepared;
  }

  const cluster = client.isCluster;
  const clusterConsume = createClusterConsume(ctx);
  const clusterSignal = createClusterSignal(ctx);
  const send: ConsumeSender =
    options.batch === undefined || cluster ? sendAlone(ctx) : createConsumeBatcher(ctx, options.batch);

  async function consume(checks: readonly LimitCheck[], risk?: RiskLookup): Promise<RiskedOutcome> {
    const prepared = prepare(checks);
    if (cluster) {
      const answer = await clusterConsume(prepared, risk);
      if (answer !== undefined) return answer;
    }
    // Standalone (or a cluster request whose keys all share one slot): one call. A moved
    // identity's cohort is learnt from the first answer, and the call repeated once with it.
    for (let attempt = 0; ; attempt++) {
      const layers = riskLayers(ctx, risk);
      const riskMode =
        risk === undefined || layers === undefined
          ? ({ mode: 0 } as const)
          : ({ mode: 1, ...layers, model: risk.model, shadow: risk.shadow, riskTtlMs } as const);
      const reply = parseConsume(
        await send({ risk: riskMode, checks: prepared }),
        layers?.mask ?? 0,
        prepared,
      );
      if (reply.status === 'cohort') {
        if (attempt > 0 || risk === undefined || layers === undefined) {
          throw new EnumguardError('ERR_INTERNAL', 'redis store: the identity’s cohort changed twice');
        }
        ctx.learnCohort(layers.identityTag, risk.prefix, reply.cohort);
        continue;
      }
      const reading =
        risk === undefined || layers === undefined
          ? undefined
          : readingOf(ctx, risk, layers.identityTag, reply.layers, reply.now);
      if (reply.riskDenied) return { allowed: false, outcomes: [], risk: reading as RiskReading };
      const outcomes = prepared.map((c, i) => outcomeOf(c.check, reply.steps[i] as never));
      return reading === undefined
        ? { allowed: reply.allowed, outcomes }
        : { allowed: reply.allowed, outcomes, risk: reading };
    }
  }

  async function signal(risk: RiskLookup, sig: RiskSignal): Promise<RiskReading> {
    if (cluster) {
      const answer = await clusterSignal(risk, sig);
      if (answer !== undefined) return answer;
    }
    for (let attempt = 0; ; attempt++) {
      const layers = riskLayers(ctx, risk) as NonNullable<ReturnType<typeof riskLayers>>;
      const call = signalCall(ctx, risk, sig, layers.mask, layers.keys, layers.cohort, -1);
      const reply = parseSignal(await ctx.run('enumguardSignal', call.keys, call.argv), layers.mask);
      if (reply.status === 'cohort') {
        if (attempt > 0)
          throw new EnumguardError('ERR_INTERNAL', 'redis store: the identity’s cohort changed twice');
        ctx.learnCohort(layers.identityTag, risk.prefix, reply.cohort);
        continue;
      }
      return readingOf(ctx, risk, layers.identityTag, reply.layers, reply.now);
    }
  }

  async function clear(): Promise<void> {
    const nodes = cluster ? (client as Cluster).nodes('master') : [client as Redis];
    await Promise.all(
      nodes.map(async (node) => {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', names.pattern, 'COUNT', 1000);
          cursor = next;
          // One key per UNLINK: in a cluster, a node's keys span many slots.
          if (keys.length > 0) await Promise.all(keys.map((k) => node.unlink(k)));
        } while (cursor !== '0');
      }),
    );
    cohorts.clear();
  }

  const admin = createRedisRiskAdmin({ client, names, labels, riskTtlMs, time });
  return { name: 'redis', consume, signal, admin, clear, close: () => Promise.resolve() };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new EnumguardError('ERR_CONFIG', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
