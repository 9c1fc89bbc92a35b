import { isEnumguardError } from '../core/errors.ts';
import { heldAnswerLimit, isJson } from '../pipeline/answer-hold.ts';
import type { Pipeline, PipelineLogger } from '../pipeline/pipeline.ts';
import { problemResponse } from '../pipeline/problem.ts';
import type { PlainResponse, ResponsePlan } from '../pipeline/types.ts';
import type { GuardOptions } from './guard.ts';

export { isJson } from '../pipeline/answer-hold.ts';

/**
 * What the adapters share to honour an Admission's ResponsePlan: the app's answer as a
 * PlainResponse, Pipeline.respond run once with its failures turned into a withheld answer,
 * and the bound on a held answer (the gateway's: max(server.bodyLimit, 8 MiB)).
 */

/** The pipeline's verdict on the app's answer. */
export type Settled =
  /** Send the app's answer: as it was (`same`), or `response`, its filtered copy. */
  | { readonly released: true; readonly same: boolean; readonly response: PlainResponse }
  /** Send `response` (a refusal or a problem) instead: the app's answer must not reach the client. */
  | { readonly released: false; readonly response: PlainResponse };

/** Headers describing the app's bytes, wrong once the filter changed them (see the gateway's). */
export const BODY_HEADERS = [
  'content-length',
  'transfer-encoding',
  'etag',
  'content-md5',
  'digest',
  'content-digest',
  'repr-digest',
] as const;

export function loggerOf(options: GuardOptions): PipelineLogger | undefined {
  return 'logger' in options ? options.logger : undefined;
}

/** How many bytes of answer an adapter holds at most to filter it. */
export function holdLimit(pipeline: Pipeline): number {
  return heldAnswerLimit(pipeline.policy().server.bodyLimitBytes);
}

/** True when the plan filters this answer, so its body must be read as JSON. */
export function filters(plan: ResponsePlan, status: number, contentType: string | undefined): boolean {
  return plan.egress !== undefined && status >= 200 && status < 300 && isJson(contentType);
}

/** An answer held as a JSON value; `body` is encoded only if something reads it. */
export function jsonAnswer(status: number, contentType: string | undefined, json: unknown): PlainResponse {
  let body: string | undefined;
  return {
    status,
    headers: { 'content-type': contentType ?? 'application/json' },
    json,
    get body() {
      return (body ??= JSON.stringify(json) ?? '');
    },
  };
}

/**
 * An answer held as text or bytes. Decoded only if read (respond parses it on filtered
 * routes only), so a non-JSON answer is settled with 0 records and never decoded.
 */
export function bytesAnswer(
  status: number,
  contentType: string | undefined,
  bytes: string | Uint8Array | undefined,
): PlainResponse {
  let body: string | undefined = typeof bytes === 'string' ? bytes : undefined;
  return {
    status,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    get body() {
      return (body ??= bytes === undefined ? '' : Buffer.from(bytes as Uint8Array).toString('utf8'));
    },
  };
}

/** The answer when the app's answer is larger than the adapter holds to filter it. */
export function tooLarge(limit: number): PlainResponse {
  return problemResponse(
    'upstream-failed',
    `the app's answer exceeds the ${limit} bytes enumguard holds to filter it`,
  );
}

/** The answer when the app's answer on a filtered route is compressed (mount compression before enumguard). */
export function encoded(encoding: string): PlainResponse {
  return problemResponse(
    'upstream-failed',
    `the app sent an encoded answer (${encoding}) that enumguard cannot filter`,
  );
}

/**
 * Runs pipeline.respond once on the app's answer. If it fails the answer is withheld, as in
 * the gateway: releasing it would skip the detectors and the record quota. A failing store
 * is a 503 store-unavailable, anything else a 500.
 */
export async function settleAnswer(
  pipeline: Pipeline,
  plan: ResponsePlan,
  answer: PlainResponse,
  logger: PipelineLogger | undefined,
): Promise<Settled> {
  let out: PlainResponse;
  try {
    out = await pipeline.respond(plan, answer);
  } catch (err) {
    logger?.error({ err, status: answer.status }, 'settling the answer failed; withheld');
    const response = isEnumguardError(err, 'ERR_STORE_UNAVAILABLE')
      ? problemResponse(
          'store-unavailable',
          'the answer could not be checked against its limits; retry later',
        )
      : problemResponse('internal-error', 'enumguard failed to check this answer');
    return { released: false, response };
  }
  if (out === answer) return { released: true, same: true, response: out };
  // respond returns the app's answer itself, its filtered copy (which holds the filtered JSON
  // value), or an answer of its own (a refusal or a problem, which hold none).
  if (out.json !== undefined && out.status === answer.status)
    return { released: true, same: false, response: out };
  return { released: false, response: out };
}

/** One value of a Node header, as a string. */
export function headerText(value: number | string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** A content-encoding other than identity, if any: such an answer cannot be filtered. */
export function encodingOf(value: number | string | readonly string[] | undefined): string | undefined {
  const text = headerText(value)?.trim();
  return text === undefined || text === '' || text.toLowerCase() === 'identity' ? undefined : text;
}
