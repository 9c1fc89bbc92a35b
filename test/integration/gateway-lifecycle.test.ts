import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { captureLogger } from '../helpers/capture-logger.ts';
import { SignJWT } from 'jose';
import { startGateway } from '../../src/cli/start-gateway.ts';
import { startEchoUpstream } from '../helpers/echo-upstream.ts';
import { FULL_KEY, lookupPolicy } from '../helpers/policies.ts';
import { waitUntil } from '../helpers/wait-for.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';

function writePolicy(dir: string, text: string): string {
  const path = join(dir, 'policy.yaml');
  writeFileSync(path, text);
  return path;
}

describe('gateway lifecycle', () => {
  it('never logs API keys, bearer tokens, query strings or bodies', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-'));
    const policy = lookupPolicy(upstream.url).replace(
      'identities:\n',
      `identities:\n  jwt:\n    algorithms: [HS256]\n    secret: ${SECRET}\n`,
    );
    const { logger, lines } = captureLogger('debug');
    const running = await startGateway({
      policyPath: writePolicy(dir, policy),
      port: 0,
      host: '127.0.0.1',
      logger,
      watch: false,
    });
    const base = `http://127.0.0.1:${running.address.port}`;
    try {
      const token = await new SignJWT({ scope: 'profile:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('user-7')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET));
      const requests = [
        fetch(`${base}/v1/accounts/a/photo?phone=%2B14155550100`, { headers: { 'x-api-key': FULL_KEY } }),
        fetch(`${base}/v1/accounts/a/photo`, { headers: { authorization: `Bearer ${token}` } }),
        fetch(`${base}/v1/accounts/a/photo`, {
          headers: { 'x-api-key': 'wrong-secret-key-123', 'x-forwarded-for': '203.0.113.9' },
        }),
        fetch(`${base}/v1/contacts/discover`, {
          method: 'POST',
          headers: { 'x-api-key': FULL_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ numbers: ['+14155550199'] }),
        }),
      ];
      for (const r of await Promise.all(requests)) await r.arrayBuffer();
    } finally {
      await running.stop(100);
      await upstream.close();
    }
    const log = lines.join('');
    assert.match(log, /"identity":"user-7","identityKind":"jwt"/, 'the log names identities and their kind');
    assert.match(log, /"identityKind":"api-key"/);
    // No proxy is trusted, yet a forwarding header arrived: the operator is told once.
    assert.equal(log.match(/is not a trusted proxy/g)?.length, 1);
    for (const secret of [FULL_KEY, 'wrong-secret-key-123', 'eyJ', '14155550100', '14155550199', SECRET]) {
      assert.ok(!log.includes(secret), `the log contains ${secret}`);
    }
  });

  it('reloads the policy on SIGHUP and keeps the last good one when the new one is broken', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-'));
    const health = (rate: string) => `version: 1
upstream: ${upstream.url}
routes:
  - id: health
    match: { method: GET, path: /healthz }
    auth: none
    limits:
      - { key: ip, rate: ${rate} }
`;
    const path = writePolicy(dir, health('1/1h'));
    const { logger, lines } = captureLogger('debug');
    const running = await startGateway({ policyPath: path, port: 0, host: '127.0.0.1', logger });
    const get = async () => {
      const r = await fetch(`http://127.0.0.1:${running.address.port}/healthz`);
      await r.arrayBuffer();
      return r.status;
    };
    try {
      assert.equal(await get(), 200);
      assert.equal(await get(), 429);

      writeFileSync(path, health('not-a-rate'));
      await running.reload();
      assert.match(lines.join(''), /policy rejected; the last good policy stays in force/);
      assert.equal(await get(), 429, 'the last good policy stays in force');

      writeFileSync(path, health('100/1h').replace('- { key: ip', '- { id: roomy, key: ip'));
      const reloaded = waitUntil('the SIGHUP reload to log "policy reloaded"', () =>
        lines.join('').includes('policy reloaded'),
      );
      process.kill(process.pid, 'SIGHUP');
      await reloaded;
      assert.equal(await get(), 200);
    } finally {
      await running.stop(100);
      await upstream.close();
    }
  });

  it('lets an in-flight request finish when it stops', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-'));
    const running = await startGateway({
      policyPath: writePolicy(dir, lookupPolicy(upstream.url)),
      port: 0,
      host: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      watch: false,
    });
    upstream.hold();
    const inFlight = fetch(`http://127.0.0.1:${running.address.port}/healthz`);
    // Stop only once the request is inside: the upstream has it and has not answered yet.
    await upstream.received(1);
    const stopped = running.stop(30_000);
    // Answer only once the gateway is draining: it listens no more, the request is still open.
    await waitUntil('the gateway to stop listening', () => !running.gateway.server.listening);
    upstream.release();
    const res = await inFlight;
    assert.equal(res.status, 200);
    await stopped;
    await upstream.close();
  });
});
