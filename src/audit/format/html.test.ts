import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditSpec } from '../spec/audit-spec.ts';
import { renderHtml } from './html.ts';

const HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">&amp;\'';

/** A spec whose operation summary, operationId and path are markup. */
function hostileSpec(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eg-audit-html-'));
  const file = join(dir, 'hostile.json');
  const spec = {
    openapi: '3.0.3',
    info: { title: HOSTILE, version: '1' },
    paths: {
      '/lookup/<b>{phone}</b>': {
        get: {
          operationId: `x"><script>alert(3)</script>`,
          summary: HOSTILE,
          parameters: [
            { name: 'phone', in: 'path', required: true, schema: { type: 'string', format: 'phone' } },
          ],
          responses: {
            '200': {
              description: 'x',
              content: {
                'application/json': { schema: { type: 'object', properties: { about: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  };
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe('renderHtml', () => {
  it('escapes every value from the spec: no markup of its own reaches the page', async () => {
    const report = await auditSpec(hostileSpec());
    assert.ok(report.findings.some((f) => f.evidence?.summary === HOSTILE));
    const html = renderHtml(report);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<b>\{phone\}/);
    assert.match(
      html,
      /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=&quot;alert\(2\)&quot;&gt;&amp;amp;&#39;/,
    );
    assert.match(html, /x&quot;&gt;&lt;script&gt;alert\(3\)/);
  });

  it('is one self-contained file: inline style, no script, no external resource', async () => {
    const html = renderHtml(await auditSpec('docs/reference-api.openapi.yaml'));
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<style>/);
    assert.doesNotMatch(html, /<script|<link|src=|https?:\/\/(?!iana)/i);
    assert.match(html, /EG-ORACLE/);
    assert.match(html, /POST \/v1\/contacts\/discover \(discoverContacts\)/);
  });
});
