import type { AgentRequest, AgentResponse } from './agent.ts';

/**
 * What attackers took, through every route that returns data about an account: lookups
 * (discover and delta answers), the photo route and the profile route. Accounts are kept as
 * dense indexes with one flag word each, not as sets of objects, so a million revealed
 * accounts cost a few megabytes.
 */
export const HARVEST_ROUTES = ['discover', 'delta', 'photo', 'profile'] as const;
export type HarvestRoute = (typeof HARVEST_ROUTES)[number];

export interface RouteHarvest {
  /** Distinct accounts this route confirmed (found in an answer, or a 200 for the account). */
  readonly accounts: number;
  readonly withPhoto: number;
  readonly withAbout: number;
}

export interface Harvest {
  readonly accountsRevealed: number;
  readonly withPhoto: number;
  readonly withAbout: number;
  /** Which route leaked what (an account may leak through several). */
  readonly byRoute: Readonly<Record<HarvestRoute, RouteHarvest>>;
  /** Distinct numbers the attackers registered accounts with, successfully or not. */
  readonly attackerAccounts: number;
  /** Numbers looked up by attackers, repeats included. */
  readonly numbersLookedUp: number;
  /**
   * Distinct candidate numbers the attackers looked up, when the candidate space is known;
   * estimated from a sample of it when the options ask for one.
   */
  readonly distinctNumbersLookedUp: number | null;
}

export interface HarvestTracker {
  /** Scores one attacker exchange; returns how many accounts it revealed for the first time. */
  onAttackerExchange(request: AgentRequest, response: AgentResponse, at: number): number;
  readonly revealed: () => number;
  /** When each account was first revealed, in order (virtual ms). */
  readonly harvestTimes: readonly number[];
  result(): Harvest;
}

export interface HarvestOptions {
  /** The candidate index of a number text, or -1: lets the tracker count distinct numbers asked. */
  readonly candidateIndexOf?: (number: string) => number;
  readonly candidateCount?: number;
  /**
   * Count only numbers ending in "00" and scale by 100: exact for numbers handed out in blocks
   * of 10^4 (the population's), and ~100 times cheaper than resolving every number asked.
   */
  readonly sampleHundredth?: boolean;
}

const REVEALED = 0;
const PHOTO = 4;
const ABOUT = 8;
const ANY_REVEALED = 0xf;
const ANY_PHOTO = 0xf0;
const ANY_ABOUT = 0xf00;
const ACCOUNT_ROUTE = /^\/v1\/accounts\/([^/?]+)\/(photo|profile)(?:\?|$)/;

/** The harvest route of a request path, or undefined for registration and anything else. */
export function harvestRouteOf(path: string): HarvestRoute | undefined {
  if (path.startsWith('/v1/contacts/discover/delta')) return 'delta';
  if (path.startsWith('/v1/contacts/discover')) return 'discover';
  const m = ACCOUNT_ROUTE.exec(path);
  return m ? (m[2] as HarvestRoute) : undefined;
}

interface AnsweredContact {
  readonly accountId?: unknown;
  readonly photo?: unknown;
  readonly about?: unknown;
}

export function createHarvestTracker(options: HarvestOptions = {}): HarvestTracker {
  const index = new Map<string, number>();
  let flags = new Uint16Array(1024);
  let revealed = 0;
  const harvestTimes: number[] = [];
  const registered = new Set<string>();
  let numbersLookedUp = 0;
  const { candidateIndexOf, candidateCount } = options;
  const asked =
    candidateIndexOf && candidateCount !== undefined
      ? new Uint8Array(Math.ceil(candidateCount / 8))
      : undefined;
  let distinct = 0;

  /** Marks what `route` showed of account `id`; counts a first reveal. */
  const mark = (id: string, route: number, photo: boolean, about: boolean, at: number): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = index.size;
      index.set(id, i);
      if (i >= flags.length) {
        const grown = new Uint16Array(flags.length * 2);
        grown.set(flags);
        flags = grown;
      }
    }
    const before = flags[i] as number;
    let after = before | (1 << (REVEALED + route));
    if (photo) after |= 1 << (PHOTO + route);
    if (about) after |= 1 << (ABOUT + route);
    flags[i] = after;
    if ((before & ANY_REVEALED) !== 0) return 0;
    revealed++;
    harvestTimes.push(at);
    return 1;
  };

  const sampled = options.sampleHundredth === true;
  const countAsked = (numbers: readonly unknown[]): void => {
    numbersLookedUp += numbers.length;
    if (!asked || !candidateIndexOf) return;
    for (const n of numbers) {
      if (typeof n !== 'string' || (sampled && !endsIn00(n))) continue;
      const c = candidateIndexOf(n);
      if (c < 0) continue;
      const bit = 1 << (c & 7);
      const byte = asked[c >>> 3] as number;
      if ((byte & bit) === 0) {
        asked[c >>> 3] = byte | bit;
        distinct++;
      }
    }
  };

  return {
    onAttackerExchange(request, response, at) {
      if (request.path === '/v1/accounts' && request.method === 'POST') {
        const number = (request.body as { number?: unknown } | undefined)?.number;
        if (typeof number === 'string') registered.add(number);
        return 0;
      }
      const route = harvestRouteOf(request.path);
      if (route === undefined || response.status !== 200) return 0;
      const r = HARVEST_ROUTES.indexOf(route);
      if (route === 'discover' || route === 'delta') {
        countAsked((request.body as { numbers?: unknown[] } | undefined)?.numbers ?? []);
        const contacts = (response.body as { contacts?: AnsweredContact[] } | undefined)?.contacts ?? [];
        let fresh = 0;
        for (const c of contacts) {
          if (typeof c.accountId !== 'string') continue;
          fresh += mark(c.accountId, r, c.photo !== undefined, c.about !== undefined, at);
        }
        return fresh;
      }
      if (route === 'photo') return mark(accountIdOfPath(request.path), r, true, false, at);
      const body = response.body as { accountId?: unknown; about?: unknown } | undefined;
      const id = typeof body?.accountId === 'string' ? body.accountId : accountIdOfPath(request.path);
      return mark(id, r, false, body?.about !== undefined, at);
    },
    revealed: () => revealed,
    harvestTimes,
    result() {
      const routes = HARVEST_ROUTES.map(() => ({ accounts: 0, withPhoto: 0, withAbout: 0 }));
      let withPhoto = 0;
      let withAbout = 0;
      for (let i = 0; i < index.size; i++) {
        const f = flags[i] as number;
        if (f & ANY_PHOTO) withPhoto++;
        if (f & ANY_ABOUT) withAbout++;
        routes.forEach((route, r) => {
          if (f & (1 << (REVEALED + r))) route.accounts++;
          if (f & (1 << (PHOTO + r))) route.withPhoto++;
          if (f & (1 << (ABOUT + r))) route.withAbout++;
        });
      }
      return {
        accountsRevealed: revealed,
        withPhoto,
        withAbout,
        byRoute: Object.fromEntries(HARVEST_ROUTES.map((name, r) => [name, routes[r]])) as Record<
          HarvestRoute,
          RouteHarvest
        >,
        attackerAccounts: registered.size,
        numbersLookedUp,
        distinctNumbersLookedUp: asked ? distinct * (sampled ? 100 : 1) : null,
      };
    },
  };
}

function endsIn00(n: string): boolean {
  return n.charCodeAt(n.length - 1) === 48 && n.charCodeAt(n.length - 2) === 48;
}

function accountIdOfPath(path: string): string {
  const segment = ACCOUNT_ROUTE.exec(path)?.[1] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
