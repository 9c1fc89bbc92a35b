import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isEnumguardError } from '../core/errors.ts';
import { createEgressFilter } from './egress-filter.ts';
import { egressTransform } from './egress-stream.ts';

async function through(parts: string[], records = '/contacts') {
  const filter = createEgressFilter({ records, strip: ['photo'], maxRecords: 1 });
  const out: Buffer[] = [];
  await pipeline(Readable.from(parts.map((p) => Buffer.from(p))), egressTransform(filter), async (source) => {
    for await (const chunk of source) out.push(chunk as Buffer);
  });
  return { text: Buffer.concat(out).toString('utf8'), stats: filter.stats() };
}

describe('egressTransform', () => {
  it('filters a piped body and leaves the counts on the filter', async () => {
    const { text, stats } = await through(['{"contacts":[{"n":1,"pho', 'to":"x"},{"n":2}],"ok":', 'true}']);
    assert.equal(text, '{"contacts":[{"n":1}],"ok":true}');
    assert.deepEqual([stats.records, stats.passed, stats.dropped, stats.stripped], [2, 1, 1, 1]);
  });

  it('fails the stream with ERR_UPSTREAM_BODY on a faulty body', async () => {
    await assert.rejects(through(['{"contacts":[', '{"n":1}']), (err: unknown) =>
      isEnumguardError(err, 'ERR_UPSTREAM_BODY'),
    );
  });
});
