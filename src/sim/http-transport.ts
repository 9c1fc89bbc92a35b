import { EnumguardError } from '../core/errors.ts';
import type { AgentRequest, AgentResponse } from './agent.ts';
import type { Transport } from './runner.ts';

/**
 * Drives agents over real HTTP, against a running gateway or service on this machine. The
 * agent's address travels in X-Forwarded-For, as a load balancer would send it, so the
 * target must trust the loopback peer as a proxy to key clients apart.
 *
 * Loopback only: simulated attack traffic never leaves the machine.
 */
export function httpTransport(baseUrl: string, options: { timeoutMs?: number } = {}): Transport {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EnumguardError(
      'ERR_CONFIG',
      `--http needs a URL like http://127.0.0.1:8080, got ${JSON.stringify(baseUrl)}`,
    );
  }
  if (url.protocol !== 'http:' || !isLoopback(url.hostname)) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `--http only drives services on this machine (127.0.0.0/8, localhost or [::1]), not ${url.host}`,
    );
  }
  const origin = url.origin;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (request: AgentRequest): Promise<AgentResponse> => {
    const headers: Record<string, string> = { ...request.headers, 'x-forwarded-for': request.clientIp };
    let res: Response;
    let text: string;
    try {
      res = await fetch(origin + request.path, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Inside the try: a body cut off or timed out mid-way fails this exchange, not the run.
      text = await res.text();
    } catch (err) {
      // A failed exchange is an answer the agent can react to, as a real client would.
      return { status: 599, headers: {}, body: { error: (err as Error).message } };
    }
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      out[name] = value;
    });
    let body: unknown = text === '' ? undefined : text;
    if (text !== '' && (out['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    return { status: res.status, headers: out, body };
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
