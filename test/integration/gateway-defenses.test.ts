import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { captureLogger } from '../helpers/capture-logger.ts';
import { startGateway } from '../../src/cli/start-gateway.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { startReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';

/**
 * The shipped enumguard-default policy in the real gateway, in front of the real reference
 * service over loopback: a scan's first answer is withheld and the account blocked, a real
 * address book passes with photos stripped for a new account, and findings are logged by tag.
 */
const population = createPopulation({ seed: 31, accounts: 20_000 });

describe('gateway with policies/enumguard-default.yaml', () => {
  it('withholds a scan, blocks the account, passes an address book, logs by tag', async () => {
    const service = await startReferenceService({ population, port: 0 });
    const { logger, lines } = captureLogger();
    const gateway = await startGateway({
      policyPath: join(import.meta.dirname, '../../policies/enumguard-default.yaml'),
      upstream: service.url,
      port: 0,
      host: '127.0.0.1',
      logger,
      watch: false,
    });
    const base = `http://127.0.0.1:${gateway.address.port}`;
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const register = async (n: number) => {
      const reg = await post('/v1/accounts', { number: `+4477009${String(n).padStart(5, '0')}` });
      assert.equal(reg.status, 201);
      return reg.body.token as string;
    };
    try {
      const scanner = await register(1);
      const scan = Array.from({ length: 1000 }, (_, i) =>
        formatE164(population.candidateAt((i * 7919) % population.candidateCount)),
      );
      const first = await post('/v1/contacts/discover', { numbers: scan }, scanner);
      assert.equal(first.status, 403);
      assert.equal(first.body.code, 'blocked');
      assert.equal(first.body.contacts, undefined, 'the scan answer is withheld');
      const again = await post('/v1/contacts/discover', { numbers: scan.slice(0, 5) }, scanner);
      assert.equal(again.status, 403);

      const user = await register(2);
      let owner = 0;
      while (population.addressBook(owner).length < 150) owner++;
      const book = Array.from(population.addressBook(owner), (n) => formatE164(n));
      const sync = await post('/v1/contacts/discover', { numbers: book }, user);
      assert.equal(sync.status, 200);
      const contacts = sync.body.contacts as Record<string, unknown>[];
      assert.ok(contacts.length > 0);
      assert.ok(
        contacts.every((c) => c.photo === undefined && c.about === undefined),
        'a day-old account gets no photo or about',
      );

      const findings = lines.filter((l) => l.includes('risk finding'));
      assert.equal(findings.length, 1);
      assert.match(findings[0] as string, /"detector":"hit-ratio"/);
      assert.match(findings[0] as string, /"identity":"[0-9a-f]{12}"/);
      assert.ok(!lines.some((l) => l.includes(scanner)), 'the bearer token is never logged');
    } finally {
      await gateway.stop(1000);
      await service.close();
    }
  });
});
