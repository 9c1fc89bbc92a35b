import type { Agent, AgentContext, AgentResponse } from '../agent.ts';
import { deferredDelayMs, MAX_DEFERRED_ROUNDS } from './legit-user-deferred.ts';
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
   * Virtual ms at which the user reinstalls the app or moves to a new device: registers the
   * same number again (a new session token) and runs a full sync again. Absent: never.
   */
  readonly reinstallAt?: number;
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
const TAG_WAKE_REINSTALL = 5;
/** Wake tags from here on resume a sync parked on a deferred answer: base + its id. */
const TAG_WAKE_DEFERRED = 1_000;
/** A legit client gives up on a sync after this many refusals of one batch. */
const MAX_TRIES = 8;

/** One sync: its numbers, the round being sent, and what the answers found so far. */
interface Sync {
  readonly id: number;
  readonly full: boolean;
  /** The numbers this round asks about: the whole list, then those held back. */
  numbers: string[];
  path: string;
  batches: string[][];
  nextBatch: number;
  tries: number;
  /** Numbers of deferred answers that were not found: the next round's. */
  heldBack: string[];
  /** The longest deferral asked for in this round, ms. */
  deferMs: number;
  rounds: number;
}

/**
 * A real user of the app: installs, registers, discovers the whole address book, re-syncs
 * now and then, looks up a few new contacts a week, and may reinstall. It obeys Retry-After
 * like the official client does, asks again after `enumguard-deferred` for contacts an answer
 * held back, and reports each sync so the scorecard can measure delay and harm. One sync sends
 * at a time; a sync waiting out a deferral does not hold the others up.
 */
export function legitUser(options: LegitUserOptions): Agent {
  let token: string | undefined;
  let installed = false;
  let syncSeq = 0;
  let active: Sync | undefined;
  const queued: Sync[] = [];
  const parked = new Map<number, Sync>();

  function exp(ctx: AgentContext, mean: number): number {
    return -Math.log(1 - ctx.rng.next()) * mean;
  }

  function startSync(ctx: AgentContext, numbers: string[], full: boolean, path = FULL_PATH): void {
    const sync: Sync = {
      id: syncSeq++,
      full,
      numbers,
      path,
      batches: [],
      nextBatch: 0,
      tries: 0,
      heldBack: [],
      deferMs: 0,
      rounds: 0,
    };
    ctx.record({ kind: 'sync-start', syncId: sync.id, numbers: numbers.length, full });
    queued.push(sync);
    runNext(ctx);
  }

  /** Starts the next queued sync's round when nothing is sending and the user has a session. */
  function runNext(ctx: AgentContext): void {
    if (active !== undefined || token === undefined) return;
    const next = queued.shift();
    if (!next) return;
    active = next;
    next.batches = [];
    for (let i = 0; i < next.numbers.length; i += options.batchSize)
      next.batches.push(next.numbers.slice(i, i + options.batchSize));
    if (next.batches.length === 0) next.batches.push([]);
    next.nextBatch = 0;
    next.tries = 0;
    next.deferMs = 0;
    sendBatch(ctx, next);
  }

  function sendBatch(ctx: AgentContext, sync: Sync): void {
    ctx.send(
      {
        method: 'POST',
        path: sync.path,
        headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': 'application/json' },
        body: { numbers: sync.batches[sync.nextBatch] },
        clientIp: options.clientIp,
      },
      sync.id,
    );
  }

  /** The round is answered: park the sync for a deferred re-ask, or finish it. */
  function endRound(ctx: AgentContext, sync: Sync, done: boolean): void {
    active = undefined;
    sync.batches = [];
    if (done && sync.heldBack.length > 0 && sync.rounds < MAX_DEFERRED_ROUNDS) {
      sync.rounds++;
      // The next round re-asks what was held back, on the full lookup route.
      sync.numbers = sync.heldBack;
      sync.heldBack = [];
      sync.path = FULL_PATH;
      parked.set(sync.id, sync);
      ctx.wakeAt(ctx.now() + sync.deferMs, TAG_WAKE_DEFERRED + sync.id);
    } else {
      ctx.record(done ? { kind: 'sync-done', syncId: sync.id } : { kind: 'sync-abandoned', syncId: sync.id });
    }
    runNext(ctx);
  }

  function register(ctx: AgentContext): void {
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
  }

  function onRegistered(ctx: AgentContext, newToken: string): void {
    // A sync mid-round carries on with the new session from its next request.
    token = newToken;
    startSync(ctx, options.contacts(), true);
    if (installed) return;
    installed = true;
    ctx.wakeAt(ctx.now() + exp(ctx, options.resyncEveryMs), TAG_WAKE_RESYNC);
    if (options.newContactsPerWeek > 0) {
      ctx.wakeAt(ctx.now() + exp(ctx, WEEK_MS / options.newContactsPerWeek), TAG_WAKE_NEW_CONTACT);
    }
    if (options.reinstallAt !== undefined) ctx.wakeAt(options.reinstallAt, TAG_WAKE_REINSTALL);
  }

  function onLookupAnswer(ctx: AgentContext, sync: Sync, response: AgentResponse): void {
    if (response.status === 200) {
      noteHeldBack(sync, response);
      sync.nextBatch++;
      sync.tries = 0;
      if (sync.nextBatch >= sync.batches.length) endRound(ctx, sync, true);
      else sendBatch(ctx, sync);
      return;
    }
    sync.tries++;
    if (sync.tries >= MAX_TRIES || (response.status !== 429 && response.status !== 503)) {
      endRound(ctx, sync, false);
      return;
    }
    ctx.wakeAt(ctx.now() + retryDelayMs(response, 30_000), TAG_WAKE_RETRY);
  }

  return {
    id: options.id,
    role: 'legit',
    start(ctx) {
      ctx.wakeAt(options.installAt, TAG_WAKE_INSTALL);
    },
    onWake(tag, ctx) {
      if (tag >= TAG_WAKE_DEFERRED) {
        const sync = parked.get(tag - TAG_WAKE_DEFERRED);
        if (!sync) return;
        parked.delete(sync.id);
        queued.unshift(sync);
        runNext(ctx);
        return;
      }
      switch (tag) {
        case TAG_WAKE_INSTALL:
        case TAG_WAKE_REINSTALL:
          register(ctx);
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
          if (active) sendBatch(ctx, active);
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
        onRegistered(ctx, body.token);
        return;
      }
      if (active !== undefined && tag === active.id) onLookupAnswer(ctx, active, response);
    },
  };
}

/**
 * On an answer carrying `enumguard-deferred`, keeps the batch's numbers it did not find for
 * the next round (legit-user-deferred.ts says what the header means), and the longest wait asked for.
 */
function noteHeldBack(sync: Sync, response: AgentResponse): void {
  const wait = deferredDelayMs(response);
  if (wait === undefined) return;
  const contacts = (response.body as { contacts?: { number?: unknown }[] } | undefined)?.contacts ?? [];
  const found = new Set<unknown>(contacts.map((c) => c.number));
  for (const n of sync.batches[sync.nextBatch] ?? []) if (!found.has(n)) sync.heldBack.push(n);
  sync.deferMs = Math.max(sync.deferMs, wait);
}
