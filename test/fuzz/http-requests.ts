import type { Rng } from '../../src/core/rng.ts';
import { FULL_KEY, NOSCOPE_KEY } from '../helpers/policies.ts';
import { pick } from './fuzz-rng.ts';

/**
 * Hostile HTTP/1.1 requests as raw bytes for the gateway fuzzer (issue 13): request lines,
 * headers, bodies and framing that parsers, smugglers and scanners send. Each request is the
 * chunks to write (a split write exercises partial reads) and a description for the report.
 */
export interface HostileRequest {
  readonly chunks: readonly Buffer[];
  readonly description: string;
}

const PATHS = [
  '/v1/contacts/discover',
  '/v1/accounts/42/photo',
  '/v1/strict',
  '/v1/upload',
  '/healthz',
  '/V1/CONTACTS/DISCOVER',
  '/v1/contacts/discover/',
  '//v1/contacts/discover',
  '/v1/./contacts/discover',
  '/v1/x/../contacts/discover',
  '/v1/contacts/%64iscover',
  '/v1/contacts%2Fdiscover',
  '/v1/accounts/%2e%2e/photo',
  '/v1/accounts/42/photo;x=1',
  '/v1/accounts/42/photo%00',
  '/v1/accounts/42/photo?x=1&x=2',
  '/v1/accounts/42/photo#frag',
  '/v1/accounts/\u00e9/photo',
  '/v1/accounts/%ff%fe/photo',
  '/v1/accounts/%/photo',
  '/v1/accounts/%zz/photo',
  '/v1\\accounts\\42\\photo',
  '/..%2f..%2fetc/passwd',
  'http://evil.example/v1/accounts/42/photo',
  'https://127.0.0.1/v1/contacts/discover',
  '*',
  '',
  'v1/contacts/discover',
  '/' + 'a'.repeat(9000),
  '/v1/contacts/discover?' + 'q=1&'.repeat(3000),
];

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'HEAD',
  'OPTIONS',
  'DELETE',
  'PATCH',
  'TRACE',
  'CONNECT',
  'get',
  'Post',
  'PROPFIND',
  'G ET',
  'GET\0',
  'X'.repeat(300),
  '',
];
const VERSIONS = [
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/0.9',
  'HTTP/1.10',
  'http/1.1',
  'HTTP/1.1 extra',
  '',
];

const NUMBERS = (n: number): string =>
  Array.from({ length: n }, (_, i) => `"+1415555${String(1000 + i)}"`).join(',');

const BODIES = [
  () => `{"numbers":[${NUMBERS(2)}]}`,
  () => `{"numbers":[${NUMBERS(5)}]}`,
  () => `{"numbers":[${NUMBERS(3000)}]}`,
  () => `{"Numbers":[${NUMBERS(3000)}],"numbers":[]}`,
  () => `{"numbers":[],"numbers":[${NUMBERS(3000)}]}`,
  () => `{"num\\u0062ers":[${NUMBERS(50)}]}`,
  () => `[${NUMBERS(3000)}]`,
  () => `{"numbers":"+14155551000"}`,
  () => `{"numbers":[1e999,-0,1e-400,123456789012345678901234567890]}`,
  () => '{"numbers":[' + '['.repeat(100_000) + ']'.repeat(100_000) + ']}',
  () => '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
  () => `{"numbers":[${NUMBERS(2)}]`,
  () => '{"numbers":[\ud800]}',
  () => '',
  () => 'null',
  () => 'x'.repeat(70_000),
  () => `{"__proto__":{"numbers":[${NUMBERS(10)}]},"constructor":{"prototype":{}}}`,
];

function header(rng: Rng): string {
  if (rng.int(5) > 0) {
    return pick(rng, [
      `x-api-key: ${FULL_KEY}`,
      `x-api-key: ${NOSCOPE_KEY}`,
      'content-type: application/json',
      'accept: */*',
      'user-agent: fuzz',
      'connection: keep-alive',
      'x-forwarded-for: 203.0.113.7',
    ]);
  }
  const auth = pick(rng, [
    `x-api-key: ${FULL_KEY}`,
    `x-api-key: ${NOSCOPE_KEY}`,
    `authorization: Bearer ${FULL_KEY}`,
    'authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.',
    'authorization: Basic ' + 'A'.repeat(5000),
    `X-API-KEY: ${FULL_KEY}`,
    `x-api-key: ${FULL_KEY}, ${FULL_KEY}`,
    `x-api-key:${FULL_KEY} `,
  ]);
  return pick(rng, [
    auth,
    'content-type: application/json',
    'content-type: application/json; charset=utf-16',
    'content-type: text/plain',
    'content-type: application/json\0',
    'content-length: 5',
    'content-length: -1',
    'content-length: 99999999999999999999',
    'content-length: 0x10',
    'content-length: +4',
    'content-length: 4, 5',
    'transfer-encoding: chunked',
    'transfer-encoding: chunked, chunked',
    'transfer-encoding: gzip, chunked',
    'transfer-encoding: xchunked',
    'Transfer-Encoding : chunked',
    'expect: 100-continue',
    'expect: 200-ok',
    'connection: close',
    'connection: upgrade',
    'upgrade: websocket',
    'upgrade: h2c',
    'x-forwarded-for: 1.2.3.4, ::1, garbage',
    'forwarded: for="[::1]:80";proto=https, for=unknown',
    'host:',
    'host: a, b',
    'host: ' + 'h'.repeat(20_000),
    'x-folded: a\r\n b',
    'bad name: x',
    ': empty-name',
    'x-nul: a\0b',
    'x-bytes: \u00ff\u00fe',
    'x-cr: a\rb',
    'x-long: ' + 'v'.repeat(60_000),
    'cookie: ' + 'c=1; '.repeat(2000),
  ]);
}

function chunked(body: string, rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    case 1:
      return `ffffffffffffffff\r\n${body}\r\n0\r\n\r\n`;
    case 2:
      return `${body.length.toString(16)};ext=${'e'.repeat(5000)}\r\n${body}\r\n0\r\n\r\n`;
    case 3:
      return `zz\r\n${body}\r\n0\r\n\r\n`;
    case 4:
      return `${body.length.toString(16)}\r\n${body}\r\n0\r\nx-trailer: 1\r\n\r\n`;
    default:
      return `${(body.length + 5).toString(16)}\r\n${body}\r\n`;
  }
}

function ordinary(rng: Rng): HostileRequest {
  const method = rng.int(4) > 0 ? pick(rng, ['GET', 'POST', 'PUT']) : pick(rng, METHODS);
  const path = rng.int(3) > 0 ? pick(rng, PATHS.slice(0, 5)) : pick(rng, PATHS);
  const version = rng.int(5) > 0 ? 'HTTP/1.1' : pick(rng, VERSIONS);
  const eol = rng.int(12) === 0 ? pick(rng, ['\n', '\r']) : '\r\n';
  const headers: string[] = [];
  if (rng.int(10) > 0) headers.push('host: 127.0.0.1');
  for (let i = rng.int(6); i > 0; i--) headers.push(header(rng));
  if (rng.int(20) === 0) for (let i = 0; i < 2000; i++) headers.push(`x-h${i}: ${i}`);
  let body = rng.int(3) === 0 ? '' : pick(rng, BODIES)();
  const isChunked = headers.some((h) => /transfer-encoding/i.test(h));
  if (isChunked) body = chunked(body, rng);
  else if (body.length > 0 && !headers.some((h) => /^content-length/i.test(h)) && rng.int(8) > 0) {
    headers.push(
      `content-length: ${Buffer.byteLength(body) + (rng.int(16) === 0 ? pick(rng, [-1, 1, 1000]) : 0)}`,
    );
  }
  const head = `${method} ${path} ${version}${eol}${headers.join(eol)}${eol}${eol}`;
  const bytes = Buffer.from(head + body, rng.int(10) === 0 ? 'latin1' : 'utf8');
  const description = `${method.slice(0, 20)} ${path.slice(0, 60)} ${version}; ${headers.length} headers; body ${body.length} bytes`;
  return { chunks: split(bytes, rng), description };
}

/** The bytes in one write, or cut in two or three writes at random places. */
function split(bytes: Buffer, rng: Rng): Buffer[] {
  if (rng.int(3) > 0 || bytes.length < 3) return [bytes];
  const a = 1 + rng.int(bytes.length - 2);
  return [bytes.subarray(0, a), bytes.subarray(a)];
}

const RAW: readonly ((rng: Rng) => HostileRequest)[] = [
  () => ({ chunks: [Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')], description: 'HTTP/2 preface' }),
  () => ({
    chunks: [Buffer.from('16030100c4010000c00303', 'hex'), Buffer.alloc(200, 7)],
    description: 'TLS ClientHello',
  }),
  (rng) => ({
    chunks: [Buffer.from(Array.from({ length: 1 + rng.int(4000) }, () => rng.int(256)))],
    description: 'random bytes',
  }),
  () => ({ chunks: [Buffer.from('GET /healthz\r\n')], description: 'HTTP/0.9 request line' }),
  () => ({
    chunks: [Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n')],
    description: 'head never finished',
  }),
  () => ({ chunks: [], description: 'connect and close' }),
  (rng) => {
    const one = `GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n`;
    const two = `POST /v1/contacts/discover HTTP/1.1\r\nhost: x\r\nx-api-key: ${FULL_KEY}\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`;
    return {
      chunks: [Buffer.from(one + two + one)],
      description: `pipelined with a CL+TE smuggle (${rng.int(2)})`,
    };
  },
  () => {
    const body = `{"numbers":[${NUMBERS(3)}]}`;
    const smuggled = `GET /v1/accounts/1/photo HTTP/1.1\r\nhost: x\r\nx-api-key: ${FULL_KEY}\r\n\r\n`;
    return {
      chunks: [
        Buffer.from(
          `POST /v1/contacts/discover HTTP/1.1\r\nhost: x\r\nx-api-key: ${FULL_KEY}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ncontent-length: ${body.length + smuggled.length}\r\n\r\n${body}${smuggled}`,
        ),
      ],
      description: 'duplicate content-length smuggle',
    };
  },
];

/** One hostile request: mostly a mutated ordinary one, sometimes raw framing. */
export function hostileRequest(rng: Rng): HostileRequest {
  return rng.int(16) === 0 ? pick(rng, RAW)(rng) : ordinary(rng);
}
