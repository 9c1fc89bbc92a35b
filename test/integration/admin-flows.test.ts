import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatE164 } from '../../src/reference/e164.ts';
import { ADMIN_TOKEN, register, startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';

/** The admin API end to end: the dashboard's login and CSRF rules, a scan answered by a lift, the live stream. */
let g: AdminGateway;
before(async () => {
  g = await startAdminGateway('server:\n  admin: { listen: "127.0.0.1:0", maxStreams: 2 }\n');
});
after(() => g.close());

const json = { 'content-type': 'application/json' };

async function login(): Promise<{ cookie: string; csrf: string }> {
  const res = await g.call('/admin/login', {
    token: null,
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/');
  const set = res.headers.get('set-cookie') ?? '';
  assert.match(set, /^enumguard_admin=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/admin; Max-Age=43200$/);
  const cookie = set.split(';')[0] as string;
  const session = await g.call('/admin/v1/session', { token: null, headers: { cookie } });
  const { csrf } = (await session.json()) as { csrf: string };
  assert.match(csrf, /^[\w-]{43}$/);
  return { cookie, csrf };
}

/** The scan of the gateway-defenses test: 1,000 candidate numbers, most of them not accounts. */
function scan(): string[] {
  return Array.from({ length: 1000 }, (_, i) =>
    formatE164(g.population.candidateAt((i * 7919) % g.population.candidateCount)),
  );
}

async function discover(token: string, numbers: string[]): Promise<number> {
  const res = await fetch(`${g.base}/v1/contacts/discover`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ numbers }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Reads an SSE response until `done` says so over the events read; answers them. */
async function readEvents(res: Response, done: (ids: string[]) => boolean): Promise<string[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const ids = (): string[] => [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1] as string);
  while (!done(ids())) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return ids();
}

describe('admin dashboard sessions', () => {
  it('sends a browser without a session to the login page, and refuses a wrong token there', async () => {
    const page = await g.call('/admin/', { token: null, redirect: 'manual' });
    assert.deepEqual([page.status, page.headers.get('location')], [303, '/admin/login']);
    const wrong = await g.call('/admin/login', {
      token: null,
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=nope',
    });
    assert.deepEqual(
      [wrong.status, wrong.headers.get('location'), wrong.headers.get('set-cookie')],
      [303, '/admin/login?failed=1', null],
    );
    const crossSite = await g.call('/admin/login', {
      token: null,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    assert.equal(crossSite.status, 403, 'login CSRF');
  });

  it('logs in to an HttpOnly SameSite=Strict cookie; the page has a strict CSP', async () => {
    const { cookie } = await login();
    const page = await g.call('/admin/', { token: null, headers: { cookie } });
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(await page.text(), /<script src="\/admin\/assets\/app.js"><\/script>/);
    const uplot = await g.call('/admin/assets/uplot.js', { token: null });
    assert.deepEqual(
      [uplot.status, uplot.headers.get('content-type')],
      [200, 'text/javascript; charset=utf-8'],
    );
    await uplot.arrayBuffer();
  });

  it('takes a state change with the cookie only from this origin and with the session CSRF token', async () => {
    const { cookie, csrf } = await login();
    const change = (headers: Record<string, string>) =>
      g.call('/admin/v1/allowlist', {
        token: null,
        method: 'POST',
        headers: { ...json, cookie, ...headers },
        body: JSON.stringify({ kind: 'cidr', value: '203.0.113.7' }),
      });
    assert.equal((await change({})).status, 403, 'no CSRF token');
    assert.equal((await change({ 'x-csrf-token': 'forged' })).status, 403, 'a wrong CSRF token');
    assert.equal(
      (await change({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).status,
      403,
      'cross-site',
    );
    assert.equal(
      (await change({ 'x-csrf-token': csrf, origin: 'http://evil.example' })).status,
      403,
      'another origin',
    );
    const ok = await change({ 'x-csrf-token': csrf, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 201);
    assert.deepEqual(await ok.json(), { cidrs: ['203.0.113.7/32'], identities: [] });
    const out = await g.call('/admin/v1/allowlist/remove', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ kind: 'cidr', value: '203.0.113.7/32' }),
    });
    assert.equal(out.status, 200);
  });
});

describe('admin API on a running gateway', () => {
  it('shows a scan as a finding and a block, and a lift lets the caller back in', async () => {
    const scanner = await register(g, 101);
    assert.equal(await discover(scanner, scan()), 403);
    assert.equal(await discover(scanner, scan().slice(0, 3)), 403);
    // The policy scores the account (risk.identity: account), so the tag is the account's.
    const findings = (await (await g.call('/admin/v1/findings')).json()) as {
      findings: { identityTag: string; detector: string; level: string }[];
    };
    const finding = findings.findings.at(-1);
    assert.deepEqual([finding?.detector, finding?.level], ['hit-ratio', 'block']);
    const tag = finding?.identityTag as string;
    assert.match(tag, /^[0-9a-f]{12}$/);
    const blocks = (await (await g.call('/admin/v1/blocks')).json()) as { blocks: { subject: unknown }[] };
    assert.deepEqual(
      blocks.blocks.map((b) => b.subject),
      [{ kind: 'identity', tag }],
    );
    const risky = (await (await g.call('/admin/v1/risky?kind=identity')).json()) as {
      subjects: { subject: unknown }[];
    };
    assert.deepEqual(risky.subjects[0]?.subject, { kind: 'identity', tag });

    const lift = await g.call('/admin/v1/blocks/lift', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ subject: { kind: 'identity', tag }, note: 'false positive' }),
    });
    assert.equal(lift.status, 200);
    assert.equal(await discover(scanner, scan().slice(0, 3)), 200);
    const events = (await (await g.call('/admin/v1/events?type=block-lifted,admin-action')).json()) as {
      events: { type: string; by?: string; subject?: unknown; action?: string }[];
    };
    assert.deepEqual(
      events.events.slice(-2).map((e) => [e.type, e.by ?? e.action]),
      [
        ['block-lifted', 'admin'],
        ['admin-action', 'lift'],
      ],
    );
    assert.ok(!g.lines.some((l) => l.includes(scanner)), 'the bearer token is never logged');
  });

  it('blocks a network for a while: its callers are refused until it is lifted', async () => {
    // Registration is anonymous, scored by its network alone (an account's lookups may be spared it).
    const signUp = async (n: number): Promise<number> => {
      const res = await fetch(`${g.base}/v1/accounts`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ number: `+4477009${String(n).padStart(5, '0')}` }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const block = await g.call('/admin/v1/blocks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        subject: { kind: 'network', prefix: '127.0.0.0/24' },
        duration: '10m',
        note: 'drill',
      }),
    });
    assert.equal(block.status, 201);
    assert.equal(await signUp(301), 403);
    const wrongLength = await g.call('/admin/v1/blocks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ subject: { kind: 'network', prefix: '127.0.0.0/16' }, duration: '10m' }),
    });
    assert.equal(wrongLength.status, 400);
    assert.match(((await wrongLength.json()) as { detail: string }).detail, /as \/24 prefixes, got \/16/);
    const lift = await g.call('/admin/v1/blocks/lift', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ subject: { kind: 'network', prefix: '127.0.0.0/24' } }),
    });
    assert.equal(lift.status, 200);
    assert.equal(await signUp(302), 201);
  });

  it('answers a policy with located errors, and reloads the file', async () => {
    const bad = await g.call('/admin/v1/policy/validate', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'version: 1\nroutes:\n  - id: x\n    match: { path: /x }\n    limits:\n      - { key: ip, rate: lots }\n',
    });
    assert.equal(bad.status, 422);
    const body = (await bad.json()) as { valid: boolean; errors: { line: number; path: string }[] };
    assert.equal(body.valid, false);
    assert.ok(
      body.errors.some((e) => e.line === 6 && e.path === 'routes[0].limits[0].rate'),
      JSON.stringify(body),
    );
    const reload = await g.call('/admin/v1/policy/reload', { method: 'POST' });
    assert.equal(reload.status, 200);
    const status = (await (await g.call('/admin/v1/status')).json()) as { policy: { version: string } };
    assert.match(status.policy.version, /^[0-9a-f]{16}$/);
  });

  it('streams events live, resumes after Last-Event-ID, and bounds the streams', async () => {
    for (const n of [1, 2, 3])
      g.gateway.events.emit({ type: 'admin-action', action: 'drill', detail: `step ${n}` });
    const kept = (await (await g.call('/admin/v1/events?type=admin-action&limit=3')).json()) as {
      events: { id: string }[];
    };
    const [first, second, third] = kept.events.map((e) => e.id);
    const resumed = await g.call('/admin/v1/events/live?type=admin-action', {
      headers: { 'last-event-id': first as string },
    });
    const ids = await readEvents(resumed, (seen) => seen.includes(third as string));
    assert.deepEqual(ids, [second, third]);

    const live = await g.call('/admin/v1/events/live');
    const other = await g.call('/admin/v1/events/live');
    const third3 = await g.call('/admin/v1/events/live');
    assert.deepEqual([live.status, other.status, third3.status], [200, 200, 503]);
    await third3.arrayBuffer();
    g.gateway.events.emit({ type: 'admin-action', action: 'drill', detail: 'live' });
    const got = await readEvents(live, (seen) => seen.length > 0);
    assert.equal(got.length, 1);
    await other.body?.cancel();
  });
});
