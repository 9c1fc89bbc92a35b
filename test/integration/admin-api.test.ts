import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_ROUTES } from '../../src/admin/admin-server.ts';
import { startGateway } from '../../src/cli/start-gateway.ts';
import { isEnumguardError } from '../../src/core/errors.ts';
import {
  ADMIN_TOKEN,
  DEFAULT_POLICY,
  startAdminGateway,
  type AdminGateway,
} from '../helpers/admin-gateway.ts';

/**
 * Issue 14's goal "every admin endpoint is tested without a token, with a wrong token and with
 * the right one": the walk is over ADMIN_ROUTES, the table the server routes by, and a route
 * without a sample call below fails the test, so a new endpoint cannot be left out.
 */
const NET = '198.51.100.0/24';
const SAMPLES: Record<string, { body?: unknown; text?: string; status: number }> = {
  'GET /admin/v1/status': { status: 200 },
  'GET /admin/v1/events': { status: 200 },
  'GET /admin/v1/findings': { status: 200 },
  'GET /admin/v1/hot-blocks': { status: 200 },
  'GET /admin/v1/risky': { status: 200 },
  'GET /admin/v1/blocks': { status: 200 },
  'GET /admin/v1/allowlist': { status: 200 },
  'GET /admin/v1/traffic': { status: 200 },
  'GET /admin/v1/session': { status: 200 },
  'GET /admin/v1/events/live': { status: 200 },
  'POST /admin/v1/blocks': {
    body: { subject: { kind: 'network', prefix: NET }, duration: '5m' },
    status: 201,
  },
  'POST /admin/v1/blocks/lift': { body: { subject: { kind: 'network', prefix: NET } }, status: 200 },
  'POST /admin/v1/allowlist': { body: { kind: 'cidr', value: '192.0.2.0/24' }, status: 201 },
  'POST /admin/v1/allowlist/remove': { body: { kind: 'cidr', value: '192.0.2.0/24' }, status: 200 },
  'POST /admin/v1/policy/validate': { text: DEFAULT_POLICY, status: 200 },
  'POST /admin/v1/policy/reload': { status: 200 },
};

let g: AdminGateway;
before(async () => {
  g = await startAdminGateway();
});
after(() => g.close());

function init(method: string, sample: (typeof SAMPLES)[string] | undefined): RequestInit {
  if (method === 'GET') return { method };
  if (sample?.text !== undefined)
    return { method, headers: { 'content-type': 'application/yaml' }, body: sample.text };
  return {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sample?.body ?? {}),
  };
}

async function assertUnauthorized(res: Response, what: string): Promise<void> {
  assert.equal(res.status, 401, what);
  assert.equal(res.headers.get('content-type'), 'application/problem+json', what);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /, what);
  const body = (await res.json()) as { status: number; title: string; type: string };
  assert.deepEqual([body.status, body.title, body.type], [401, 'Unauthorized', 'about:blank'], what);
}

describe('admin API authentication', () => {
  it('has a sample call for every route the server serves', () => {
    const routes = ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      routes.filter((r) => SAMPLES[r] === undefined),
      [],
    );
    assert.deepEqual(
      Object.keys(SAMPLES).filter((k) => !routes.includes(k)),
      [],
    );
  });

  for (const route of ADMIN_ROUTES) {
    const key = `${route.method} ${route.path}`;
    it(`${key}: 401 without a token and with a wrong one; answers with the right one`, async () => {
      const sample = SAMPLES[key];
      await assertUnauthorized(
        await g.call(route.path, { ...init(route.method, sample), token: null }),
        `${key} no token`,
      );
      await assertUnauthorized(
        await g.call(route.path, { ...init(route.method, sample), token: `${ADMIN_TOKEN}x` }),
        `${key} wrong`,
      );
      await assertUnauthorized(
        await g.call(route.path, {
          ...init(route.method, sample),
          token: null,
          headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
        }),
        `${key} another scheme`,
      );
      const abort = new AbortController();
      const res = await g.call(route.path, { ...init(route.method, sample), signal: abort.signal });
      assert.equal(
        res.status,
        sample?.status,
        `${key}: ${res.status} ${route.path.endsWith('/live') ? '' : await res.clone().text()}`,
      );
      assert.equal(res.headers.get('cache-control'), 'no-store');
      if (route.path.endsWith('/live')) {
        assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
        abort.abort();
      } else await res.arrayBuffer();
    });
  }

  it('refuses to start a gateway whose policy has server.admin but whose environment has no token', async () => {
    await assert.rejects(
      startGateway({
        policyPath: g.policyPath,
        upstream: g.service.url,
        port: 0,
        host: '127.0.0.1',
        watch: false,
        env: {},
      }),
      (err) =>
        isEnumguardError(err) &&
        err.code === 'ERR_CONFIG' &&
        /ENUMGUARD_ADMIN_TOKEN is not/.test(err.message),
    );
  });
});
