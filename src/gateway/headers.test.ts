import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { downstreamHeaders, upstreamHeaders } from './headers.ts';

describe('downstreamHeaders', () => {
  it("drops an upstream's X-Enumguard-Problem: only the gateway may say it refused", () => {
    const out = downstreamHeaders({
      'content-type': 'application/problem+json',
      'x-enumguard-problem': 'quota-exceeded',
      etag: '"v1"',
    });
    assert.deepEqual(out, { 'content-type': 'application/problem+json', etag: '"v1"' });
  });

  it('drops hop-by-hop fields and the ones Connection names', () => {
    const out = downstreamHeaders({
      connection: 'close, x-trace',
      'keep-alive': 'timeout=5',
      'x-trace': '1',
      a: 'b',
    });
    assert.deepEqual(out, { a: 'b' });
  });
});

describe('upstreamHeaders', () => {
  it('drops Expect: the gateway answers 100-continue itself, and undici refuses to send it', () => {
    const out = upstreamHeaders(
      { expect: '100-continue', 'content-length': '3', a: 'b' },
      '10.0.0.1',
      undefined,
    );
    assert.deepEqual(out, { 'content-length': '3', a: 'b', 'x-forwarded-for': '10.0.0.1' });
  });
});
