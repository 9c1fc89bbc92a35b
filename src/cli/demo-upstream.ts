import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deliberately naive contact-discovery API for `npm start`: it answers every lookup, the
 * way WhatsApp's did in 2024. About one number in eighteen is "registered" (the ~5.6% of the
 * incident), decided by a hash so the answers are stable. The reference service of the
 * simulator replaces this toy.
 */
export function isRegistered(number: string): boolean {
  const digest = createHash('sha256').update(number).digest();
  return digest.readUInt32BE(0) % 18 === 0;
}

function accountId(number: string): string {
  return createHash('sha256').update(`account:${number}`).digest('hex').slice(0, 12);
}

export async function startDemoUpstream(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'GET' && path === '/healthz') return send(200, { ok: true });
      if (req.method === 'POST' && path === '/v1/contacts/discover') {
        let numbers: unknown;
        try {
          numbers = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { numbers?: unknown }).numbers;
        } catch {
          return send(400, { error: 'invalid JSON' });
        }
        if (!Array.isArray(numbers)) return send(400, { error: 'expected {"numbers": [...]}' });
        const contacts = numbers
          .filter((n): n is string => typeof n === 'string' && isRegistered(n))
          .map((n) => ({ number: n, accountId: accountId(n), about: 'Hey there! I am using a lookup API.' }));
        return send(200, { contacts });
      }
      const photo = /^\/v1\/accounts\/([0-9a-f]{12})\/photo$/.exec(path);
      if (req.method === 'GET' && photo)
        return send(200, { accountId: photo[1], photo: 'data:image/png;base64,' });
      if (req.method === 'POST' && path === '/v1/accounts') {
        return send(201, { accountId: accountId(String(Date.now())), token: 'demo' });
      }
      return send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}` };
}
