import { EnumguardError } from '../../core/errors.ts';
import type { RiskedOutcome } from '../store.ts';
import {
  consumeCall,
  outcomeOf,
  parseConsume,
  type ConsumeCall,
  type PreparedCheck,
} from './consume-args.ts';

/** Batching of consume calls (RedisStoreOptions.batch). */
export interface BatchOptions {
  /**
   * How long a consume waits for others to join its batch: 0 (the default) sends what was
   * issued in the same event-loop turn (flushed on setImmediate); more waits that many ms.
   */
  readonly maxDelayMs?: number;
  /** Most requests in one script call (default 64); a full batch is sent at once. */
  readonly maxSize?: number;
}

export interface BatchContext {
  now(): string;
  readonly maxTargets: number;
  readonly targetTtlMs: number;
  run(
    name: 'enumguardConsume' | 'enumguardConsumeBatch',
    keys: readonly string[],
    argv: readonly string[],
  ): Promise<unknown>;
}

interface Pending {
  readonly prepared: readonly PreparedCheck[];
  readonly call: ConsumeCall;
  resolve(outcome: RiskedOutcome): void;
  reject(err: unknown): void;
}

export interface ConsumeBatcher {
  /** A request without a risk lookup, answered from the next batch. */
  consume(prepared: readonly PreparedCheck[]): Promise<RiskedOutcome>;
}

/**
 * Gathers consume calls without risk into one EVALSHA of the batch script (batch-script.ts).
 * At hundreds of requests in flight, Redis then parses, dispatches and answers one command
 * for many decisions, and the client writes and reads one. Each request is still decided on
 * its own, all-or-nothing, in the order it was issued, with its own Redis TIME: the answers
 * are those of the same calls sent one at a time. A batch fails as a whole (each of its
 * requests rejects with the same ERR_STORE_UNAVAILABLE); a request's writes happen only when
 * all its checks allow, so a failure never leaves one request half charged.
 */
export function createConsumeBatcher(ctx: BatchContext, options: BatchOptions): ConsumeBatcher {
  const maxDelayMs = options.maxDelayMs ?? 0;
  const maxSize = options.maxSize ?? 64;
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new EnumguardError('ERR_CONFIG', `batch.maxDelayMs must be a number ≥ 0, got ${maxDelayMs}`);
  }
  if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
    throw new EnumguardError('ERR_CONFIG', `batch.maxSize must be a positive integer, got ${maxSize}`);
  }
  let queue: Pending[] = [];
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer !== undefined) {
      if (maxDelayMs === 0) clearImmediate(timer as NodeJS.Immediate);
      else clearTimeout(timer as NodeJS.Timeout);
      timer = undefined;
    }
    const items = queue;
    queue = [];
    if (items.length > 0) send(items);
  }

  function settle(item: Pending, reply: unknown): void {
    try {
      const r = parseConsume(reply, 0, item.prepared, false);
      if (r.status !== 'ok')
        throw new EnumguardError('ERR_INTERNAL', 'redis store: a cohort answer without risk');
      item.resolve({
        allowed: r.allowed,
        outcomes: item.prepared.map((c, i) => outcomeOf(c.check, r.steps[i] as never)),
      });
    } catch (err) {
      item.reject(err);
    }
  }

  function send(items: Pending[]): void {
    if (items.length === 1) {
      const item = items[0] as Pending;
      ctx.run('enumguardConsume', item.call.keys, item.call.argv).then(
        (reply) => settle(item, reply),
        (err: unknown) => item.reject(err),
      );
      return;
    }
    const keys: string[] = [];
    const argv: string[] = [String(items.length)];
    for (const { call } of items) argv.push(String(call.keys.length), String(call.argv.length));
    for (const { call } of items) {
      for (const k of call.keys) keys.push(k);
      for (const a of call.argv) argv.push(a);
    }
    ctx.run('enumguardConsumeBatch', keys, argv).then(
      (reply) => {
        const replies = reply as unknown[];
        for (const [i, item] of items.entries()) settle(item, replies[i]);
      },
      (err: unknown) => {
        for (const item of items) item.reject(err);
      },
    );
  }

  return {
    consume(prepared) {
      return new Promise<RiskedOutcome>((resolve, reject) => {
        const call = consumeCall(ctx.now(), { mode: 0 }, prepared, {
          maxTargets: ctx.maxTargets,
          targetTtlMs: ctx.targetTtlMs,
          wantAdded: false,
        });
        queue.push({ prepared, call, resolve, reject });
        if (queue.length >= maxSize) flush();
        else if (timer === undefined) {
          timer = maxDelayMs === 0 ? setImmediate(flush) : setTimeout(flush, maxDelayMs);
        }
      });
    },
  };
}
