import type { EgressStats } from '../egress/egress-filter.ts';
import { filterValue } from '../egress/egress-value.ts';
import { isJson } from './json-content-type.ts';
import { problemResponse } from './problem.ts';
import type { PlainResponse, ResponseOutcome, ResponsePlan } from './types.ts';

/** heldValue's answer for a body that claims JSON and is not. */
const MALFORMED: unique symbol = Symbol('malformed JSON');

/**
 * Pipeline.respond: an allowed request's answer, held as a JSON value (`json`, else `body`
 * parsed), through the plan's egress filter and settle; returns what to send.
 */
export async function respond(plan: ResponsePlan, res: PlainResponse): Promise<PlainResponse> {
  // Only a successful answer is filtered; any other passes through, but is still settled.
  const ok = res.status >= 200 && res.status < 300;
  const egress = ok ? plan.egress : undefined;
  const reads = ok && plan.readsAnswer === true;
  const value = egress === undefined && !reads ? res.json : heldValue(res);
  if (value === MALFORMED) return problemResponse('upstream-failed', 'the upstream answered malformed JSON');
  const filtered = egress === undefined ? undefined : filterValue(value, egress, plan.gate);
  const text =
    plan.measureBytes === true && filtered !== undefined ? sentText(res, value, filtered.value) : undefined;
  const outcome = outcomeOf(res.status, filtered?.stats, text);
  const replacement = await plan.settle(reads ? { ...outcome, answer: value } : outcome);
  if (replacement !== undefined) return replacement;
  if (filtered === undefined || filtered.value === value) return res;
  return filteredResponse(res, filtered.value, text);
}

/** The answer's JSON value: `json` when the producer has it, else a JSON body parsed. */
function heldValue(res: PlainResponse): unknown {
  if (res.json !== undefined || !isJson(res.headers['content-type'])) return res.json;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return MALFORMED;
  }
}

/**
 * The text the client would receive, measured only for a byte quota. An unchanged answer is
 * its own body (a lazy body encodes once and keeps it); a filtered one is encoded here, and
 * that text becomes its body.
 */
function sentText(res: PlainResponse, value: unknown, filtered: unknown): string | undefined {
  if (value === undefined) return undefined;
  return filtered === value ? res.body : JSON.stringify(filtered);
}

function outcomeOf(
  status: number,
  stats: EgressStats | undefined,
  text: string | undefined,
): ResponseOutcome {
  return {
    status,
    records: stats?.records ?? 0,
    passed: stats?.passed ?? 0,
    ...(text !== undefined ? { bytes: Buffer.byteLength(text) } : {}),
  };
}

function filteredResponse(res: PlainResponse, json: unknown, text: string | undefined): PlainResponse {
  let body = text;
  return {
    status: res.status,
    headers: res.headers,
    json,
    // Serialized only when asked: the simulator and the adapters read `json`.
    get body() {
      return (body ??= JSON.stringify(json));
    },
  };
}
