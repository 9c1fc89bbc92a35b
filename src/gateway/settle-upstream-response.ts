import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { isEnumguardError } from '../core/errors.ts';
import { createEgressFilter, type EgressConfig, type EgressStats } from '../egress/index.ts';
import type { RecordGate } from '../egress/record-gate.ts';
import { FRAMING_HEADERS, VALIDATOR_HEADERS } from '../http/body-headers.ts';
import { headerText } from '../http/header-text.ts';
import { sendPlain } from '../http/send-plain.ts';
import { isJson } from '../pipeline/json-content-type.ts';
import { problemResponse } from '../pipeline/problem.ts';
import type { PlainResponse, ResponseOutcome, ResponsePlan } from '../pipeline/types.ts';
import { downstreamHeaders } from './headers.ts';
import type { SentResponse } from './request-report.ts';
import { classifyUpstreamError, type UpstreamResponse } from './upstream.ts';

/** The client hung up before its response: nginx's 499, for the log. */
const GONE: SentResponse = { status: 499 };

/** The upstream's response body after the egress filter, held in memory; or why not. */
export type HeldUpstreamResponse =
  | { readonly kind: 'held'; readonly chunks: readonly Uint8Array[]; readonly stats: EgressStats }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'faulty'; readonly err: unknown };

/**
 * Reads `body` through an egress filter into memory, holding at most `limit` bytes of output.
 * Past the bound, on a faulty body (ERR_UPSTREAM_BODY) or a failing stream, the body is
 * destroyed and nothing held is returned, so nothing partial can reach the client.
 */
export async function holdFiltered(
  body: Readable,
  config: EgressConfig | undefined,
  limit: number,
  gate?: RecordGate,
): Promise<HeldUpstreamResponse> {
  const chunks: Uint8Array[] = [];
  let held = 0;
  const keep = (pieces: Uint8Array[]): boolean => {
    for (const piece of pieces) {
      held += piece.byteLength;
      if (held > limit) return false;
      // A small view must not pin a large upstream chunk: the bound counts what is held.
      chunks.push(
        piece.byteLength * 2 < piece.buffer.byteLength ? Uint8Array.prototype.slice.call(piece) : piece,
      );
    }
    return true;
  };
  try {
    // Without a config the body is held as it is (a registration answer read for its token).
    const filter = config === undefined ? undefined : createEgressFilter(config, gate);
    let bytesIn = 0;
    for await (const chunk of body) {
      bytesIn += (chunk as Buffer).byteLength;
      // Leaving the loop early destroys the body (the async iterator's return()).
      if (!keep(filter === undefined ? [chunk as Buffer] : filter.write(chunk as Buffer)))
        return { kind: 'too-large' };
    }
    if (filter !== undefined && !keep(filter.end())) return { kind: 'too-large' };
    const stats = filter?.stats() ?? {
      records: 0,
      passed: 0,
      dropped: 0,
      stripped: 0,
      bytesIn,
      bytesOut: bytesIn,
    };
    return { kind: 'held', chunks, stats };
  } catch (err) {
    body.destroy();
    return { kind: 'faulty', err };
  }
}

/** What settling the upstream's response needs. */
export interface UpstreamSettleInput {
  readonly res: ServerResponse;
  readonly up: UpstreamResponse;
  readonly plan: ResponsePlan;
  readonly method: string;
  /** The admission's headers (RateLimit, RateLimit-Policy) for a released response. */
  readonly headers: Readonly<Record<string, string>>;
  readonly holdLimit: number;
  readonly logger: Logger;
}

/**
 * Honours an allowed request's ResponsePlan on the upstream's response. A 2xx JSON response on
 * a route with egress is filtered and held (see HELD_RESPONSE_MIN_BYTES) until `settle` has
 * seen its record count; any other response counts 0 records, is settled before its first
 * byte and then streamed by the caller. Returns what was sent, or undefined when the caller
 * should stream `up` as usual.
 */
export async function settleUpstreamResponse(a: UpstreamSettleInput): Promise<SentResponse | undefined> {
  const { res, up, plan, logger } = a;
  // Drop the response if the client hangs up while it is held or settled; the listener keeps
  // the abort this causes from surfacing as an unhandled 'error'.
  let gone = false;
  up.body.on('error', () => undefined);
  res.once('close', () => {
    if (res.writableFinished) return;
    gone = true;
    up.body.destroy();
  });
  const hasBody = a.method !== 'HEAD' && up.status !== 204 && up.status !== 205;
  const filtering =
    (plan.egress !== undefined || plan.readsAnswer === true) &&
    hasBody &&
    up.status >= 200 &&
    up.status < 300 &&
    isJson(up.headers['content-type']);

  if (!filtering) {
    // Streamed unheld: its size is unknown before it goes out, so no bytes are charged.
    const replacement = await settle(a, { records: 0, passed: 0 });
    if (gone || replacement !== undefined) up.body.destroy();
    if (gone) return GONE;
    return replacement === undefined ? undefined : send(res, replacement);
  }

  const encoding = headerText(up.headers['content-encoding']);
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    // Asked for identity, got something else: decoding would be a decompression bomb to bound.
    up.body.destroy();
    logger.warn({ encoding }, 'upstream sent an encoded answer on a filtered route');
    return send(
      res,
      problemResponse(
        'upstream-failed',
        `the upstream service sent an encoded answer (${encoding}) the gateway cannot filter`,
      ),
    );
  }

  const held = await holdFiltered(up.body, plan.egress, a.holdLimit, plan.gate);
  if (gone) return GONE;
  if (held.kind === 'too-large') {
    logger.warn({ limit: a.holdLimit }, 'upstream answer too large to hold for filtering');
    return send(
      res,
      problemResponse(
        'upstream-failed',
        `the upstream service's answer exceeds the ${a.holdLimit} bytes the gateway holds to filter it`,
      ),
    );
  }
  if (held.kind === 'faulty') {
    const { err } = held;
    if (isEnumguardError(err, 'ERR_UPSTREAM_BODY')) {
      logger.warn({ err }, 'upstream answer failed the egress filter');
      return send(
        res,
        problemResponse(
          'upstream-failed',
          'the upstream service sent an answer the gateway could not filter',
        ),
      );
    }
    if (isEnumguardError(err)) {
      // Not the body's fault: a bad egress configuration or a bug in the filter.
      logger.error({ err }, 'the egress filter failed');
      return send(res, problemResponse('internal-error', 'the gateway failed to filter this answer'));
    }
    const failure = classifyUpstreamError(err);
    logger.warn({ err, failure }, 'upstream answer failed while being read');
    return send(
      res,
      failure === 'timeout'
        ? problemResponse('upstream-timeout', 'the upstream service did not finish its answer in time')
        : problemResponse('upstream-failed', 'the upstream service broke off its answer'),
    );
  }

  let length = 0;
  for (const c of held.chunks) length += c.byteLength;
  // The filter's output is what is held and sent: the bytes a byte quota charges.
  const { records, passed, bytesOut } = held.stats;
  const answer = plan.readsAnswer === true ? parsedAnswer(held.chunks) : undefined;
  const replacement = await settle(a, {
    records,
    passed,
    bytes: bytesOut,
    ...(answer === undefined ? {} : { answer }),
  });
  if (gone) return GONE;
  if (replacement !== undefined) return send(res, replacement);
  const headers: OutgoingHttpHeaders = {
    ...downstreamHeaders(up.headers),
    ...a.headers,
    ...plan.headers?.(),
  };
  for (const name of FRAMING_HEADERS) delete headers[name];
  // The filter only removes bytes: as many out as in means the body is unchanged.
  if (bytesOut !== held.stats.bytesIn) for (const name of VALIDATOR_HEADERS) delete headers[name];
  headers['content-length'] = length;
  res.writeHead(up.status, headers);
  for (const c of held.chunks) res.write(c);
  res.end();
  return { status: up.status };
}

/** The held answer's JSON value, or undefined when it is not JSON. */
function parsedAnswer(chunks: readonly Uint8Array[]): unknown {
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Calls the plan's settle once. If it throws, the response is withheld (releasing it would skip
 * the record quota and the detectors): a failing store is a 503 store-unavailable, as at
 * admission; anything else is a 500.
 */
async function settle(
  a: UpstreamSettleInput,
  counts: Omit<ResponseOutcome, 'status'>,
): Promise<PlainResponse | undefined> {
  try {
    return await a.plan.settle({ status: a.up.status, ...counts });
  } catch (err) {
    a.logger.error(
      { err, status: a.up.status, records: counts.records },
      'settling the answer failed; withheld',
    );
    return isEnumguardError(err, 'ERR_STORE_UNAVAILABLE')
      ? problemResponse(
          'store-unavailable',
          'the answer could not be checked against its limits; retry later',
        )
      : problemResponse('internal-error', 'the gateway failed to check this answer');
  }
}

function send(res: ServerResponse, replacement: PlainResponse): SentResponse {
  sendPlain(res, replacement);
  return { status: replacement.status, problem: replacement.problem };
}
