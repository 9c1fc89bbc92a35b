import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { bodyTooLarge } from '../../src/http/request-body.ts';
import { DRAIN_MAX_MS, refuseUnreadBody } from '../../src/http/refuse-body.ts';
import { withDeadline } from '../helpers/wait-for.ts';

/** A raw client: sends `head` and `chunk`, keeps writing nothing more, and collects the answer. */
async function exchange(port: number, head: string, chunk: Buffer): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  socket.on('error', () => undefined);
  socket.write(head);
  socket.write(chunk);
  await withDeadline(
    'the server to close the connection',
    new Promise<void>((resolve) => socket.once('close', () => resolve())),
  );
  return Buffer.concat(received).toString();
}

describe('refuseUnreadBody', () => {
  it('sends the whole answer with connection: close, and closes once past the drain bound', async () => {
    const server = createServer((req, res) => refuseUnreadBody(req, res, bodyTooLarge(16), 1024));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // 1 MB declared, 4 kB sent, then silence: only the byte bound can end the exchange.
      const head = 'POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 1048576\r\n\r\n';
      const started = performance.now();
      const answer = await exchange(port, head, Buffer.alloc(4096, 'a'));
      // Not the drain's time bound: that one would take DRAIN_MAX_MS.
      assert.ok(performance.now() - started < DRAIN_MAX_MS);
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.match(answer, /\r\nconnection: close\r\n/i);
      assert.match(answer, /"code":"body-too-large"/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('closes once the body has ended', async () => {
    const server = createServer((req, res) => refuseUnreadBody(req, res, bodyTooLarge(16), 1 << 20));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const head = 'POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 4096\r\n\r\n';
      const answer = await exchange(port, head, Buffer.alloc(4096, 'a'));
      assert.match(answer, /^HTTP\/1\.1 413 /);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
