import type { Agent, AgentContext, AgentResponse } from '../agent.ts';
import { retryDelayMs } from './retry.ts';

/** Which candidate numbers a scanner asks about next; an empty list means the scan is done. */
export type TargetSource = (ctx: AgentContext, count: number) => string[];

export interface ScannerOptions {
  readonly id: string;
  /** The scanner's own SIM numbers: it registers one account per number (Sybil when many). */
  readonly accounts: readonly string[];
  /** The address each account's requests come from, chosen per request. */
  readonly clientIp: (ctx: AgentContext, account: number) => string;
  /** Numbers looked up per second by each account. */
  readonly numbersPerSecond: number;
  readonly batchSize: number;
  readonly targets: TargetSource;
  /** When the scan starts, virtual ms. */
  readonly startAt: number;
  /**
   * Spread of each pause around its mean, as a share (0.5: from half to one and a half
   * intervals), so the traffic shows no fixed period a detector could lock on to. Default 0.
   */
  readonly jitter?: number;
}

const TAG_REGISTER_BASE = 1_000_000;

/**
 * An enumerating client: registers its accounts, then asks about `batchSize` numbers at a
 * time at `numbersPerSecond` per account, round the clock. Refused, it waits what
 * Retry-After says (hammering only gets it blocked sooner) and carries on.
 */
export function scanner(options: ScannerOptions): Agent {
  const tokens: (string | undefined)[] = options.accounts.map(() => undefined);
  const intervalMs = (options.batchSize / options.numbersPerSecond) * 1000;
  const jitter = options.jitter ?? 0;
  const pause = (ctx: AgentContext): number =>
    jitter === 0 ? intervalMs : intervalMs * (1 + jitter * (2 * ctx.rng.next() - 1));

  function register(ctx: AgentContext, account: number): void {
    ctx.send(
      {
        method: 'POST',
        path: '/v1/accounts',
        headers: { 'content-type': 'application/json' },
        body: { number: options.accounts[account] },
        clientIp: options.clientIp(ctx, account),
      },
      TAG_REGISTER_BASE + account,
    );
  }

  // A refused batch is asked again before new numbers, so a refusal loses no coverage.
  const retry: (string[] | undefined)[] = options.accounts.map(() => undefined);
  const inFlight: (string[] | undefined)[] = options.accounts.map(() => undefined);

  function lookup(ctx: AgentContext, account: number): void {
    const numbers = retry[account] ?? options.targets(ctx, options.batchSize);
    retry[account] = undefined;
    if (numbers.length === 0) return; // the whole space has been asked about: done
    inFlight[account] = numbers;
    ctx.send(
      {
        method: 'POST',
        path: '/v1/contacts/discover',
        headers: { authorization: `Bearer ${tokens[account] ?? ''}`, 'content-type': 'application/json' },
        body: { numbers },
        clientIp: options.clientIp(ctx, account),
      },
      account,
    );
  }

  return {
    id: options.id,
    role: 'attacker',
    start(ctx) {
      // Stagger the accounts across one interval so the swarm's load is smooth.
      options.accounts.forEach((_, account) =>
        ctx.wakeAt(
          options.startAt + (account / options.accounts.length) * intervalMs,
          TAG_REGISTER_BASE + account,
        ),
      );
    },
    onWake(tag, ctx) {
      if (tag >= TAG_REGISTER_BASE) register(ctx, tag - TAG_REGISTER_BASE);
      else lookup(ctx, tag);
    },
    onResponse(response: AgentResponse, tag, ctx) {
      if (tag >= TAG_REGISTER_BASE) {
        const account = tag - TAG_REGISTER_BASE;
        const token = (response.body as { token?: unknown } | undefined)?.token;
        if (response.status < 300 && typeof token === 'string') {
          tokens[account] = token;
          ctx.wakeAt(ctx.now(), account);
        } else {
          ctx.wakeAt(ctx.now() + retryDelayMs(response, 600_000), tag);
        }
        return;
      }
      const account = tag;
      if (response.status !== 200) retry[account] = inFlight[account];
      if (response.status === 401) {
        // Signed out (or never signed in): register again.
        ctx.wakeAt(ctx.now() + 60_000, TAG_REGISTER_BASE + account);
        return;
      }
      const wait = response.status < 300 ? pause(ctx) : Math.max(intervalMs, retryDelayMs(response, 60_000));
      ctx.wakeAt(ctx.now() + wait, account);
    },
  };
}
