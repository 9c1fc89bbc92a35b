import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from './compile.ts';
import { parseListen, parseMetricsPath } from './metrics-section.ts';

const policy = (server: string): string => `version: 1\nserver:\n${server}\nroutes: []\n`;

describe('server.metrics', () => {
  it('is off when absent: no metrics listener', () => {
    assert.equal(compilePolicy(policy('  bodyLimit: 1mb')).server.metrics, undefined);
  });

  it('defaults to loopback 127.0.0.1:9464 and /metrics when given empty', () => {
    assert.deepEqual(compilePolicy(policy('  metrics: {}')).server.metrics, {
      host: '127.0.0.1',
      port: 9464,
      path: '/metrics',
    });
  });

  it('reads an IPv4, localhost or bracketed IPv6 host, and port 0 for a free port', () => {
    assert.deepEqual(parseListen('0.0.0.0:9100'), { ok: true, value: { host: '0.0.0.0', port: 9100 } });
    assert.deepEqual(parseListen('localhost:0'), { ok: true, value: { host: 'localhost', port: 0 } });
    assert.deepEqual(parseListen('[::1]:9464'), { ok: true, value: { host: '::1', port: 9464 } });
    const compiled = compilePolicy(policy("  metrics: { listen: '[::]:65535', path: /internal/prom }"));
    assert.deepEqual(compiled.server.metrics, { host: '::', port: 65535, path: '/internal/prom' });
  });

  it('refuses hosts that are not IP literals, empty hosts and a missing port', () => {
    for (const bad of [':9464', 'example.com:9464', '[127.0.0.1]:9464', '127.0.0.1', '[::1]', '127.0.0.1:']) {
      assert.equal(parseListen(bad).ok, false, bad);
    }
  });

  it('refuses paths that do not start with "/" or carry a query, fragment or space', () => {
    for (const bad of ['metrics', '/metrics#x', '/me trics', '', 42]) {
      assert.equal(parseMetricsPath(bad).ok, false, String(bad));
    }
    assert.deepEqual(parseMetricsPath('/'), { ok: true, value: '/' });
  });
});
