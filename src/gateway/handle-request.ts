import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Admission, PlainResponse } from '../pipeline/types.ts';
import { reportOf } from './request-report.ts';
import { bodyTooLarge, readJsonBody } from '../http/request-body.ts';
import { forward } from './forward.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { sendPlain } from '../http/send-plain.ts';
import { awaitingContinue, sendContinue } from '../http/expect-continue.ts';
import { drainLimit, refuseUnreadBody } from '../http/refuse-body.ts';

/** A request's body as admit sees it: parsed when its route prices by it, else unread. */
interface Received {
  /** Forwarded as they are: the duplicate-key check makes them read as `value` reads. */
  readonly bytes: Buffer | undefined;
  readonly value: unknown;
  readonly text: string | undefined;
}

const UNREAD: Received = Object.freeze({ bytes: undefined, value: undefined, text: undefined });

/** One request through the gateway: body (where priced) → pipeline.admit → upstream → client. */
export async function handleRequest(
  g: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const path = pathOf(url);
  const peer = req.socket.remoteAddress ?? '';
  const receiving = receive(g, req, res, method, path);
  const body = receiving instanceof Promise ? await receiving : receiving;
  if (body === undefined) return;
  const verdict = await g.pipeline.admit({
    method,
    url,
    headers: req.headers,
    remoteAddress: peer,
    body: body.value,
    rawBody: body.text,
  });
  if (!verdict.allowed) {
    answerDenied(g, req, res, verdict.response, body.bytes === undefined);
    logDecision(g.logger, verdict, method, path, verdict.response.status, started);
    const { route, decision, response, caller } = verdict;
    const report = {
      route: route?.id,
      outcome: 'denied',
      reason: decision.reason,
      status: response.status,
    } as const;
    g.onReport?.(caller === undefined ? report : { ...report, caller });
    return;
  }
  const sent = await forward(g, req, res, verdict, url, peer, body.bytes);
  logDecision(g.logger, verdict, method, path, sent.status, started);
  g.onReport?.(reportOf(verdict.route?.id, sent, verdict.caller));
}

/**
 * The request's body for admit, read and parsed only on a route that needs it (a promise
 * then; every other request goes on without waiting). Undefined when the body was refused,
 * answered here, or the client went away.
 */
function receive(
  g: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
): Received | undefined | Promise<Received | undefined> {
  const bodyLimit = g.pipeline.policy().server.bodyLimitBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyLimit) {
    const answer = bodyTooLarge(bodyLimit);
    refuseUnreadBody(req, res, answer, drainLimit(bodyLimit));
    refused(g, g.pipeline.matchRoute(method, path)?.id, answer);
    return undefined;
  }
  const matched = g.pipeline.matchRoute(method, path);
  return matched?.needsBody ? readPriced(g, req, res, matched.id, bodyLimit) : UNREAD;
}

async function readPriced(
  g: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  bodyLimit: number,
): Promise<Received | undefined> {
  sendContinue(res);
  const read = await readJsonBody(req, bodyLimit);
  if (read.kind === 'aborted') return undefined;
  if (read.kind === 'refused') {
    if (read.close) refuseUnreadBody(req, res, read.response, drainLimit(bodyLimit));
    else sendPlain(res, read.response);
    refused(g, route, read.response);
    return undefined;
  }
  return read;
}

/**
 * A denial. A body left unread is discarded: on a kept-alive connection, unless the client
 * still waits for 100 Continue; then it gets the denial instead and the connection closes.
 */
function answerDenied(
  g: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  answer: PlainResponse,
  unread: boolean,
): void {
  if (unread && awaitingContinue(res)) {
    refuseUnreadBody(req, res, answer, drainLimit(g.pipeline.policy().server.bodyLimitBytes));
    return;
  }
  if (unread && !req.complete) req.resume();
  sendPlain(res, answer);
}

/** Reports a request refused before admission (its body: too large, or not JSON). */
function refused(g: GatewayOptions, route: string | undefined, answer: PlainResponse): void {
  const reason = answer.problem ?? 'bad-request';
  g.onReport?.({ route, outcome: 'denied', reason, status: answer.status });
}

function logDecision(
  logger: Logger,
  verdict: Admission,
  method: string,
  path: string,
  status: number,
  started: number,
): void {
  // Never log headers, bodies or query strings: they carry keys, tokens and looked-up numbers.
  const entry = {
    method,
    path,
    status,
    route: verdict.route?.id,
    identity: verdict.caller?.identity?.id,
    // An API key id and a JWT subject may be the same text: the kind tells them apart.
    identityKind: verdict.caller?.identity?.kind,
    ip: verdict.caller?.ip,
    decision: verdict.decision.reason,
    policy: verdict.decision.policy?.id,
    ms: Math.round((performance.now() - started) * 1000) / 1000,
  };
  if (verdict.allowed) logger.debug(entry, 'allowed');
  else logger.info(entry, 'denied');
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
