import { randomBytes } from 'node:crypto';
import { EnumguardError } from '../core/errors.ts';

/**
 * Gateways counting each other through the Redis they share (issue 5), so the `local`
 * fallback's share (limit ÷ instances, local-share.ts) follows the number of gateways actually
 * running instead of a number written by hand.
 *
 * Each instance keeps one member in the sorted set `<prefix>:gateways`: member = a random
 * instance id, score = the Redis server's TIME in ms at its last beat. One script per beat
 * adds or refreshes the member, drops members older than `staleAfterMs` (3 beats by default:
 * an instance that missed 2 beats in a row still counts) and answers how many remain. Redis
 * TIME, not this process's clock, so instances with skewed clocks agree on who is stale.
 *
 * The key is one key, so it lives in one slot of a Redis Cluster without a hash tag; it has no
 * `{`, so the store's clear() (which unlinks `<prefix>:{*`) leaves the instances' registry alone.
 *
 * Off the request path: an unref'd interval timer beats; a beat still in flight when the next
 * is due is not doubled; a failed beat keeps the last count and logs once per run of failures.
 */

export const HEARTBEAT_DEFAULTS = {
  everyMs: 5000,
  /** Three beats: one late or lost beat does not make an instance vanish. */
  missedBeats: 3,
} as const;

// KEYS[1] the set; ARGV: member, stale after (ms), now ('' = Redis TIME; tests send their clock).
// The key lives 2 × staleAfter past the last beat of anyone: a deployment that is gone leaves nothing.
export const HEARTBEAT_SCRIPT = `
local now
if ARGV[3] ~= '' then now = tonumber(ARGV[3]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local stale = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - stale))
redis.call('PEXPIRE', KEYS[1], 2 * stale)
return redis.call('ZCARD', KEYS[1])
`;

/** What the heartbeat needs of a client: ioredis' Redis and Cluster both fit. */
export interface HeartbeatClient {
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  zrem(key: string, member: string): Promise<unknown>;
}

export interface HeartbeatLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface InstanceHeartbeatOptions {
  readonly client: HeartbeatClient;
  /** The store's key prefix: gateways under one prefix count each other. */
  readonly prefix: string;
  /** This instance's member (default 16 random hex digits). */
  readonly id?: string;
  /** Milliseconds between beats (default 5 s). */
  readonly everyMs?: number;
  /** A member whose last beat is older than this is gone (default 3 × everyMs). */
  readonly staleAfterMs?: number;
  /** Tests only: a clock sent with each beat instead of Redis TIME. */
  readonly time?: () => number;
  /**
   * Beats on a timer; tests pass their own to drive beats by hand (and may await the beat's
   * count, as from beat()). Default setInterval, unref'd.
   */
  readonly schedule?: (beat: () => Promise<number | undefined>, everyMs: number) => () => void;
  readonly logger?: HeartbeatLogger;
  /** Called when the observed count changes (including the first observation). */
  readonly onCount?: (count: number, previous: number | undefined) => void;
}

export interface InstanceHeartbeat {
  readonly id: string;
  readonly key: string;
  /** Starts the timer (idempotent); the first beat is due after `everyMs` (call beat() for one now). */
  start(): void;
  /** One beat now: the live count, or undefined when Redis did not answer (the last count stays). */
  beat(): Promise<number | undefined>;
  /** The live count of the last successful beat, undefined before one succeeded. */
  observed(): number | undefined;
  /** Stops the timer and removes this instance's member, so the others see it leave at their next beat. */
  stop(): Promise<void>;
}

const STOP_WAIT_MS = 1000;

function within(ms: number, pending: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    pending.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

const defaultSchedule = (beat: () => Promise<number | undefined>, everyMs: number): (() => void) => {
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

export function createInstanceHeartbeat(options: InstanceHeartbeatOptions): InstanceHeartbeat {
  const { client, logger } = options;
  const everyMs = options.everyMs ?? HEARTBEAT_DEFAULTS.everyMs;
  const staleAfterMs = options.staleAfterMs ?? HEARTBEAT_DEFAULTS.missedBeats * everyMs;
  if (
    !Number.isSafeInteger(everyMs) ||
    everyMs < 1 ||
    !Number.isSafeInteger(staleAfterMs) ||
    staleAfterMs < everyMs
  ) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `instance heartbeat: everyMs must be a positive integer and staleAfterMs an integer of at least everyMs, got ${everyMs} and ${staleAfterMs}`,
    );
  }
  const id = options.id ?? randomBytes(8).toString('hex');
  const key = `${options.prefix}:gateways`;
  let count: number | undefined;
  let inFlight: Promise<number | undefined> | undefined;
  let failing = false;
  let stopped = false;
  let cancel: (() => void) | undefined;

  async function once(): Promise<number | undefined> {
    try {
      const now = options.time === undefined ? '' : String(options.time());
      const reply = Number(await client.eval(HEARTBEAT_SCRIPT, 1, key, id, String(staleAfterMs), now));
      if (!Number.isSafeInteger(reply) || reply < 1) {
        // Caught below and logged: the Redis answered, but not with a count.
        throw new EnumguardError('ERR_STORE_UNAVAILABLE', `unexpected heartbeat reply ${reply}`);
      }
      if (failing) logger?.info({ key, instances: reply }, 'instance heartbeat answered again');
      failing = false;
      const previous = count;
      count = reply;
      if (previous !== reply) options.onCount?.(reply, previous);
      return reply;
    } catch (err) {
      if (!failing) {
        logger?.warn(
          { key, error: err instanceof Error ? err.message : String(err), lastObserved: count },
          'instance heartbeat failed; the local fallback keeps the last observed instance count',
        );
      }
      failing = true;
      return undefined;
    }
  }

  function beat(): Promise<number | undefined> {
    // After stop() a late 'ready' event must not register this instance again.
    if (stopped) return Promise.resolve(count);
    // A slow Redis must not collect one pending beat per tick.
    inFlight ??= once().finally(() => (inFlight = undefined));
    return inFlight;
  }

  return {
    id,
    key,
    start() {
      if (cancel !== undefined || stopped) return;
      cancel = (options.schedule ?? defaultSchedule)(beat, everyMs);
    },
    beat,
    observed: () => count,
    async stop() {
      stopped = true;
      cancel?.();
      cancel = undefined;
      // Best effort, and bounded: a Redis that is down or hangs lets the member age out instead,
      // and never holds the gateway's shutdown.
      await within(
        STOP_WAIT_MS,
        (async () => {
          await inFlight;
          await client.zrem(key, id);
        })(),
      );
    },
  };
}
