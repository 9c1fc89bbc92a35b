import type { Pipeline } from '../pipeline/pipeline.ts';
import type { PlainRequest, PlainResponse } from '../pipeline/types.ts';
import type { AgentRequest, AgentResponse } from './agent.ts';
import type { Transport } from './runner.ts';

/**
 * The simulator's path through the system under test, without sockets: the same pipeline
 * the gateway runs, then the service's handler. The request body stays a JS value (the
 * gateway would parse the same JSON into the same value); the answer is the JSON value the
 * service produced (or its text, parsed), so agents see exactly what a client would.
 */
export function inProcessTransport(
  pipeline: Pipeline,
  service: (req: PlainRequest) => PlainResponse,
): Transport {
  const upstream = (req: PlainRequest): Promise<PlainResponse> => Promise.resolve(service(req));
  return async (request: AgentRequest): Promise<AgentResponse> => {
    const plain: PlainRequest = {
      method: request.method,
      url: request.path,
      headers: lowerCase(request.headers),
      remoteAddress: request.clientIp,
      body: request.body,
    };
    const res = await pipeline.handle(plain, upstream);
    return { status: res.status, headers: res.headers, body: parseBody(res) };
  };
}

function lowerCase(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function parseBody(res: PlainResponse): unknown {
  if (res.json !== undefined) return res.json;
  if (res.body === '') return undefined;
  const type = res.headers['content-type'] ?? '';
  if (!type.includes('json')) return res.body;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return res.body;
  }
}
