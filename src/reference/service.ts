import type { Clock } from '../core/clock.ts';
import { internalError } from '../core/internal-error.ts';
import { seededRng } from '../core/rng.ts';
import { createAccountIds } from './account-ids.ts';
import { avatarSvg } from './avatar.ts';
import { parseE164 } from './e164.ts';
import { mix32 } from './population/hash.ts';
import { RECENT_DAYS, VISIBLE_ABOUT, VISIBLE_PHOTO, type Population } from './population/population.ts';
import { createRegistry } from './registry.ts';

/**
 * The reference contact-discovery service: the vulnerable system of the WhatsApp incident.
 * It answers every lookup of an authenticated caller, up to a batch cap, and returns each
 * registered account with its "about" text and photo where the owner's privacy setting lets
 * the caller see them: everyone, or contacts only (the owner holds the caller's number).
 * Transport-free: the HTTP handler and the simulator call these functions directly.
 */
export interface ReferenceServiceOptions {
  readonly population: Population;
  readonly clock: Clock;
  /** Most numbers one discover call may carry (413 beyond). */
  readonly maxBatch?: number;
}

export interface Contact {
  readonly number: string;
  readonly accountId: string;
  readonly about?: string;
  /** Path of the photo, where the caller may see it. */
  readonly photo?: string;
}

/** What the delta endpoint answers: recent registrations found, and recent unregistrations. */
export interface DeltaAnswer {
  readonly contacts: Contact[];
  /** Numbers asked whose account unregistered within the window: the client drops them. */
  readonly removed: string[];
}

export type Failure = {
  readonly ok: false;
  readonly status: 400 | 401 | 404 | 413;
  readonly code: 'bad-request' | 'unauthenticated' | 'not-found' | 'batch-too-large';
  readonly detail: string;
};
export type Result<T> = ({ readonly ok: true } & T) | Failure;

/** What one fast-path lookup revealed. Arrays are fresh and `found` long. */
export interface DiscoverCounts {
  readonly looked: number;
  readonly found: number;
  readonly withPhoto: number;
  readonly withAbout: number;
  /** Revealed account indexes, in request order (duplicates in the request repeat). */
  readonly accounts: Int32Array;
  /** Per revealed account: VISIBLE_PHOTO | VISIBLE_ABOUT bits of what the caller got to see. */
  readonly revealed: Uint8Array;
}

export interface ReferenceService {
  readonly population: Population;
  readonly maxBatch: number;
  register: (number: string | number) => Result<{ accountId: string; account: number; token: string }>;
  /** The account index behind a bearer token, or -1. */
  accountOfToken: (token: string) => number;
  discover: (token: string, numbers: unknown) => Result<{ contacts: Contact[] }>;
  /**
   * Incremental contact discovery (Hagen et al., NDSS 2021): the same lookup, answered only
   * against accounts that registered or unregistered in the last RECENT_DAYS, so a client that
   * synced within that window learns what changed. Same errors and batch cap as discover.
   */
  discoverDelta: (token: string, numbers: unknown) => Result<DeltaAnswer>;
  /**
   * The simulator's fast path: looks numbers up for an account without tokens, strings or
   * JSON. The batch cap is the HTTP layer's business and is not applied here.
   */
  discoverNumbers: (caller: number, numbers: ArrayLike<number>) => DiscoverCounts;
  photo: (token: string, accountId: string) => Result<{ contentType: string; body: string }>;
  /**
   * An account's profile: its id, and its "about" text where the owner's setting lets the
   * caller see it (the same rule as photos). Hidden and missing accounts answer the same 404.
   */
  profile: (token: string, accountId: string) => Result<{ accountId: string; about?: string }>;
  accountIdOf: (account: number) => string;
  /** The account index of an id, or -1 (also for well-formed ids of no account). */
  accountOfId: (id: string) => number;
  /** Accounts that exist: the population plus those registered since. */
  accountCount: () => number;
}

export function createReferenceService(options: ReferenceServiceOptions): ReferenceService {
  const { population, clock } = options;
  const maxBatch = options.maxBatch ?? 1000;
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw internalError(`the reference service's maxBatch must be a whole number >= 1, got ${maxBatch}`);
  const registry = createRegistry(population, seededRng(mix32(population.seed ^ 0x70c3e5)));
  const ids = createAccountIds(population.seed);
  // Ids are asked for again and again (every lookup that finds an account): compute each once.
  // Preallocated: assigning far past the end of an empty array would turn it into a slow
  // dictionary-backed one. Accounts registered later append at the end.
  const idCache = new Array<string | undefined>(population.accountCount).fill(undefined);
  const idOf = (account: number): string => (idCache[account] ??= ids.idOf(account));
  const base = population.accountCount;
  const { registeredAt, unregisteredAt, lifetimes, visibility } = population.tables;
  const { candidateIndexOf, accountOfCandidate, holdsAccount, holdsCandidate } = population;

  /** The account that holds `e164` at some time (population or registered here), or -1. */
  const holderOf = (e164: number): number => {
    const candidate = candidateIndexOf(e164);
    const account = candidate >= 0 ? accountOfCandidate(candidate) : -1;
    if (account >= 0) return account;
    return registry.hasExtra() ? registry.extraAccount(e164, candidate) : -1;
  };

  /** The account registered at `now` holding `e164`, or -1. */
  const lookup = (e164: number, now: number): number => {
    const account = holderOf(e164);
    if (account < 0 || account >= base) return account;
    // Within the population's timeline, or registered here (which outlasts the timeline).
    return ((lifetimes[2 * account] as number) <= now && (lifetimes[2 * account + 1] as number) > now) ||
      registry.registeredHereAt(account) <= now
      ? account
      : -1;
  };

  /**
   * When the registration current at `now` began, or NaN when the account is not registered
   * then. Agrees with lookup; slower, for the delta endpoint and photos, not the hot path.
   */
  const joinedAt = (account: number, now: number): number => {
    if (account >= base) return registry.registeredAt(account);
    const here = registry.registeredHereAt(account);
    const from = registeredAt[account] as number;
    const until = unregisteredAt[account] as number;
    if (from <= now && now < until) return Math.min(here, from);
    // Registered here after leaving is a new registration; before leaving, it carried on.
    if (here <= now) return here >= until ? here : Math.min(here, from);
    return NaN;
  };

  /** Whether `owner` holds the caller's number; the caller is resolved once per request. */
  const callerKey = (caller: number): { account: number; candidate: number } => {
    if (caller < base) return { account: caller, candidate: -1 };
    return { account: -1, candidate: candidateIndexOf(registry.numberOf(caller)) };
  };

  /** VISIBLE_* bits of what `owner` shows this caller. Accounts registered here share nothing. */
  const revealedTo = (owner: number, caller: number, key: { account: number; candidate: number }): number => {
    if (owner >= base) return owner === caller ? VISIBLE_PHOTO | VISIBLE_ABOUT : 0;
    const pub = visibility[owner] as number;
    if (pub === (VISIBLE_PHOTO | VISIBLE_ABOUT) || owner === caller) return VISIBLE_PHOTO | VISIBLE_ABOUT;
    const contact =
      key.account >= 0
        ? holdsAccount(owner, key.account)
        : key.candidate >= 0 && holdsCandidate(owner, key.candidate);
    return contact ? VISIBLE_PHOTO | VISIBLE_ABOUT : pub;
  };

  /** The contact entry of a revealed account; every field a caller may not see is left out. */
  const contactOf = (number: string, owner: number, shown: number): Contact => {
    const accountId = idOf(owner);
    if (shown === 0) return { number, accountId };
    if (shown === VISIBLE_PHOTO) return { number, accountId, photo: photoOf(owner) };
    if (shown === VISIBLE_ABOUT) return { number, accountId, about: population.about(owner) };
    return { number, accountId, about: population.about(owner), photo: photoOf(owner) };
  };
  const photoCache = new Array<string | undefined>(population.accountCount).fill(undefined);
  const photoOf = (account: number): string =>
    (photoCache[account] ??= `/v1/accounts/${idOf(account)}/photo`);
  let stamps: Int32Array = new Int32Array(0);
  let discoverCalls = 0;
  /**
   * A fresh mark for one request's answer: a number asked twice in one batch is answered
   * once. Numbers and accounts are one to one, so marking accounts dedupes without a Set of
   * boxed doubles.
   */
  const newMark = (): number => {
    if (discoverCalls === 0x7fffffff) {
      stamps.fill(0);
      discoverCalls = 0;
    }
    if (stamps.length < registry.count()) stamps = growStamps(stamps, registry.count());
    return ++discoverCalls;
  };

  /** VISIBLE_* bits `owner` (an index, or -1) shows `caller` now; 0 when not registered now. */
  const shownTo = (owner: number, caller: number): number =>
    owner >= 0 && !Number.isNaN(joinedAt(owner, clock.now()))
      ? revealedTo(owner, caller, callerKey(caller))
      : 0;

  let scratchAccounts = new Int32Array(1024);
  let scratchRevealed = new Uint8Array(1024);

  const service: ReferenceService = {
    population,
    maxBatch,
    accountCount: registry.count,
    accountIdOf: idOf,
    accountOfId(id) {
      const account = ids.accountOf(id);
      return account >= 0 && account < registry.count() ? account : -1;
    },
    accountOfToken: registry.accountOfToken,

    register(number) {
      const e164 = typeof number === 'number' ? number : parseE164(number);
      if (!Number.isSafeInteger(e164) || e164 < 1_000_000 || e164 >= 1e15) {
        return fail(400, 'bad-request', 'number must be an E.164 number such as "+14155550100"');
      }
      const { account, token } = registry.register(e164, clock.now());
      return { ok: true, account, accountId: idOf(account), token };
    },

    discover(token, numbers) {
      const caller = registry.accountOfToken(token);
      if (caller < 0) return fail(401, 'unauthenticated', 'a valid bearer token is required');
      const parsed = parseNumbers(numbers, maxBatch);
      if (!(parsed instanceof Float64Array)) return parsed;
      const now = clock.now();
      const key = callerKey(caller);
      const call = newMark();
      const contacts: Contact[] = [];
      for (let i = 0; i < parsed.length; i++) {
        const owner = lookup(parsed[i] as number, now);
        if (owner < 0 || stamps[owner] === call) continue;
        stamps[owner] = call;
        // parseNumbers accepted only the canonical "+digits" form, so the caller's text is it.
        contacts.push(contactOf((numbers as unknown[])[i] as string, owner, revealedTo(owner, caller, key)));
      }
      return { ok: true, contacts };
    },

    discoverNumbers(caller, numbers) {
      // The simulator's fast path passes account indexes it registered itself.
      if (!(caller >= 0 && caller < registry.count()))
        throw internalError(`discoverNumbers: no account ${caller}`);
      const now = clock.now();
      const key = callerKey(caller);
      if (scratchAccounts.length < numbers.length) {
        scratchAccounts = new Int32Array(numbers.length);
        scratchRevealed = new Uint8Array(numbers.length);
      }
      let found = 0;
      let withPhoto = 0;
      let withAbout = 0;
      for (let i = 0; i < numbers.length; i++) {
        const owner = lookup(numbers[i] as number, now);
        if (owner < 0) continue;
        const shown = revealedTo(owner, caller, key);
        if (shown & VISIBLE_PHOTO) withPhoto++;
        if (shown & VISIBLE_ABOUT) withAbout++;
        scratchAccounts[found] = owner;
        scratchRevealed[found] = shown;
        found++;
      }
      return {
        looked: numbers.length,
        found,
        withPhoto,
        withAbout,
        accounts: scratchAccounts.slice(0, found),
        revealed: scratchRevealed.slice(0, found),
      };
    },

    discoverDelta(token, numbers) {
      const caller = registry.accountOfToken(token);
      if (caller < 0) return fail(401, 'unauthenticated', 'a valid bearer token is required');
      const parsed = parseNumbers(numbers, maxBatch);
      if (!(parsed instanceof Float64Array)) return parsed;
      const now = clock.now();
      const since = now - RECENT_DAYS * DAY_MS;
      const key = callerKey(caller);
      const call = newMark();
      const contacts: Contact[] = [];
      const removed: string[] = [];
      for (let i = 0; i < parsed.length; i++) {
        const owner = holderOf(parsed[i] as number);
        if (owner < 0 || stamps[owner] === call) continue;
        stamps[owner] = call;
        const joined = joinedAt(owner, now);
        // parseNumbers accepted only the canonical "+digits" form, so the caller's text is it.
        const number = (numbers as unknown[])[i] as string;
        if (Number.isNaN(joined)) {
          const left = owner < base ? (unregisteredAt[owner] as number) : Infinity;
          if (left > since && left <= now) removed.push(number);
        } else if (joined > since) {
          contacts.push(contactOf(number, owner, revealedTo(owner, caller, key)));
        }
      }
      return { ok: true, contacts, removed };
    },

    photo(token, accountId) {
      const caller = registry.accountOfToken(token);
      if (caller < 0) return fail(401, 'unauthenticated', 'a valid bearer token is required');
      const owner = service.accountOfId(accountId);
      // Hidden and missing photos answer alike, so the endpoint does not confirm accounts.
      if ((shownTo(owner, caller) & VISIBLE_PHOTO) === 0) return fail(404, 'not-found', 'no photo to show');
      return { ok: true, contentType: 'image/svg+xml', body: avatarSvg(owner, accountId) };
    },

    profile(token, accountId) {
      const caller = registry.accountOfToken(token);
      if (caller < 0) return fail(401, 'unauthenticated', 'a valid bearer token is required');
      const owner = service.accountOfId(accountId);
      // The photo's rule: a profile whose "about" the caller may not see answers as a missing
      // account does, so the route confirms nothing a discover answer would not show.
      if ((shownTo(owner, caller) & VISIBLE_ABOUT) === 0) return fail(404, 'not-found', 'no profile to show');
      return { ok: true, accountId: idOf(owner), about: population.about(owner) };
    },
  };
  return service;
}

function growStamps(stamps: Int32Array, count: number): Int32Array {
  const grown = new Int32Array(Math.max(count, stamps.length * 2, 1024));
  grown.set(stamps);
  return grown;
}

const DAY_MS = 86_400_000;

/** The numbers of a lookup request as E.164 digits, or the failure to answer. */
function parseNumbers(numbers: unknown, maxBatch: number): Float64Array | Failure {
  if (!Array.isArray(numbers))
    return fail(400, 'bad-request', 'body must be {"numbers": ["+14155550100", ...]}');
  if (numbers.length > maxBatch) {
    return fail(413, 'batch-too-large', `at most ${maxBatch} numbers per request, got ${numbers.length}`);
  }
  const parsed = new Float64Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    const item: unknown = numbers[i];
    const value = typeof item === 'string' ? parseE164(item) : NaN;
    if (Number.isNaN(value)) return fail(400, 'bad-request', `numbers[${i}] is not an E.164 number`);
    parsed[i] = value;
  }
  return parsed;
}

function fail(status: Failure['status'], code: Failure['code'], detail: string): Failure {
  return { ok: false, status, code, detail };
}
