import type { Decision } from '../core/decision.ts';
import type { CompiledRoute } from '../policy/types.ts';
import type { Identity } from '../identity/types.ts';
import type { EgressConfig } from '../egress/config.ts';
import type { RecordGate } from '../egress/record-gate.ts';
import type { ProblemCode } from './problem-codes.ts';

/** Request headers as Node gives them: lower-case names, repeated headers as arrays. */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/**
 * A transport-free request: what the gateway, every adapter and the simulator hand to the
 * pipeline. No sockets, no streams.
 */
export interface PlainRequest {
  readonly method: string;
  /** Origin-form target: path plus optional query, e.g. "/v1/contacts/discover?x=1". */
  readonly url: string;
  readonly headers: HeaderMap;
  /** The socket peer's address, as the transport reports it. */
  readonly remoteAddress: string;
  /** The parsed JSON body, when the route needs it (see CompiledRoute.needsBody). */
  readonly body?: unknown;
  /**
   * The body's text as received, when the transport has it (the gateway, the node adapter):
   * lets the pipeline refuse duplicate keys on a priced route, which the parsed value hides.
   */
  readonly rawBody?: string | undefined;
}

/** A transport-free response, for denials and for the simulator's upstream. */
export interface PlainResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * The JSON value `body` encodes, when the producer has it. In-process consumers (the
   * simulator) read it and skip a stringify/parse round trip; `body` stays the wire truth.
   */
  readonly json?: unknown;
  /** Set on a problem+json response the pipeline or a transport made: its `code` (metrics count by it). */
  readonly problem?: ProblemCode;
}

/** Who is asking, as far as the pipeline could tell. */
export interface Caller {
  /** Canonical client address after trusted-proxy processing, IPv4-mapped addresses unwrapped. */
  readonly ip: string;
  readonly identity: Identity | undefined;
  /**
   * The account behind the session, as a key value (policy `accounts`): "acct:<fingerprint>",
   * or "session:<fingerprint>" while the session is bound to no account. Undefined without
   * an accounts section.
   */
  readonly account?: string | undefined;
}

/**
 * What a transport tells the response plan's `settle` about the upstream's (or the app's)
 * response to an allowed request.
 */
export interface ResponseOutcome {
  readonly status: number;
  /** Records in the response at the route's egress pointer (hits), passed or not: the hit ratio's count. */
  readonly records: number;
  /** Records the filter let through (after maxRecords, maxBytes): what per-identity record quotas charge. Default `records`. */
  readonly passed?: number;
  /**
   * Bytes of the body the client would receive (the filtered response): what per-identity byte
   * quotas charge. Undefined when unmeasured (a response streamed unheld, or a plan without
   * `measureBytes` on the value path): nothing is charged.
   */
  readonly bytes?: number;
  /** The answer's parsed JSON, given only when the plan `readsAnswer` (a registration's token). */
  readonly answer?: unknown;
}

/**
 * What the pipeline does with an allowed request's response: filter it (egress) and score it
 * (detectors), then release it or refuse it. The gateway runs `egress` as a streaming filter
 * (src/egress) and calls `settle` once the body is complete, before a byte goes out; the
 * simulator and the adapters, which hold the response as a value, use Pipeline.respond.
 */
export interface ResponsePlan {
  /** The filter for this response (strip chosen by the caller's trust); undefined: count nothing, change nothing. */
  readonly egress: EgressConfig | undefined;
  /**
   * Set when settle charges the response's bytes (egress.perIdentityBytes): Pipeline.respond
   * then serializes the filtered response to measure it. Without it, routes pay no serialization.
   */
  readonly measureBytes?: boolean;
  /**
   * Decides on each record the egress filter would pass (mutual-first reveals); the egress
   * config is set whenever a gate is.
   */
  readonly gate?: RecordGate;
  /** Set when settle needs the 2xx answer's JSON value (`ResponseOutcome.answer`). */
  readonly readsAnswer?: boolean;
  /** Headers to add to the released response, read after settle (e.g. enumguard-deferred). */
  headers?(): Readonly<Record<string, string>>;
  /**
   * Called once per response: settles it. Undefined releases the (filtered) response; a
   * PlainResponse replaces it, withholding the response: a 429 `abnormal-usage-detected` or
   * 403 `blocked` when this response's signals crossed a threshold, a 429 when it would pass
   * the route's per-identity record or byte quota.
   */
  settle(outcome: ResponseOutcome): PlainResponse | undefined | Promise<PlainResponse | undefined>;
}

/** The pipeline's verdict on a request, before anything is forwarded. */
export type Admission =
  | {
      readonly allowed: true;
      readonly route: CompiledRoute | undefined;
      readonly caller: Caller;
      readonly decision: Decision;
      /** Headers to add to the upstream's response (RateLimit, RateLimit-Policy). */
      readonly headers: Readonly<Record<string, string>>;
      /** Set when the route filters or scores its responses; the transport must honour it. */
      readonly plan?: ResponsePlan;
    }
  | {
      readonly allowed: false;
      readonly route: CompiledRoute | undefined;
      readonly caller: Caller | undefined;
      readonly decision: Decision;
      /** The complete problem+json response to send instead of forwarding. */
      readonly response: PlainResponse;
    };
