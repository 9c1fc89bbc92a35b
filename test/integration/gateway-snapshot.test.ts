import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { captureLogger } from '../helpers/capture-logger.ts';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { startEchoUpstream } from '../helpers/echo-upstream.ts';
import { FULL_KEY } from '../helpers/policies.ts';

/** Signal-like: 5 new numbers per identity, refilling one a day; known numbers are free. */
const policy = (upstream: string) => `version: 1
upstream: ${upstream}
server:
  store: { snapshot: state.snap, snapshotEvery: 1h }
identities:
  apiKeys:
    keys:
      - id: full
        sha256: ffb4ab2864c006ed9a870db6c3cea7c45ae6a6d91a05195fc4b45b2523fd0e6e
        scopes: [contacts:discover]
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    scopes: [contacts:discover]
    limits:
      - id: new-numbers
        key: identity
        rate: 1/1d
        burst: 5
        distinct: /numbers
`;

/** Risk by bearer token; one canary lookup blocks the account for an hour. */
const riskPolicy = (upstream: string) => `version: 1
upstream: ${upstream}
server:
  store: { snapshot: state.snap, snapshotEvery: 1h }
risk:
  identity: { header: authorization }
  block: { base: 1h, multiplier: 4, max: 30d, forgetAfter: 30d }
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    detect:
      canaries: { weight: 100, numbers: ["+14155550123"] }
`;

async function lookup(running: RunningGateway, token: string, numbers: readonly string[]): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${running.address.port}/v1/contacts/discover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ numbers }),
  });
  await res.arrayBuffer();
  return res.status;
}

const book = ['+14155550100', '+14155550101', '+14155550102', '+14155550103', '+14155550104'];

async function discover(running: RunningGateway, numbers: readonly string[]): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${running.address.port}/v1/contacts/discover`, {
    method: 'POST',
    headers: { 'x-api-key': FULL_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ numbers }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('gateway with a store snapshot', () => {
  it('keeps a used-up distinct quota across a graceful restart', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    const policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, policy(upstream.url));
    const start = () =>
      startGateway({
        policyPath,
        port: 0,
        host: '127.0.0.1',
        logger: pino({ level: 'silent' }),
        watch: false,
      });
    try {
      const first = await start();
      assert.equal(await discover(first, book), 200);
      assert.equal(await discover(first, ['+14155550199']), 429, 'the quota is used up');
      await first.stop(100);

      const second = await start();
      try {
        assert.equal(await discover(second, book), 200, 'the known book stays free');
        assert.equal(await discover(second, ['+14155550199']), 429, 'the quota is still used up');
      } finally {
        await second.stop(100);
      }
      assert.deepEqual(readdirSync(dir).sort(), ['policy.yaml', 'state.snap'], 'no temporary files');
    } finally {
      await upstream.close();
    }
  });

  it('keeps a blocked account blocked across a graceful restart, without its token on disk', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    const policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, riskPolicy(upstream.url));
    const start = () =>
      startGateway({
        policyPath,
        port: 0,
        host: '127.0.0.1',
        logger: pino({ level: 'silent' }),
        watch: false,
      });
    try {
      const first = await start();
      assert.equal(await lookup(first, 'mallory-secret-token', ['+14155550123']), 403, 'a canary blocks');
      await first.stop(100);
      assert.equal(readFileSync(join(dir, 'state.snap')).includes('mallory-secret-token'), false);

      const second = await start();
      try {
        assert.equal(await lookup(second, 'mallory-secret-token', book), 403, 'still blocked');
        assert.equal(await lookup(second, 'alice', book), 200);
      } finally {
        await second.stop(100);
      }
    } finally {
      await upstream.close();
    }
  });

  it('moves a corrupt snapshot aside, says so, and starts empty', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    const policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, policy(upstream.url));
    const snapshot = join(dir, 'state.snap');
    writeFileSync(snapshot, 'EGSNAP\r\n half a file');
    const { logger, lines } = captureLogger();
    const running = await startGateway({ policyPath, port: 0, host: '127.0.0.1', logger, watch: false });
    try {
      assert.equal(await discover(running, book), 200, 'a fresh quota');
    } finally {
      await running.stop(100);
      await upstream.close();
    }
    const aside = readdirSync(dir).filter((f) => f.startsWith('state.snap.corrupt-'));
    assert.equal(aside.length, 1);
    assert.match(aside[0] as string, /^state\.snap\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    assert.equal(readFileSync(join(dir, aside[0] as string), 'latin1'), 'EGSNAP\r\n half a file');
    const log = lines.join('');
    assert.ok(
      log.includes(`snapshot ${snapshot} is unusable and was moved to ${join(dir, aside[0] as string)}`),
    );
    assert.ok(log.includes(`${snapshot}: truncated at byte 20 (the header alone is 48 bytes)`));
  });

  it('refuses to start when the snapshot can never be written', async () => {
    const upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    const policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, policy(upstream.url).replace('state.snap', 'missing-dir/state.snap'));
    try {
      await assert.rejects(
        startGateway({
          policyPath,
          port: 0,
          host: '127.0.0.1',
          logger: pino({ level: 'silent' }),
          watch: false,
        }),
        (err: unknown) => {
          assert.equal((err as { code?: string }).code, 'ERR_SNAPSHOT_IO');
          assert.match((err as Error).message, /missing-dir\/state\.snap: cannot write the snapshot: ENOENT/);
          return true;
        },
      );
    } finally {
      await upstream.close();
    }
  });
});
