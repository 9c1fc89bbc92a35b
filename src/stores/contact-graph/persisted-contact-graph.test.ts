import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogger } from '../../../test/helpers/capture-logger.ts';
import { manualClock } from '../../core/clock.ts';
import { isEnumguardError } from '../../core/errors.ts';
import { compilePolicy } from '../../policy/index.ts';
import { ANCHORED } from './contact-graph.ts';
import { loadGraphSnapshot } from './graph-snapshot-file.ts';
import { openPersistedContactGraph } from './persisted-contact-graph.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** Accounts captured at registration, a one-day bootstrap, and `store` as server.store (none: no server). */
function policyWith(store?: string) {
  const server = store === undefined ? '' : `server:\n  store: ${store}\n`;
  return compilePolicy(
    `version: 1
upstream: http://127.0.0.1:9
${server}accounts:
  register: { route: register, number: /number, token: /token }
contacts:
  bootstrap: 1d
  budget: [{ trust: 0, rate: 1/1d, burst: 2 }]
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
`,
    { source: 'policy.yaml' },
  );
}

const snapshotIn = (dir: string) => policyWith(`{ snapshot: ${join(dir, 'state.snap')}, snapshotEvery: 1h }`);

const NONE = { held: [], shown: [], vouchers: [] };

describe('openPersistedContactGraph', () => {
  it('saves the graph beside the store snapshot, mode 0600, and restores it with its birth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-graph-'));
    const clock = manualClock(T0);
    const { logger, lines } = captureLogger();
    const first = await openPersistedContactGraph(snapshotIn(dir), { clock, logger });
    const path = join(dir, 'state.snap.graph');
    assert.equal(first.path, path);
    assert.ok(
      lines.join('').includes('no contact graph snapshot yet; a new graph, its bootstrap window opens now'),
    );
    assert.equal(statSync(path).mode & 0o777, 0o600, 'written at once, readable by its owner only');
    const g = first.graph;
    const [alice, bob] = [g.fingerprint('+14155550100'), g.fingerprint('+14155550101')];
    g.bind('Bearer alice-token', alice, T0);
    g.update(bob, { ...NONE, held: [alice] }, T0);
    await first.close();
    assert.equal(readFileSync(path).includes('alice-token'), false);

    clock.advance(3 * DAY);
    const second = await openPersistedContactGraph(snapshotIn(dir), { clock, logger });
    const h = second.graph;
    assert.equal(h.createdAt, T0);
    assert.equal(h.fingerprint('+14155550100'), alice, 'the same key');
    assert.equal(h.accountOf('Bearer alice-token', clock.now()), alice);
    assert.deepEqual([...h.view(alice, [bob], clock.now()).flags], [1 | ANCHORED]);
    // First seen now, three days after the graph's birth: past the window, no seed.
    const carol = h.fingerprint('+14155550102');
    h.update(carol, NONE, clock.now());
    assert.deepEqual([...h.view(alice, [carol], clock.now()).flags], [0]);
    assert.ok(lines.join('').includes('contact graph restored from its snapshot'));
    await second.close();
    assert.deepEqual(readdirSync(dir), ['state.snap.graph']);
  });

  it('moves a corrupt snapshot aside, says so, and starts empty with the bootstrap window closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-graph-'));
    const path = join(dir, 'state.snap.graph');
    writeFileSync(path, 'EGGRPH\r\n half a file');
    const clock = manualClock(T0 + 30 * DAY);
    const { logger, lines } = captureLogger();
    const opened = await openPersistedContactGraph(snapshotIn(dir), { clock, logger });
    const aside = readdirSync(dir).filter((f) => f.startsWith('state.snap.graph.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(dir, aside[0] as string), 'latin1'), 'EGGRPH\r\n half a file');
    const log = lines.join('');
    assert.ok(
      log.includes(
        `contact graph snapshot ${path} is unusable and was moved to ${join(dir, aside[0] as string)}`,
      ),
    );
    assert.ok(log.includes(`${path}: truncated at byte 20 (the header alone is 60 bytes)`));
    assert.ok(log.includes('"level":50'), 'at error level');
    // A fresh graph, but no account seen from now on is a seed, and the next start keeps it so.
    const g = opened.graph;
    const [mallory, viewer] = [g.fingerprint('+14155550666'), g.fingerprint('+14155550100')];
    g.update(mallory, NONE, clock.now());
    assert.deepEqual([...g.view(viewer, [mallory], clock.now()).flags], [0]);
    await opened.close();
    assert.equal((await loadGraphSnapshot(path))?.createdAt, clock.now() - DAY);
  });

  it('refuses to start when the snapshot can never be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-graph-'));
    const policy = policyWith(`{ snapshot: ${join(dir, 'missing', 'state.snap')} }`);
    const { logger } = captureLogger();
    await assert.rejects(
      openPersistedContactGraph(policy, { clock: manualClock(T0), logger }),
      (err: unknown) => {
        assert.ok(isEnumguardError(err, 'ERR_SNAPSHOT_IO'));
        assert.match(
          err.message,
          /missing\/state\.snap\.graph: cannot write the contact graph snapshot: ENOENT/,
        );
        return true;
      },
    );
  });

  it('warns, without a snapshot, that restarts reopen the bootstrap window and lose trust', async () => {
    const { logger, lines } = captureLogger();
    const opened = await openPersistedContactGraph(policyWith(), { clock: manualClock(T0), logger });
    assert.equal(opened.path, undefined);
    const warning = lines.find((l) => l.includes('"level":40')) ?? '';
    assert.match(warning, /kept in memory only \(no server\.store\.snapshot\)/);
    assert.match(warning, /every restart reopens the bootstrap window \(contacts\.bootstrap: 1d\)/);
    assert.match(warning, /set server\.store\.snapshot/);
    await opened.close();
  });

  it('warns on a Redis store, where the graph is not shared yet', async () => {
    const { logger, lines } = captureLogger();
    const opened = await openPersistedContactGraph(policyWith('{ redis: "redis://127.0.0.1:6379" }'), {
      clock: manualClock(T0),
      logger,
    });
    const warning = lines.find((l) => l.includes('"level":40')) ?? '';
    assert.match(warning, /kept in each gateway's memory \(a Redis store does not hold it yet\)/);
    assert.match(warning, /every restart reopens the bootstrap window/);
    await opened.close();
  });
});
