/**
 * Throughput of the egress filter on a contact-discovery answer of CONTACTS records, against
 * the simple peer in the same run: JSON.parse the whole body, strip and cap, JSON.stringify.
 *
 *   npx tsx bench/egress.ts [--contacts 1000] [--chunk 65536] [--ms 1500]
 *
 * Two answers: photos as paths (as the reference service sends them) and photos inline as
 * 2 KiB data URLs (bodies where the bytes are mostly one stripped member).
 */
import { parseArgs } from 'node:util';
import { createEgressFilter } from '../src/egress/index.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000' },
    chunk: { type: 'string', default: '65536' },
    ms: { type: 'string', default: '1500' },
  },
});
const contacts = Number(values.contacts);
const chunkSize = Number(values.chunk);
const budgetMs = Number(values.ms);
const STRIP = ['photo', 'about'];
const MAX_RECORDS = 500;

function answer(inlinePhoto: boolean): Buffer {
  const list = [];
  for (let i = 0; i < contacts; i++) {
    const number = `+1415${String(5_550_000 + i).padStart(7, '0')}`;
    const accountId = `acc_${(i * 2_654_435_761) % 4_294_967_296}`.padEnd(16, 'x');
    const photo = inlinePhoto
      ? `data:image/svg+xml;base64,${Buffer.alloc(1536, i % 251).toString('base64')}`
      : `/v1/accounts/${accountId}/photo`;
    list.push({
      number,
      accountId,
      about: `Hey there! I am using Chat, contact ${i} \u00e9\u{1f600}`,
      photo,
    });
  }
  return Buffer.from(JSON.stringify({ contacts: list, next: null }));
}

function viaFilter(body: Buffer): number {
  const f = createEgressFilter({ records: '/contacts', strip: STRIP, maxRecords: MAX_RECORDS });
  let out = 0;
  for (let at = 0; at < body.length; at += chunkSize) {
    for (const c of f.write(body.subarray(at, at + chunkSize))) out += c.length;
  }
  for (const c of f.end()) out += c.length;
  return out;
}

function viaParse(body: Buffer): number {
  const doc = JSON.parse(body.toString('utf8')) as { contacts: Record<string, unknown>[] };
  doc.contacts = doc.contacts.slice(0, MAX_RECORDS).map((r) => {
    for (const name of STRIP) delete r[name];
    return r;
  });
  return Buffer.byteLength(JSON.stringify(doc));
}

function measure(run: (b: Buffer) => number, body: Buffer): { mbps: number; recps: number } {
  for (let i = 0; i < 20; i++) run(body);
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    run(body);
    n++;
    elapsed = performance.now() - start;
  }
  const perSec = (n * 1000) / elapsed;
  return { mbps: (perSec * body.length) / 1e6, recps: perSec * contacts };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
console.log(
  `| answer | body bytes | filter MB/s | filter records/s | parse+stringify MB/s | parse+stringify records/s | ratio |`,
);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const inline of [false, true]) {
  const body = answer(inline);
  if (viaFilter(body) !== viaParse(body)) throw new Error('the filter and the peer disagree on output size');
  const ours = measure(viaFilter, body);
  const peer = measure(viaParse, body);
  console.log(
    `| ${int(contacts)} contacts, photo ${inline ? 'inline 2 KiB' : 'as path'} | ${int(body.length)} | ${ours.mbps.toFixed(0)} | ${int(ours.recps)} | ${peer.mbps.toFixed(0)} | ${int(peer.recps)} | ${(ours.mbps / peer.mbps).toFixed(2)}× |`,
  );
}
