import { internalError } from '../../core/internal-error.ts';
import { riskLevelRank } from '../../core/risk-config.ts';
import type { RiskedOutcome, RiskLookup, RiskReading, RiskSignal } from '../store.ts';
import { sendAlone } from './batch.ts';
import {
  COHORT,
  IDENTITY,
  outcomeOf,
  parseConsume,
  PREFIX,
  type PreparedCheck,
  type RawRiskRecord,
  type RiskMode,
} from './consume-args.ts';
import { keySlot } from './keys.ts';
import type { StoreContext } from './store-context.ts';
import { readingOf, riskLayers } from './risk-layers.ts';
import { parseSignal, signalCall } from './signal-args.ts';

/**
 * Redis Cluster: a script may only touch keys of one slot, and a request's keys are spread
 * over slots by their hash tags (keys.ts). When they all share one slot, the request takes
 * the standalone path (these functions answer undefined). Otherwise (docs/ARCHITECTURE.md,
 * "Redis store"):
 *
 * consume: 1. the risk records are read, one call per slot (the identity's alone, since it
 *          names the cohort), in parallel; the reading decides here, by the memory store's
 *          code: block or challenge refuses, charging nothing.
 *          2. the checks, one call per slot in parallel, with the reading's quota factor and
 *          the identity's age given. Each call is atomic and all-or-nothing for its slot.
 *          3. if a slot denied, the slots that allowed are refunded (refund-script.ts).
 * signal:  the identity's record first (it says whether the identity is blocked and which its
 *          cohort is), then the prefix's and the cohort's, one call per slot.
 */
export function createClusterConsume(ctx: StoreContext) {
  const send = sendAlone(ctx);
  const sendDry = sendAlone(ctx, true);

  async function readOne(
    risk: RiskLookup,
    mask: number,
    keys: string[],
    cohort: string,
  ): Promise<{ now: number; layers: readonly (RawRiskRecord | undefined)[] }> {
    const mode: RiskMode = {
      mode: 1,
      mask,
      keys,
      cohort,
      model: risk.model,
      shadow: risk.shadow,
      riskTtlMs: ctx.riskTtlMs,
    };
    const reply = parseConsume(await send({ risk: mode, checks: [] }), mask, []);
    // No call here holds both the identity and its cohort, so none answers 'cohort'.
    if (reply.status !== 'ok') throw internalError('cohort answer without the identity');
    return reply;
  }

  async function readRisk(risk: RiskLookup): Promise<RiskReading> {
    const layers = riskLayers(ctx, risk) as NonNullable<ReturnType<typeof riskLayers>>;
    if (risk.identity === undefined) {
      const only = await readOne(risk, PREFIX, layers.keys, '');
      return readingOf(ctx, risk, '', only.layers, only.now);
    }
    const [idKey, prefixKey, cohortKey] = layers.keys as [string, string, string];
    const together = keySlot(prefixKey) === keySlot(cohortKey);
    const [id, ...rest] = await Promise.all([
      readOne(risk, IDENTITY, [idKey], layers.cohort),
      ...(together
        ? [readOne(risk, PREFIX | COHORT, [prefixKey, cohortKey], '')]
        : [readOne(risk, PREFIX, [prefixKey], ''), readOne(risk, COHORT, [cohortKey], '')]),
    ]);
    const records = [id.layers[0], ...rest.flatMap((r) => r.layers)];
    const cohort = id.layers[0]?.cohort ?? '';
    if (cohort !== '' && cohort !== layers.cohort) {
      // The identity was first seen elsewhere: its cohort is another record.
      const moved = await readOne(risk, COHORT, [ctx.names.risk(cohort)], '');
      records[2] = moved.layers[0];
    }
    return readingOf(ctx, risk, layers.identityTag, records, id.now);
  }

  return async function clusterConsume(
    prepared: readonly PreparedCheck[],
    risk: RiskLookup | undefined,
  ): Promise<RiskedOutcome | undefined> {
    const slots = new Set(prepared.map((c) => keySlot(c.stateKey)));
    for (const key of riskLayers(ctx, risk)?.keys ?? []) slots.add(keySlot(key));
    if (slots.size <= 1) return undefined;

    let mode: RiskMode = { mode: 0 };
    let reading: RiskReading | undefined;
    if (risk !== undefined) {
      reading = await readRisk(risk);
      if (riskLevelRank(reading.enforced.level) >= riskLevelRank('challenge')) {
        return { allowed: false, outcomes: [], risk: reading };
      }
      mode = { mode: 2, quotaFactor: reading.enforced.quotaFactor, ageMs: reading.ageMs };
    }

    const groups = new Map<number, PreparedCheck[]>();
    for (const c of prepared) {
      const slot = keySlot(c.stateKey);
      const group = groups.get(slot);
      if (group === undefined) groups.set(slot, [c]);
      else group.push(c);
    }
    const run = async (group: PreparedCheck[], dryRun: boolean) => {
      const reply = parseConsume(await (dryRun ? sendDry : send)({ risk: mode, checks: group }), 0, group);
      if (reply.status !== 'ok') throw internalError('cohort answer without risk keys');
      return { group, reply };
    };
    // The slots without target sets first, in parallel; those holding a distinct check only once
    // every other slot allowed, one after the other (targets cannot be safely taken back: see
    // refund), and as a dry run (decided, nothing written) once any slot denied.
    const all = [...groups.values()];
    const replies = await Promise.all(
      all.filter((g) => !g.some((c) => c.targets !== undefined)).map(async (g) => run(g, false)),
    );
    let allowed = replies.every((r) => r.reply.allowed);
    for (const group of all.filter((g) => g.some((c) => c.targets !== undefined))) {
      const r = await run(group, !allowed);
      replies.push(r);
      allowed &&= r.reply.allowed;
    }
    if (!allowed) {
      // Atomic per slot only: the slots that committed give back what they charged.
      await Promise.all(replies.filter((r) => r.reply.allowed).map((r) => refund(r.group, r.reply)));
    }
    const outcomes = new Array<ReturnType<typeof outcomeOf>>(prepared.length);
    for (const { group, reply } of replies) {
      group.forEach((c, i) => (outcomes[c.index] = outcomeOf(c.check, reply.steps[i] as never)));
    }
    return reading === undefined ? { allowed, outcomes } : { allowed, outcomes, risk: reading };
  };

  /**
   * Takes back what one slot's call charged (refund-script.ts). Distinct checks are left as they
   * are: a target the refused request added may already have been found there by a concurrent
   * request, which paid nothing for it, so removing it (and its charge) would let that caller
   * look up one more number than its limit. The refused request is charged early, never the
   * limit loosened.
   */
  async function refund(
    group: readonly PreparedCheck[],
    reply: Extract<ReturnType<typeof parseConsume>, { status: 'ok' }>,
  ): Promise<void> {
    const keys: string[] = [];
    const argv: string[] = [ctx.now(), '0'];
    let count = 0;
    // Two checks on one key: each was stepped from the stored state and the last charged one's
    // state was written, so only its cost comes back.
    const last = new Map<string, number>();
    group.forEach((c, i) => {
      if ((reply.steps[i]?.cost ?? 0) > 0) last.set(c.stateKey, i);
    });
    group.forEach((c, i) => {
      const step = reply.steps[i];
      if (c.targets !== undefined || step === undefined || last.get(c.stateKey) !== i) return;
      const { spec } = c.check;
      const algorithm = spec.algorithm === 'gcra' ? 1 : spec.algorithm === 'sliding-window' ? 2 : 3;
      keys.push(c.stateKey);
      argv.push(
        String(algorithm),
        String(spec.limit),
        String(spec.windowMs),
        String(step.cost),
        String(step.s0),
      );
      count++;
    });
    argv[1] = String(count);
    if (count > 0) await ctx.run('enumguardRefund', keys, argv);
  }
}

export function createClusterSignal(ctx: StoreContext) {
  return async function clusterSignal(
    risk: RiskLookup,
    signal: RiskSignal,
  ): Promise<RiskReading | undefined> {
    const layers = riskLayers(ctx, risk) as NonNullable<ReturnType<typeof riskLayers>>;
    if (new Set(layers.keys.map(keySlot)).size <= 1) return undefined;
    const [idKey, prefixKey] = layers.keys as [string, string, string];
    const run = async (mask: number, keys: string[], cohort: string, ownBlocked: -1 | 0 | 1) => {
      const call = signalCall(ctx, risk, signal, mask, keys, cohort, ownBlocked);
      const reply = parseSignal(await ctx.run('enumguardSignal', call.keys, call.argv), mask);
      if (reply.status !== 'ok') throw internalError('cohort answer without both keys');
      return reply;
    };
    const id = await run(IDENTITY, [idKey], layers.cohort, -1);
    const record = id.layers[0];
    const cohort = record?.cohort || layers.cohort;
    const cohortKey = ctx.names.risk(cohort);
    const ownBlocked = id.now < id.blockedBefore ? 1 : 0;
    const rest =
      keySlot(prefixKey) === keySlot(cohortKey)
        ? (await run(PREFIX | COHORT, [prefixKey, cohortKey], cohort, ownBlocked)).layers
        : (
            await Promise.all([
              run(PREFIX, [prefixKey], cohort, ownBlocked),
              run(COHORT, [cohortKey], cohort, ownBlocked),
            ])
          ).flatMap((r) => r.layers);
    return readingOf(ctx, risk, layers.identityTag, [record, ...rest], id.now);
  };
}
