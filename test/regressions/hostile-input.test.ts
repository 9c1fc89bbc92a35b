import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { manualClock } from '../../src/core/clock.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { lookupPolicy } from '../helpers/policies.ts';

const HEADER_NAMES = [
  'x-api-key',
  'authorization',
  'x-forwarded-for',
  'forwarded',
  'x-tenant',
  'content-type',
  'connection',
] as const;

/** Bad input gets a clear answer, never an exception: headers, paths, bodies and peers. */
describe('pipeline under hostile input (property)', () => {
  it('answers every request with a known status and never throws', async () => {
    const clock = manualClock(0);
    const policy = compilePolicy(
      lookupPolicy('http://127.0.0.1:9').replace('server:\n', 'server:\n  trustedProxies: [127.0.0.0/8]\n'),
    );
    const pipeline = createPipeline({ policy, store: createMemoryStore({ clock, maxKeys: 1000 }), clock });
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom(
        'Bearer ',
        'Bearer a.b.c',
        'ApiKey ',
        'for="[::1',
        'for=_hidden;proto=http',
        ',,,',
        '::ffff:1.2.3.4',
      ),
      fc.string({ unit: 'binary', maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'get', 'X'),
          url: fc.oneof(
            fc.constantFrom(
              '/v1/contacts/discover',
              '/v1/accounts/x/photo',
              '/healthz',
              '/%',
              '//..//',
              '/v1/%zz',
            ),
            fc.string({ maxLength: 100 }).map((s) => `/${s}`),
          ),
          headers: fc.dictionary(
            fc.constantFrom(...HEADER_NAMES),
            fc.oneof(text, fc.array(text, { maxLength: 3 })),
          ),
          remoteAddress: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', 'garbage', '::ffff:10.0.0.1')),
          body: fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.record({ numbers: fc.jsonValue() })),
        }),
        async (req) => {
          const verdict = await pipeline.admit(req);
          const status = verdict.allowed ? 200 : verdict.response.status;
          assert.ok([200, 400, 401, 403, 404, 413, 429].includes(status), `status ${status}`);
          if (!verdict.allowed) JSON.parse(verdict.response.body);
        },
      ),
      { numRuns: 500 },
    );
  });
});
