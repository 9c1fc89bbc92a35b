import { isEnumguardError } from '../core/errors.ts';
import { heldResponseLimit } from '../http/held-response-limit.ts';
import { headerText } from '../http/header-text.ts';
import { isJson } from '../pipeline/json-content-type.ts';
import type { Pipeline, PipelineLogger } from '../pipeline/pipeline.ts';
import { problemResponse } from '../pipeline/problem.ts';
import type { PlainResponse, ResponsePlan } from '../pipeline/types.ts';

/**
 * What the adapters share to honour an Admission's ResponsePlan: the app's response as a
 * PlainResponse, Pipeline.respond run once to settle it with its failures turned into a
 * withheld response, and the bound on a held response (the gateway's: max(server.bodyLimit, 8 MiB)).
 */

/** How the plan settled the app's response. */
export type Settlement =
  /**
   * Send the app's response: as it was (`same`), or `response`, its filtered copy; either way
   * with the `added` headers (the plan's, such as enumguard-deferred).
   */
  | {
      readonly released: true;
      readonly same: boolean;
      readonly response: PlainResponse;
      readonly added: Readonly<Record<string, string>>;
    }
  /** Send `response` (a refusal or a problem) instead: the app's response is withheld. */
  | { readonly released: false; readonly response: PlainResponse };

/** How many bytes of the app's response an adapter holds at most to filter it. */
export function heldResponseLimitOf(pipeline: Pipeline): number {
  return heldResponseLimit(pipeline.policy().server.bodyLimitBytes);
}

/** True when the plan filters this response, so its body must be read as JSON. */
export function planFilters(plan: ResponsePlan, status: number, contentType: string | undefined): boolean {
  return (
    (plan.egress !== undefined || plan.readsAnswer === true) &&
    status >= 200 &&
    status < 300 &&
    isJson(contentType)
  );
}

/** A response held as a JSON value; `body` is encoded only if something reads it. */
export function jsonResponse(status: number, contentType: string | undefined, json: unknown): PlainResponse {
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
 * A response held as text or bytes. Decoded only if read (respond parses it on filtered
 * routes only), so a non-JSON response is settled with 0 records and never decoded.
 */
export function bytesResponse(
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

/** What replaces the app's response when it is larger than the adapter holds to filter it. */
export function tooLargeToHold(limit: number): PlainResponse {
  return problemResponse(
    'upstream-failed',
    `the app's answer exceeds the ${limit} bytes enumguard holds to filter it`,
  );
}

/** What replaces a compressed response on a filtered route (mount compression before enumguard). */
export function cannotFilterEncoded(encoding: string): PlainResponse {
  return problemResponse(
    'upstream-failed',
    `the app sent an encoded answer (${encoding}) that enumguard cannot filter`,
  );
}

/**
 * Settles the app's response: runs pipeline.respond on it once. If that fails the response is
 * withheld, as in the gateway: releasing it would skip the detectors and the record quota. A
 * failing store is a 503 store-unavailable, anything else a 500.
 */
export async function settleResponse(
  pipeline: Pipeline,
  plan: ResponsePlan,
  response: PlainResponse,
  logger: PipelineLogger | undefined,
): Promise<Settlement> {
  let out: PlainResponse;
  try {
    out = await pipeline.respond(plan, response);
  } catch (err) {
    logger?.error({ err, status: response.status }, 'settling the answer failed; withheld');
    const replacement = isEnumguardError(err, 'ERR_STORE_UNAVAILABLE')
      ? problemResponse(
          'store-unavailable',
          'the answer could not be checked against its limits; retry later',
        )
      : problemResponse('internal-error', 'enumguard failed to check this answer');
    return { released: false, response: replacement };
  }
  const added = plan.headers?.() ?? {};
  if (out === response) return { released: true, same: true, response: out, added };
  // respond returns the app's response itself, its filtered copy (which holds the filtered
  // JSON value), or a response of its own (a refusal or a problem, which hold none).
  if (out.json !== undefined && out.status === response.status)
    return { released: true, same: false, response: out, added };
  return { released: false, response: out };
}

/** A content-encoding other than identity, if any: such a response cannot be filtered. */
export function encodingOf(value: number | string | readonly string[] | undefined): string | undefined {
  const text = headerText(value)?.trim();
  return text === undefined || text === '' || text.toLowerCase() === 'identity' ? undefined : text;
}
