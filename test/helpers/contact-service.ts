import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny contact-discovery service for the reveal tests: POST /v1/accounts { number } registers
 * the number and answers 201 { token } (a fresh token each time, as a reinstall gets);
 * POST /v1/contacts/discover { numbers } answers 200 { contacts: [{ number, accountId }] } for
 * the registered ones, in the order asked.
 */
export interface ContactService {
  /** Numbers registered, by registration or by the test directly. */
  readonly registered: Set<string>;
  answer(method: string, url: string, body: unknown): { status: number; json: unknown };
  /** A node:http handler for the service; `body` is read from the stream unless given. */
  handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse): void;
}

export function createContactService(): ContactService {
  const registered = new Set<string>();
  let tokens = 0;
  const answer = (method: string, url: string, body: unknown): { status: number; json: unknown } => {
    const fields = (body ?? {}) as { number?: unknown; numbers?: unknown };
    if (method === 'POST' && url === '/v1/accounts' && typeof fields.number === 'string') {
      registered.add(fields.number);
      return { status: 201, json: { token: `t${++tokens}` } };
    }
    if (method === 'POST' && url === '/v1/contacts/discover' && Array.isArray(fields.numbers)) {
      const found = fields.numbers.filter((n): n is string => typeof n === 'string' && registered.has(n));
      return { status: 200, json: { contacts: found.map((n) => ({ number: n, accountId: n.slice(1) })) } };
    }
    return { status: 404, json: { error: 'no such route' } };
  };
  const send = (res: ServerResponse, method: string, url: string, body: unknown): void => {
    const { status, json } = answer(method, url, body);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  };
  return {
    registered,
    answer,
    handle(req, res) {
      const method = req.method ?? '';
      const url = req.url ?? '';
      if (req.body !== undefined) return send(res, method, url, req.body);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          body = undefined;
        }
        send(res, method, url, body);
      });
    },
  };
}

/** The service on a loopback port. */
export async function startContactService(): Promise<
  ContactService & { readonly url: string; close(): Promise<void> }
> {
  const service = createContactService();
  const server = createServer((req, res) => service.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...service,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The caller's side: register a number, look numbers up; over HTTP against `base`. */
export function contactClient(base: string) {
  const post = (path: string, body: unknown, session?: string): Promise<Response> =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(session === undefined ? {} : { authorization: session }),
      },
      body: JSON.stringify(body),
    });
  return {
    /** Registers `number` and returns the session its answer hands out ("Bearer <token>"). */
    async register(number: string): Promise<string> {
      const res = await post('/v1/accounts', { number });
      if (res.status !== 201) throw new Error(`registering answered ${res.status}: ${await res.text()}`);
      return `Bearer ${((await res.json()) as { token: string }).token}`;
    },
    async lookup(session: string, numbers: readonly string[]) {
      const res = await post('/v1/contacts/discover', { numbers }, session);
      const json = (await res.json()) as { contacts?: { number: string }[] };
      return {
        status: res.status,
        found: (json.contacts ?? []).map((c) => c.number),
        deferred: res.headers.get('enumguard-deferred'),
      };
    },
  };
}

/** +1 415 555 0000 + i, an E.164 number. */
export function phone(i: number): string {
  return `+1415555${String(i).padStart(4, '0')}`;
}
