import type { Decision } from '../core/decision.ts';
import type { CompiledRoute } from '../policy/types.ts';
import type { Identity } from '../identity/types.ts';

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
}

/** Who is asking, as far as the pipeline could tell. */
export interface Caller {
  /** Canonical client address after trusted-proxy processing, IPv4-mapped addresses unwrapped. */
  readonly ip: string;
  readonly identity: Identity | undefined;
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
    }
  | {
      readonly allowed: false;
      readonly route: CompiledRoute | undefined;
      readonly caller: Caller | undefined;
      readonly decision: Decision;
      /** The complete problem+json answer to send instead of forwarding. */
      readonly response: PlainResponse;
    };
