import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEnumguardError } from '../core/errors.ts';
import { PolicyError } from './issues.ts';
import type { CompiledPolicy } from './types.ts';
import { watchPolicy, type PolicyWatcher, type WatchPolicyOptions } from './watch.ts';
import { createCounter } from '../../test/helpers/wait-for.ts';

/** A policy whose only route is named `id`, so each version is recognizable. */
function policyText(id: string): string {
  return `version: 1\nroutes:\n  - id: ${id}\n    match: { path: /${id} }\n    auth: none\n`;
}

type Event = { kind: 'change'; policy: CompiledPolicy } | { kind: 'error'; err: unknown };

/** Collects watcher callbacks; `next()` waits for one (30 s safety net) instead of sleeping. */
function collector() {
  const events: Event[] = [];
  const arrived = createCounter('watcher events');
  let taken = 0;
  return {
    onChange(policy: CompiledPolicy) {
      events.push({ kind: 'change', policy });
      arrived.add();
    },
    onError(err: unknown) {
      events.push({ kind: 'error', err });
      arrived.add();
    },
    get count() {
      return events.length;
    },
    async next(): Promise<Event> {
      await arrived.reached(taken + 1, 'the next watcher event');
      taken++;
      const event = events.shift();
      assert.ok(event);
      return event;
    },
  };
}

function routeIds(event: Event): string[] {
  assert.equal(event.kind, 'change', event.kind === 'error' ? String(event.err) : '');
  return event.kind === 'change' ? event.policy.routes.map((r) => r.id) : [];
}

describe('watchPolicy', () => {
  const dirs: string[] = [];
  const watchers: PolicyWatcher[] = [];
  after(() => {
    for (const w of watchers) w.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A policy file in a folder of its own, watched with `options` over the collector's callbacks. */
  function setup(initial: string, options: Partial<WatchPolicyOptions> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-watch-'));
    dirs.push(dir);
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, initial);
    const events = collector();
    const watcher = watchPolicy(file, { ...events, debounceMs: 20, ...options });
    watchers.push(watcher);
    return { dir, file, events, watcher };
  }

  it('reloads a policy rewritten in place', async () => {
    const { file, events } = setup(policyText('one'));
    writeFileSync(file, policyText('two'));
    assert.deepEqual(routeIds(await events.next()), ['two']);
  });

  it('reloads a policy an editor replaced by renaming a new file over it', async () => {
    const { dir, file, events } = setup(policyText('one'));
    const tmp = join(dir, '.policy.yaml.swp');
    writeFileSync(tmp, policyText('renamed'));
    renameSync(tmp, file);
    assert.deepEqual(routeIds(await events.next()), ['renamed']);
  });

  it('coalesces a burst of writes into one reload of the final text', async () => {
    const { file, events } = setup(policyText('one'));
    for (const id of ['a', 'b', 'c', 'd', 'final']) writeFileSync(file, policyText(id));
    assert.deepEqual(routeIds(await events.next()), ['final']);
  });

  it('sends a broken policy to onError only, then picks up the fixed one', async () => {
    const { file, events } = setup(policyText('one'));
    writeFileSync(file, 'version: 1\nroutes:\n  - id: broken\n');
    const bad = await events.next();
    assert.equal(bad.kind, 'error');
    assert.ok(bad.kind === 'error' && bad.err instanceof PolicyError);
    assert.match(bad.err.message, /^policy\.yaml:3 routes\[0\]\.match: is required/);
    writeFileSync(file, policyText('fixed'));
    assert.deepEqual(routeIds(await events.next()), ['fixed']);
  });

  it('retries a failed policy when a key file it names appears beside it', async () => {
    const { dir, file, events } = setup(policyText('one'));
    const jwt = 'identities:\n  jwt: { algorithms: [ES256], jwksFile: jwks.json }\n';
    writeFileSync(file, `${policyText('jwt')}${jwt}`);
    const missing = await events.next();
    assert.ok(missing.kind === 'error');
    assert.match(String(missing.err), /jwksFile: cannot read "jwks.json": no such file/);
    writeFileSync(
      join(dir, 'jwks.json'),
      JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }),
    );
    assert.deepEqual(routeIds(await events.next()), ['jwt']);
  });

  it('logs reloads and failures, and reports an onChange that throws to onError', async () => {
    const logs: string[] = [];
    const { events, watcher } = setup(policyText('one'), {
      onChange: () => {
        throw new Error('cannot apply');
      },
      logger: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`) },
    });
    await watcher.reload();
    const event = await events.next();
    assert.ok(event.kind === 'error' && event.err instanceof Error);
    assert.equal(event.err.message, 'cannot apply');
    assert.deepEqual(logs, [
      'info policy.yaml: policy reloaded (1 route(s))',
      'warn policy.yaml: reload failed, keeping the last good policy: cannot apply',
    ]);
  });

  it('neither reloads nor logs "policy reloaded" when only another file in the folder changes', async () => {
    const logs: string[] = [];
    const skipped = createCounter('events that changed nothing');
    const { dir, file, events } = setup(policyText('one'), {
      initialText: policyText('one'),
      logger: {
        info: (m) => logs.push(`info ${m}`),
        warn: (m) => logs.push(`warn ${m}`),
        debug: () => skipped.add(),
      },
    });
    // A gateway's log written beside its policy: the first event in the folder after the start.
    writeFileSync(join(dir, 'gateway.log'), 'listening\n');
    await skipped.reached(1);
    assert.equal(events.count, 0);
    assert.deepEqual(logs, []);
    writeFileSync(file, policyText('two'));
    assert.deepEqual(routeIds(await events.next()), ['two']);
    assert.deepEqual(logs, ['info policy.yaml: policy reloaded (1 route(s))']);
  });

  it('applies an edit made between loading the policy and starting the watch', async () => {
    // The file holds 'two': it was edited after the caller loaded 'one'.
    const { dir, events } = setup(policyText('two'), { initialText: policyText('one') });
    writeFileSync(join(dir, 'gateway.log'), 'listening\n');
    assert.deepEqual(routeIds(await events.next()), ['two']);
  });

  it('reports a deleted policy as ERR_POLICY_READ', async () => {
    const { file, events } = setup(policyText('one'));
    unlinkSync(file);
    const event = await events.next();
    assert.ok(event.kind === 'error' && isEnumguardError(event.err, 'ERR_POLICY_READ'));
  });

  it('recompiles on reload() even when the text is unchanged (SIGHUP)', async () => {
    const { events, watcher } = setup(policyText('one'));
    await watcher.reload();
    assert.equal(events.count, 1);
    assert.deepEqual(routeIds(await events.next()), ['one']);
    await watcher.reload();
    assert.deepEqual(routeIds(await events.next()), ['one']);
  });

  it('calls nothing after close()', async () => {
    const { events, watcher } = setup(policyText('one'));
    watcher.close();
    await watcher.reload();
    assert.equal(events.count, 0);
  });
});
