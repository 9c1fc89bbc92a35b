import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminDeps } from '../../src/admin/admin-deps.ts';
import { CHANGE_ROUTES } from '../../src/admin/routes-change.ts';
import { manualClock } from '../../src/core/clock.ts';
import { createEventBus } from '../../src/events/event-bus.ts';
import { createAllowlistOverlay, MAX_OVERLAY_ENTRIES } from '../../src/pipeline/allowlist-overlay.ts';

/**
 * Regression: the runtime allowlist keeps at most 10,000 entries, but once full it dropped a new
 * entry silently while POST /admin/v1/allowlist still answered 201 and emitted allowlist-add:
 * the operator was told a caller was allowlisted who was not. A full overlay now says so and the
 * route answers 409 problem+json, with no event.
 *
 * The route runs on a plain listener with only what it uses (the overlay and the event bus):
 * filling the overlay through 10,000 admin calls would test nothing more.
 */
const route = CHANGE_ROUTES.find((r) => r.path === '/admin/v1/allowlist');
const overlay = createAllowlistOverlay();
const bus = createEventBus({ clock: manualClock(0), instance: 'gw' });
const deps = { allowlist: overlay, events: bus } as unknown as AdminDeps;
let server: Server;
let origin: string;

before(async () => {
  assert.ok(route !== undefined);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    void route.handle({ req, res, url, deps, caller: { kind: 'bearer' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const tag = (i: number): string => i.toString(16).padStart(12, '0');

function add(kind: string, value: string): Promise<Response> {
  return fetch(`${origin}/admin/v1/allowlist`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind, value }),
  });
}

describe('regression: adding to a full runtime allowlist', () => {
  it('answers 409 problem+json and emits nothing, instead of 201 for an entry it dropped', async () => {
    for (let i = 0; i < MAX_OVERLAY_ENTRIES; i++) overlay.addIdentity(tag(i));
    for (const [kind, value] of [
      ['cidr', '192.0.2.0/24'],
      ['identity', tag(MAX_OVERLAY_ENTRIES)],
    ] as const) {
      const res = await add(kind, value);
      assert.equal(res.status, 409, kind);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const problem = (await res.json()) as { status: number; detail: string };
      assert.equal(problem.status, 409);
      assert.match(problem.detail, /10000|10,000/);
    }
    assert.equal(overlay.entries().cidrs.length, 0);
    assert.equal(overlay.entries().identities.length, MAX_OVERLAY_ENTRIES);
    assert.deepEqual(bus.recent(10), []);
  });

  it('still accepts an entry it holds already, and a new one once an entry is removed', async () => {
    const again = await add('identity', tag(7));
    assert.equal(again.status, 201);
    await again.arrayBuffer();
    assert.equal(overlay.remove('identity', tag(7)), true);
    const res = await add('cidr', '192.0.2.0/24');
    assert.equal(res.status, 201);
    assert.deepEqual(((await res.json()) as { cidrs: string[] }).cidrs, ['192.0.2.0/24']);
    assert.equal(bus.recent(10).filter((e) => e.type === 'admin-action').length, 2);
  });
});
