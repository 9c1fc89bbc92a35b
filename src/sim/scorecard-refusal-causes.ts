import type { AgentResponse } from './agent.ts';

/**
 * Which defense refused a legit user, read from what the answer says: the
 * `X-Enumguard-Problem` header (or the problem body's `code`), the body's `policy` member (the
 * limit's id, on routes with rate-limit headers on), its detail, and `layer` / `detector`
 * members where the pipeline names them. A risk refusal whose answer names neither is matched,
 * in process, to the detector findings against the user's own identity at the end of the run;
 * without one, the cause is the user's network or cohort, which the answer cannot tell apart.
 */
export interface RefusalCauses {
  /** Notes one refusal of a legit user; `riskKey` is its risk identity when known. */
  onRefusal(user: string, riskKey: string | undefined, response: AgentResponse, at: number): void;
  /** Refusals and distinct users by cause, given the enforced findings per risk identity. */
  result(findings: ReadonlyMap<string, readonly EnforcedFinding[]>): {
    readonly refusalsByCause: Record<string, number>;
    readonly usersByCause: Record<string, number>;
  };
}

/** An enforced finding that refused its identity (challenge or block), in time order. */
export interface EnforcedFinding {
  readonly at: number;
  readonly detector: string;
}

interface Problem {
  readonly code?: unknown;
  readonly policy?: unknown;
  readonly detail?: unknown;
  readonly layer?: unknown;
  readonly detector?: unknown;
}

const LIMIT_DETAIL = /^limit (\S+) allows /;
const EGRESS_DETAIL = /^too many (records|bytes) for this caller/;
const FAILED_AUTH_DETAIL = /^too many failed authentications/;
/** Risk refusals kept for attribution at the end; past this, they count as unattributed. */
const MAX_PENDING_RISK = 100_000;

/** The cause an answer itself names, or undefined for a risk refusal it does not explain. */
export function causeInAnswer(response: AgentResponse): string | undefined {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Problem;
  const header = response.headers['x-enumguard-problem'];
  const code = header ?? (typeof body.code === 'string' ? body.code : undefined);
  const detail = typeof body.detail === 'string' ? body.detail : '';
  if (code === 'blocked' || code === 'abnormal-usage-detected') {
    const level = code === 'blocked' ? 'block' : 'challenge';
    if (typeof body.layer !== 'string') return undefined;
    const by = typeof body.detector === 'string' ? ` (${body.detector})` : '';
    return `risk ${level}: ${body.layer}${by}`;
  }
  if (code === 'quota-exceeded') {
    if (typeof body.policy === 'string') return `limit ${body.policy}`;
    const limit = LIMIT_DETAIL.exec(detail)?.[1];
    if (limit !== undefined) return `limit ${limit}`;
    const egress = EGRESS_DETAIL.exec(detail)?.[1];
    if (egress !== undefined) return `egress quota (${egress})`;
    if (FAILED_AUTH_DETAIL.test(detail)) return 'failed-authentication throttle';
    return 'quota (limit not named in the answer)';
  }
  if (code !== undefined) return `${code} (${response.status})`;
  return `${response.status} without a problem code`;
}

export function createRefusalCauses(): RefusalCauses {
  const refusals: Record<string, number> = {};
  const users = new Map<string, Set<string>>();
  const pendingRisk: { user: string; key: string | undefined; at: number; level: string }[] = [];
  const note = (cause: string, user: string): void => {
    refusals[cause] = (refusals[cause] ?? 0) + 1;
    let who = users.get(cause);
    if (!who) users.set(cause, (who = new Set()));
    who.add(user);
  };
  return {
    onRefusal(user, riskKey, response, at) {
      const cause = causeInAnswer(response);
      if (cause !== undefined) return note(cause, user);
      const level = response.status === 403 ? 'block' : 'challenge';
      if (pendingRisk.length < MAX_PENDING_RISK) pendingRisk.push({ user, key: riskKey, at, level });
      else note(`risk ${level}: not attributed (over ${MAX_PENDING_RISK} risk refusals)`, user);
    },
    result(findings) {
      // Risk refusals are attributed into copies: result() may be read more than once.
      const byCause = { ...refusals };
      const who = new Map([...users].map(([cause, set]) => [cause, new Set(set)]));
      for (const r of pendingRisk) {
        const own = r.key === undefined ? undefined : findings.get(r.key);
        const last = own?.filter((f) => f.at <= r.at).at(-1);
        const cause = last
          ? `risk ${r.level}: identity (${last.detector})`
          : `risk ${r.level}: network or cohort (layer not in the answer)`;
        byCause[cause] = (byCause[cause] ?? 0) + 1;
        if (!who.has(cause)) who.set(cause, new Set());
        who.get(cause)?.add(r.user);
      }
      const usersByCause: Record<string, number> = {};
      for (const [cause, set] of who) usersByCause[cause] = set.size;
      return { refusalsByCause: byCause, usersByCause };
    },
  };
}
