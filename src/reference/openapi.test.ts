import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { manualClock } from '../core/clock.ts';
import { createReferenceHandler } from './handler.ts';
import { createPopulation } from './population/population.ts';
import { createReferenceService } from './service.ts';

interface Spec {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

const spec = parse(
  readFileSync(new URL('../../docs/reference-api.openapi.yaml', import.meta.url), 'utf8'),
) as Spec;
const population = createPopulation({ seed: 1, accounts: 1_000 });
const handle = createReferenceHandler(
  createReferenceService({ population, clock: manualClock(population.startMs) }),
);

describe('docs/reference-api.openapi.yaml', () => {
  it('is OpenAPI 3.1', () => {
    assert.match(spec.openapi, /^3\.1\./);
  });

  it('documents every route the handler serves, with each status it can answer', () => {
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const url = path.replace('{accountId}', '000000000000');
        const res = handle({ method: method.toUpperCase(), url, headers: {} });
        // Without a body or token every documented route still exists: never "no route" or 405.
        assert.ok(res.status !== 404 && res.status !== 405, `${method} ${path} is not served`);
        assert.ok(
          String(res.status) in op.responses,
          `${method} ${path} answered ${res.status}, undocumented`,
        );
      }
    }
    for (const route of [
      '/v1/accounts',
      '/v1/contacts/discover',
      '/v1/contacts/discover/delta',
      '/v1/accounts/{accountId}/photo',
      '/v1/accounts/{accountId}/profile',
      '/healthz',
    ]) {
      assert.ok(spec.paths[route], `${route} is not documented`);
    }
  });
});
