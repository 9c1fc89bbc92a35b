import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from './compile.ts';
import { PolicyError } from './issues.ts';
import { loadPolicy } from './load.ts';
import type { CompiledRoute } from './types.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/policies');

function route(routes: readonly CompiledRoute[], id: string): CompiledRoute {
  const r = routes.find((x) => x.id === id);
  assert.ok(r, `route ${id}`);
  return r;
}

function issuesOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PolicyError);
    return err;
  }
  assert.fail('expected a PolicyError');
}

describe('compilePolicy on examples/policy.yaml', () => {
  it('compiles with durations in ms, sizes in bytes and defaults filled in', async () => {
    const policy = await loadPolicy(join(ROOT, 'examples/policy.yaml'));
    assert.equal(policy.upstream, 'http://127.0.0.1:8081');
    assert.deepEqual(policy.server, {
      trustedProxies: ['127.0.0.1/32', '::1/128'],
      forwardedHeader: 'auto',
      bodyLimitBytes: 262_144,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      idleTimeoutMs: 5_000,
      upstreamTimeoutMs: 10_000,
      store: undefined,
      metrics: undefined,
      admin: undefined,
    });
    assert.equal(policy.unmatched, 'deny');
    assert.deepEqual(
      policy.routes.map((r) => r.id),
      ['discover', 'photo', 'register', 'health'],
    );
    assert.equal(policy.identities.jwt?.clockToleranceMs, 30_000);
    assert.deepEqual(policy.identities.jwt?.key, {
      kind: 'secret',
      secret: 'change-me-to-a-long-random-secret-of-32-bytes',
    });
    assert.equal(policy.identities.apiKeys?.keys[0]?.id, 'alice');
  });

  it('compiles limits into specs, keys and costs, and marks routes that need the body', async () => {
    const policy = await loadPolicy(join(ROOT, 'examples/policy.yaml'));
    const discover = route(policy.routes, 'discover');
    assert.equal(discover.needsBody, true);
    assert.equal(discover.rateLimitHeaders, false);
    assert.deepEqual(discover.batch, { pointer: '/numbers', max: 1000, status: 413 });
    assert.deepEqual(discover.limits[0], {
      spec: {
        id: 'discover/per-identity',
        algorithm: 'gcra',
        limit: 5000,
        windowMs: 86_400_000,
        burst: 2000,
      },
      key: { kind: 'identity' },
      cost: { kind: 'body-array', pointer: '/numbers' },
    });
    assert.deepEqual(discover.limits[2]?.key, { kind: 'ip-prefix', v4: 24, v6: 64 });
    assert.deepEqual(discover.limits[3]?.spec, {
      id: 'discover/global',
      algorithm: 'fixed-window',
      limit: 100_000,
      windowMs: 60_000,
      burst: 100_000,
    });
    const register = route(policy.routes, 'register');
    assert.deepEqual(register.limits[0]?.key, { kind: 'ip-prefix', v4: 24, v6: 48 });
    assert.equal(register.needsBody, false);
  });

  it('compiles path patterns and methods', async () => {
    const policy = await loadPolicy(join(ROOT, 'examples/policy.yaml'));
    const photo = route(policy.routes, 'photo');
    assert.equal(photo.matchPath('/v1/accounts/abc/photo'), true);
    assert.equal(photo.matchPath('/v1/accounts/abc'), false);
    assert.deepEqual(photo.methods, ['GET']);
    assert.deepEqual(photo.limits[0]?.cost, { kind: 'fixed', units: 1 });
    assert.equal(photo.needsBody, false);
    const health = route(policy.routes, 'health');
    assert.deepEqual(health.methods, ['GET', 'HEAD']);
    assert.deepEqual(health.limits, []);
    assert.equal(health.auth, 'none');
  });
});

describe('compilePolicy on the valid fixtures', () => {
  it('reads a JWKS file relative to the policy and normalizes proxies, methods and headers', async () => {
    const policy = await loadPolicy(join(FIXTURES, 'valid-jwks.yaml'));
    assert.deepEqual(policy.server.trustedProxies, ['10.0.0.0/8', '192.168.1.7/32', '2001:db8::/32']);
    assert.equal(policy.server.bodyLimitBytes, 512);
    assert.equal(policy.server.requestTimeoutMs, 30_000);
    const jwt = policy.identities.jwt;
    assert.ok(jwt?.key.kind === 'jwks');
    assert.equal(jwt.key.jwks.keys[0]?.['kid'], 'test-1');
    assert.equal(jwt.clockToleranceMs, 5_000);
    assert.equal(jwt.identityClaim, 'sub');
    assert.equal(jwt.scopesClaim, 'scope');
    assert.equal(jwt.issuer, undefined);
    const search = route(policy.routes, 'search');
    assert.deepEqual(search.methods, ['GET', 'HEAD']);
    assert.deepEqual(
      search.limits.map((l) => [l.spec.id, l.key, l.cost]),
      [
        ['search/claim-tenant', { kind: 'claim', name: 'tenant' }, { kind: 'fixed', units: 1 }],
        ['search/header-x-tenant', { kind: 'header', name: 'x-tenant' }, { kind: 'fixed', units: 2 }],
        ['search/ipv6-48', { kind: 'ip-prefix', v4: 32, v6: 48 }, { kind: 'fixed', units: 1 }],
      ],
    );
    const files = route(policy.routes, 'static');
    assert.equal(files.methods, '*');
    assert.equal(files.matchPath('/static/css/site.css'), true);
  });

  it('reads a PEM public key file and fills in defaults for a minimal policy', async () => {
    const pem = await loadPolicy(join(FIXTURES, 'valid-pem.yaml'));
    assert.equal(pem.identities.jwt?.key.kind, 'pem');
    assert.equal(pem.identities.jwt?.identityClaim, 'uid');
    const minimal = await loadPolicy(join(FIXTURES, 'valid-minimal.yaml'));
    assert.equal(minimal.upstream, undefined);
    assert.equal(minimal.server.bodyLimitBytes, 1_048_576);
    assert.deepEqual(minimal.server.trustedProxies, []);
    assert.deepEqual(minimal.identities, {
      apiKeys: undefined,
      jwt: undefined,
      // 20 failed authentications a minute per client address (issue 13 item 6).
      failedAuth: { id: 'identities/failed-auth', algorithm: 'gcra', limit: 20, windowMs: 60_000, burst: 20 },
    });
    const lookup = route(minimal.routes, 'lookup');
    assert.equal(lookup.methods, '*');
    assert.deepEqual(lookup.scopes, []);
    assert.equal(lookup.rateLimitHeaders, true);
    assert.equal(lookup.batch, undefined);
    assert.deepEqual(lookup.limits[0]?.spec, {
      id: 'lookup/ip',
      algorithm: 'gcra',
      limit: 10,
      windowMs: 60_000,
      burst: 10,
    });
  });
});

describe('compilePolicy server.store', () => {
  it('resolves the snapshot path against the policy file and defaults snapshotEvery to 30s', async () => {
    const policy = await loadPolicy(join(FIXTURES, 'valid-store.yaml'));
    assert.deepEqual(policy.server.store, {
      kind: 'memory',
      snapshotPath: join(FIXTURES, 'state/enumguard.snap'),
      snapshotEveryMs: 30_000,
    });
    const absolute = compilePolicy(
      'version: 1\nserver:\n  store: { snapshot: /var/lib/eg.snap, snapshotEvery: 5m }\nroutes: []\n',
    );
    assert.deepEqual(absolute.server.store, {
      kind: 'memory',
      snapshotPath: '/var/lib/eg.snap',
      snapshotEveryMs: 300_000,
    });
  });

  it('compiles a standalone Redis with the defaults: prefix eg, the fixed seed, 50 ms, instances auto, no AUTH', async () => {
    const policy = await loadPolicy(join(FIXTURES, 'valid-store-redis.yaml'));
    assert.deepEqual(policy.server.store, {
      kind: 'redis',
      target: { mode: 'standalone', url: 'redis://127.0.0.1:6379' },
      prefix: 'eg',
      seed: undefined,
      seedEnv: undefined,
      timeoutMs: 50,
      instances: 'auto',
      auth: undefined,
    });
  });

  it('compiles a cluster with prefix, timeout, instances and a seed read from the environment', () => {
    const policy = compilePolicy(
      [
        'version: 1',
        'server:',
        '  store:',
        '    cluster: ["127.0.0.1:7000", "[::1]:7001"]',
        '    prefix: gw1',
        '    seedEnv: EG_SEED',
        '    timeout: 20ms',
        '    instances: 3',
        'routes: []',
      ].join('\n'),
      { env: { EG_SEED: '4294967295, 17' } },
    );
    assert.deepEqual(policy.server.store, {
      kind: 'redis',
      target: {
        mode: 'cluster',
        nodes: [
          { host: '127.0.0.1', port: 7000 },
          { host: '::1', port: 7001 },
        ],
      },
      prefix: 'gw1',
      seed: [-1, 17],
      seedEnv: 'EG_SEED',
      timeoutMs: 20,
      instances: 3,
      auth: undefined,
    });
  });

  it('with skipExternal reads no environment variable and no key file, and still checks the rest', () => {
    const text = [
      'version: 1',
      'server:',
      '  store:',
      '    redis: redis://127.0.0.1:6379',
      '    seedEnv: EG_SEED',
      '    passwordEnv: EG_REDIS_PASSWORD',
      'identities:',
      '  jwt:',
      '    algorithms: [ES256]',
      '    jwksFile: /nonexistent/jwks.json',
      'routes: []',
      'alerts:',
      '  webhooks:',
      '    - { id: a, urlEnv: EG_URL, secretEnv: EG_SECRET }',
      '    - { id: p, format: pagerduty, routingKeyEnv: EG_ROUTING }',
    ].join('\n');
    // The given env is ignored too: nothing of it may reach the result.
    const env = { EG_SEED: '1,2', EG_REDIS_PASSWORD: 'real password', EG_URL: 'x', EG_SECRET: 'short' };
    const policy = compilePolicy(text, { env, skipExternal: true });
    const store = policy.server.store;
    assert.ok(store?.kind === 'redis');
    assert.notEqual(store.auth?.password, 'real password');
    assert.notDeepEqual(store.seed, [1, 2]);
    assert.deepEqual(policy.identities.jwt?.key, { kind: 'jwks', jwks: { keys: [] } });
    assert.equal(policy.alerts?.webhooks.length, 2);
    // Without skipExternal the same text and env fail on what they read.
    assert.match(issuesOf(() => compilePolicy(text, { env })).message, /jwksFile: cannot read/);
    // The policy's own errors are still reported.
    assert.match(
      issuesOf(() => compilePolicy(text.replace('urlEnv: EG_URL, ', ''), { skipExternal: true })).message,
      /set exactly one of url or urlEnv/,
    );
  });

  it('compiles cluster AUTH: the password read from passwordEnv, with or without an ACL user', () => {
    const doc = (lines: string[]) =>
      ['version: 1', 'server:', '  store:', '    cluster: ["127.0.0.1:7000"]', ...lines, 'routes: []'].join(
        '\n',
      );
    const env = { EG_REDIS_PASSWORD: 's3cr3t pass' };
    const acl = compilePolicy(doc(['    username: enumguard', '    passwordEnv: EG_REDIS_PASSWORD']), {
      env,
    });
    assert.deepEqual(acl.server.store?.kind === 'redis' && acl.server.store.auth, {
      username: 'enumguard',
      password: 's3cr3t pass',
      passwordEnv: 'EG_REDIS_PASSWORD',
    });
    const plain = compilePolicy(doc(['    passwordEnv: EG_REDIS_PASSWORD']), { env });
    assert.deepEqual(plain.server.store?.kind === 'redis' && plain.server.store.auth, {
      username: undefined,
      password: 's3cr3t pass',
      passwordEnv: 'EG_REDIS_PASSWORD',
    });
    // A standalone URL without credentials takes them from passwordEnv too.
    const standalone = compilePolicy(
      'version: 1\nserver:\n  store: { redis: "redis://h:1", passwordEnv: EG_REDIS_PASSWORD }\nroutes: []\n',
      { env },
    );
    assert.equal(
      standalone.server.store?.kind === 'redis' && standalone.server.store.auth?.password,
      's3cr3t pass',
    );
  });

  it('refuses a seed that is not two 32-bit integers without echoing it', () => {
    assert.throws(
      () =>
        compilePolicy('version: 1\nserver:\n  store: { redis: "redis://h:1", seedEnv: S }\nroutes: []\n', {
          env: { S: 'hunter2' },
        }),
      {
        message:
          '<inline>:3 server.store.seedEnv: environment variable S must hold two 32-bit integers like "1234567,89012345", got 7 characters',
      },
    );
  });

  it('never shows a password of a bad Redis URL', () => {
    assert.throws(
      () => compilePolicy('version: 1\nserver:\n  store: { redis: "http://:pw@h:1" }\nroutes: []\n'),
      {
        message:
          '<inline>:3 server.store.redis: expected a redis:// or rediss:// URL like "redis://127.0.0.1:6379", got a URL with credentials (not shown)',
      },
    );
  });
});

describe('compilePolicy storeUnavailable', () => {
  it('defaults each route to local and keeps an explicit deny or allow', () => {
    const policy = compilePolicy(`version: 1
routes:
  - { id: a, match: { path: /a }, auth: none }
  - { id: b, match: { path: /b }, auth: none, storeUnavailable: deny }
  - { id: c, match: { path: /c }, auth: none, storeUnavailable: allow }
`);
    assert.deepEqual(
      policy.routes.map((r) => r.storeUnavailable),
      ['local', 'deny', 'allow'],
    );
  });
});

describe('compilePolicy errors', () => {
  it('names inline sources "<inline>" and exposes each issue as data', () => {
    const err = issuesOf(() => compilePolicy('version: 1\nroutes: 5\n'));
    assert.equal(err.code, 'ERR_POLICY_INVALID');
    assert.equal(err.message, '<inline>:2 routes: expected a list, got 5');
    assert.deepEqual(err.issues, [{ line: 2, path: 'routes', message: 'expected a list, got 5' }]);
  });

  it('reports every issue, one per line, sorted by line', () => {
    const text = [
      'version: 1',
      'routes:',
      '  - id: b',
      '    match: { path: /b }',
      '    auth: none',
      '    limits: [{ key: ip, rate: 1/1s, cost: x }]',
      'server: { bodyLimit: 0 }',
    ].join('\n');
    const err = issuesOf(() => compilePolicy(text, { source: '/etc/enumguard/policy.yaml' }));
    assert.deepEqual(
      err.issues.map((i) => [i.line, i.path]),
      [
        [6, 'routes[0].limits[0].cost'],
        [7, 'server.bodyLimit'],
      ],
    );
    assert.match(
      err.message,
      /^policy\.yaml:6 routes\[0\]\.limits\[0\]\.cost: .*\npolicy\.yaml:7 server\.bodyLimit: /,
    );
  });

  it('locates a missing key at its parent mapping', () => {
    const err = issuesOf(() =>
      compilePolicy('version: 1\nroutes:\n  - match: { path: /x }\n    auth: none\n'),
    );
    assert.deepEqual(err.issues, [{ line: 3, path: 'routes[0].id', message: 'is required' }]);
  });

  it('follows YAML aliases when locating issues', () => {
    const text = [
      'version: 1',
      'routes:',
      '  - id: a',
      '    match: { path: /a }',
      '    auth: none',
      '    limits: &shared',
      '      - { key: ip, rate: soon }',
      '  - id: b',
      '    match: { path: /b }',
      '    auth: none',
      '    limits: *shared',
    ].join('\n');
    const err = issuesOf(() => compilePolicy(text));
    assert.deepEqual(
      err.issues.map((i) => [i.line, i.path]),
      [
        [7, 'routes[0].limits[0].rate'],
        [7, 'routes[1].limits[0].rate'],
      ],
    );
  });

  it('resolves key files against baseDir', () => {
    const text =
      'version: 1\nidentities:\n  jwt: { algorithms: [ES256], jwksFile: keys/jwks.json }\nroutes: []\n';
    const policy = compilePolicy(text, { baseDir: FIXTURES });
    assert.equal(policy.identities.jwt?.key.kind, 'jwks');
    assert.equal(policy.source, '<inline>');
  });

  it('never echoes a secret or a cleartext key in a message', () => {
    const text = readFileSync(join(FIXTURES, 'invalid-short-secret.yaml'), 'utf8');
    const err = issuesOf(() => compilePolicy(text));
    assert.equal(err.message.includes('too-short'), false);
    const key = 'a-long-cleartext-api-key-pasted-into-sha256';
    const pasted = `version: 1\nidentities:\n  apiKeys:\n    keys: [{ id: a, sha256: ${key} }]\nroutes: []\n`;
    assert.equal(issuesOf(() => compilePolicy(pasted)).message.includes(key), false);
  });

  it('requires HS384 secrets of 48 bytes (RFC 7518 §3.2)', () => {
    const secret = 'x'.repeat(40);
    const text = `version: 1\nidentities:\n  jwt: { algorithms: [HS256, HS384], secret: ${secret} }\nroutes: []\n`;
    assert.equal(
      issuesOf(() => compilePolicy(text)).message,
      '<inline>:3 identities.jwt.secret: secret must be at least 48 bytes for HS384 (RFC 7518 §3.2), got 40',
    );
  });
});

describe('compilePolicy with a typed object', () => {
  it('compiles the same document as its YAML text', () => {
    const text = [
      'version: 1',
      'routes:',
      '  - id: discover',
      '    match: { method: POST, path: /v1/contacts/discover }',
      '    auth: none',
      '    limits:',
      '      - { id: per-ip, key: ip, rate: 5/1m }',
    ].join('\n');
    const fromText = compilePolicy(text);
    const fromObject = compilePolicy({
      version: 1,
      routes: [
        {
          id: 'discover',
          match: { method: 'POST', path: '/v1/contacts/discover' },
          auth: 'none',
          limits: [{ id: 'per-ip', key: 'ip', rate: '5/1m' }],
        },
      ],
    });
    assert.equal(fromObject.routes.length, 1);
    assert.deepEqual(fromObject.routes[0]?.limits, fromText.routes[0]?.limits);
  });

  it('locates an invalid object by path, without a line', () => {
    assert.throws(
      () =>
        compilePolicy(
          {
            version: 1,
            routes: [
              {
                id: 'r',
                match: { path: '/x' },
                auth: 'none',
                limits: [{ id: 'l', key: 'ip', rate: 'often' }],
              },
            ],
          },
          { source: 'app-policy' },
        ),
      (err: unknown) =>
        err instanceof PolicyError &&
        err.issues.every((i) => i.line === 0) &&
        /^app-policy routes\[0\]\.limits\[0\]\.rate: /.test(err.message),
    );
  });
});
