import type { Agent, AgentContext, AgentResponse } from '../agent.ts';
import { retryDelayMs } from './retry.ts';

export interface LegitUserOptions {
  readonly id: string;
  /** The user's own number, E.164 with "+". */
  readonly number: string;
  /** The user's address book, E.164 with "+"; asked for at each full sync (books are large). */
  readonly contacts: () => string[];
  readonly clientIp: string;
  /** Virtual ms at which the app is installed: register, then a full sync. */
  readonly installAt: number;
  /**
   * Mean virtual ms between periodic re-syncs: the whole address book, sent to the delta
   * endpoint as an app using incremental contact discovery does.
   */
  readonly resyncEveryMs: number;
  /** Mean new contacts per week, each looked up on its own. */
  readonly newContactsPerWeek: number;
  /** Numbers per discover request. */
  readonly batchSize: number;
  /** A number for a new contact (drawn by the scenario from the user's country). */
  readonly newContact: (ctx: AgentContext) => string;
}

const WEEK_MS = 7 * 86_400_000;
const FULL_PATH = '/v1/contacts/discover';
/**
 * Incremental contact discovery (Hagen et al., NDSS 2021): a client that synced within the
 * last 10 days only needs what changed since, which the service answers against a small
 * "delta" database, so a policy can give re-syncs a larger budget than full lookups.
 */
const DELTA_PATH = '/v1/contacts/discover/delta';
const TAG_REGISTER = -1;
const TAG_WAKE_INSTALL = 1;
const TAG_WAKE_RESYNC = 2;
const TAG_WAKE_NEW_CONTACT = 3;
const TAG_WAKE_RETRY = 4;
/** A legit client gives up on a sync after this many refusals of one batch. */
const MAX_TRIES = 8;

/**
 * A real user of the app: installs, registers, discovers the whole address book, re-syncs
 * now and then, and looks up a few new contacts a week. It obeys Retry-After like the
 * official client does, and reports each sync so the scorecard can measure delay and harm.
 */
export function legitUser(options: LegitUserOptions): Agent {
  let token: string | undefined;
  let syncSeq = 0;
  // The sync in flight: its batches and where we are.
  let batches: string[][] = [];
  let nextBatch = 0;
  let tries = 0;
  let syncId = -1;
  let syncPath = FULL_PATH;
  const queued: { numbers: string[]; full: boolean; path: string }[] = [];

  function exp(ctx: AgentContext, mean: number): number {
    return -Math.log(1 - ctx.rng.next()) * mean;
  }

  function startSync(ctx: AgentContext, numbers: string[], full: boolean, path = FULL_PATH): void {
    if (syncId !== -1 || token === undefined) {
      queued.push({ numbers, full, path });
      return;
    }
    syncId = syncSeq++;
    syncPath = path;
    batches = [];
    for (let i = 0; i < numbers.length; i += options.batchSize)
      batches.push(numbers.slice(i, i + options.batchSize));
    if (batches.length === 0) batches.push([]);
    nextBatch = 0;
    tries = 0;
    ctx.record({ kind: 'sync-start', syncId, numbers: numbers.length, full });
    sendBatch(ctx);
  }

  function sendBatch(ctx: AgentContext): void {
    ctx.send(
      {
        method: 'POST',
        path: syncPath,
        headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': 'application/json' },
        body: { numbers: batches[nextBatch] },
        clientIp: options.clientIp,
      },
      syncId,
    );
  }

  function finishSync(ctx: AgentContext, done: boolean): void {
    ctx.record(done ? { kind: 'sync-done', syncId } : { kind: 'sync-abandoned', syncId });
    syncId = -1;
    // Drop the finished sync's numbers: 100k idle users each holding a book's worth of
    // strings would keep gigabytes alive and make every garbage collection slow.
    batches = [];
    const next = queued.shift();
    if (next) startSync(ctx, next.numbers, next.full, next.path);
  }

  return {
    id: options.id,
    role: 'legit',
    start(ctx) {
      ctx.wakeAt(options.installAt, TAG_WAKE_INSTALL);
    },
    onWake(tag, ctx) {
      switch (tag) {
        case TAG_WAKE_INSTALL:
          ctx.send(
            {
              method: 'POST',
              path: '/v1/accounts',
              headers: { 'content-type': 'application/json' },
              body: { number: options.number },
              clientIp: options.clientIp,
            },
            TAG_REGISTER,
          );
          break;
        case TAG_WAKE_RESYNC:
          startSync(ctx, options.contacts(), true, DELTA_PATH);
          ctx.wakeAt(ctx.now() + exp(ctx, options.resyncEveryMs), TAG_WAKE_RESYNC);
          break;
        case TAG_WAKE_NEW_CONTACT:
          startSync(ctx, [options.newContact(ctx)], false);
          ctx.wakeAt(ctx.now() + exp(ctx, WEEK_MS / options.newContactsPerWeek), TAG_WAKE_NEW_CONTACT);
          break;
        case TAG_WAKE_RETRY:
          sendBatch(ctx);
          break;
      }
    },
    onResponse(response: AgentResponse, tag, ctx) {
      if (tag === TAG_REGISTER) {
        const body = response.body as { token?: unknown } | undefined;
        if (response.status >= 300 || typeof body?.token !== 'string') {
          // Registration refused: try again later, as the app would.
          ctx.wakeAt(ctx.now() + retryDelayMs(response, 60_000), TAG_WAKE_INSTALL);
          return;
        }
        token = body.token;
        startSync(ctx, options.contacts(), true);
        ctx.wakeAt(ctx.now() + exp(ctx, options.resyncEveryMs), TAG_WAKE_RESYNC);
        if (options.newContactsPerWeek > 0) {
          ctx.wakeAt(ctx.now() + exp(ctx, WEEK_MS / options.newContactsPerWeek), TAG_WAKE_NEW_CONTACT);
        }
        return;
      }
      if (tag !== syncId) return;
      if (response.status === 200) {
        nextBatch++;
        tries = 0;
        if (nextBatch >= batches.length) finishSync(ctx, true);
        else sendBatch(ctx);
        return;
      }
      tries++;
      if (tries >= MAX_TRIES || (response.status !== 429 && response.status !== 503)) {
        finishSync(ctx, false);
        return;
      }
      ctx.wakeAt(ctx.now() + retryDelayMs(response, 30_000), TAG_WAKE_RETRY);
    },
  };
}
