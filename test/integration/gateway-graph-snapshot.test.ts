import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway } from '../../src/cli/start-gateway.ts';
import { manualClock, type ManualClock } from '../../src/core/clock.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { contactClient, phone, startContactService } from '../helpers/contact-service.ts';

const DAY = 86_400_000;

/**
 * Sessions bound at registration; accounts seen in the graph's first day are seeds; strangers
 * are revealed one a day at trust 0 and five at trust 1 (one anchored account holds your number).
 */
const policyText = (upstream: string, store: string) => `
version: 1
upstream: ${upstream}
${store}
accounts:
  register: { route: register, number: /number, token: /token }
contacts:
  bootstrap: 1d
  budget:
    - { trust: 0, rate: 1/1d, burst: 1 }
    - { trust: 1, rate: 1/1d, burst: 5 }
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    rateLimitHeaders: false
    limits:
      - { id: lookups, key: account, rate: 100/1d }
    reveal: { records: /contacts, number: number }
`;

const SNAPSHOT = 'server:\n  store: { snapshot: state.snap, snapshotEvery: 1h }';

function starter(policyPath: string, clock: ManualClock, logger = pino({ level: 'silent' })) {
  return async () => {
    const running = await startGateway({
      policyPath,
      port: 0,
      host: '127.0.0.1',
      logger,
      watch: false,
      clock,
    });
    return { running, client: contactClient(`http://127.0.0.1:${running.address.port}`) };
  };
}

describe('gateway with a contact graph snapshot', () => {
  it('keeps sessions, trust and the bootstrap window across a restart', async () => {
    const service = await startContactService();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-graph-'));
    const policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, policyText(service.url, SNAPSHOT));
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const start = starter(policyPath, clock);
    try {
      // Day 0, inside the bootstrap: Bob (a seed) holds Alice's number, so Alice earns trust 1.
      const first = await start();
      const alice = await first.client.register(phone(10));
      const bob = await first.client.register(phone(11));
      assert.deepEqual((await first.client.lookup(bob, [phone(10)])).found, [phone(10)]);
      assert.deepEqual((await first.client.lookup(alice, [phone(11)])).found, [phone(11)]);
      await first.running.stop(100);
      const graphFile = join(dir, 'state.snap.graph');
      assert.equal(statSync(graphFile).mode & 0o777, 0o600);
      assert.equal(readFileSync(graphFile).includes('t1'), false, 'no session token on disk');

      // Two days later, past the window.
      clock.advance(2 * DAY);
      const second = await start();
      try {
        for (let i = 20; i < 25; i++) service.registered.add(phone(i));
        // Alice's old session is still her account, and her trust still buys her tier's 5 strangers.
        const found = (await second.client.lookup(alice, [20, 21, 22, 23].map(phone))).found;
        assert.deepEqual(found, [20, 21, 22, 23].map(phone));
        // Mallory, new after the restart, is no seed: holding Dave's number earns Dave nothing.
        const mallory = await second.client.register(phone(66));
        await second.client.lookup(mallory, [phone(12)]);
        const dave = await second.client.register(phone(12));
        const daves = await second.client.lookup(dave, [phone(66), phone(20), phone(21)]);
        assert.deepEqual(
          daves.found,
          [phone(66), phone(20)],
          'Mallory at once (mutual), one stranger at trust 0',
        );
      } finally {
        await second.running.stop(100);
      }
      assert.deepEqual(readdirSync(dir).sort(), ['policy.yaml', 'state.snap', 'state.snap.graph']);
    } finally {
      await service.close();
    }
  });

  it('warns at start when the graph is not persisted', async () => {
    const service = await startContactService();
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-graph-'));
    const policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, policyText(service.url, ''));
    const { logger, lines } = captureLogger();
    const { running } = await starter(policyPath, manualClock(Date.UTC(2026, 0, 1)), logger)();
    try {
      const warning = lines.find((l) => l.includes('"level":40')) ?? '';
      assert.match(warning, /every restart reopens the bootstrap window \(contacts\.bootstrap: 1d\)/);
      assert.match(warning, /set server\.store\.snapshot/);
      assert.ok(lines.some((l) => l.includes('"contactGraph":"memory only: lost on restart"')));
    } finally {
      await running.stop(100);
      await service.close();
    }
    assert.deepEqual(readdirSync(dir), ['policy.yaml']);
  });
});
