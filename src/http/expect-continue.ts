import type { ServerResponse } from 'node:http';

/**
 * `Expect: 100-continue` (RFC 9110 section 10.1.1): the client sends its body only once the
 * server says 100 Continue, and a final answer sent first spares it the upload. A transport
 * that wants to answer by the headers alone listens for the server's 'checkContinue' event
 * (Node then stops sending 100 Continue on its own), marks the response with
 * `awaitContinue`, and calls `sendContinue` just before it reads the body.
 */
const awaiting = new WeakSet<ServerResponse>();

/** Marks a response whose client waits for 100 Continue before sending its body. */
export function awaitContinue(res: ServerResponse): void {
  awaiting.add(res);
}

/** Whether the client still waits for 100 Continue: its body will not come unless asked for. */
export function awaitingContinue(res: ServerResponse): boolean {
  return awaiting.has(res);
}

/** Asks for the body: sends 100 Continue once, if the client waits for it. */
export function sendContinue(res: ServerResponse): void {
  if (!awaiting.delete(res) || res.headersSent) return;
  res.writeContinue();
}
