import { EnumguardError } from '../../core/errors.ts';
import { consumeCall, type ConsumeRequest } from './consume-args.ts';

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
  run(name: 'enumguardConsume', keys: readonly string[], argv: readonly string[]): Promise<unknown>;
}

interface Pending {
  readonly request: ConsumeRequest;
  resolve(reply: unknown): void;
  reject(err: unknown): void;
}

/** Sends one request's consume and answers its own reply (one element of the call's reply). */
export type ConsumeSender = (request: ConsumeRequest) => Promise<unknown>;

/** One request per call: the sender of a store without batching, and of the cluster path (with dryRun: see CallLimits). */
export function sendAlone(ctx: BatchContext, dryRun = false): ConsumeSender {
  return async (request) => {
    const call = consumeCall(ctx.now(), [request], {
      maxTargets: ctx.maxTargets,
      targetTtlMs: ctx.targetTtlMs,
      dryRun,
    });
    return ((await ctx.run('enumguardConsume', call.keys, call.argv)) as unknown[])[0];
  };
}

/**
 * Gathers the consume requests issued together into one EVALSHA of the consume script, which
 * decides a call's requests one after the other (consume-script.ts). At hundreds of requests in
 * flight, Redis then parses, dispatches and answers one command for many decisions, reads TIME
 * once, and the limit specs travel once; the client writes and reads one command. Each request is
 * still decided on its own, all-or-nothing, in the order it was issued: the answers are those of
 * the same requests sent one at a time at that instant. A batch fails as a whole (each of its
 * requests rejects with the same ERR_STORE_UNAVAILABLE); a request's writes happen only when all
 * its checks allow, so a failure never leaves one request half charged.
 */
export function createConsumeBatcher(ctx: BatchContext, options: BatchOptions): ConsumeSender {
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

  function send(items: Pending[]): void {
    const call = consumeCall(
      ctx.now(),
      items.map((item) => item.request),
      { maxTargets: ctx.maxTargets, targetTtlMs: ctx.targetTtlMs },
    );
    ctx.run('enumguardConsume', call.keys, call.argv).then(
      (reply) => {
        const replies = reply as unknown[];
        for (let i = 0; i < items.length; i++) (items[i] as Pending).resolve(replies[i]);
      },
      (err: unknown) => {
        for (const item of items) item.reject(err);
      },
    );
  }

  return (request) =>
    new Promise<unknown>((resolve, reject) => {
      queue.push({ request, resolve, reject });
      if (queue.length >= maxSize) flush();
      else if (timer === undefined) {
        timer = maxDelayMs === 0 ? setImmediate(flush) : setTimeout(flush, maxDelayMs);
      }
    });
}
