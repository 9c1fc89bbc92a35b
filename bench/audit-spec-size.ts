/**
 * `audit spec` on a large spec (issue 15's goal: a 5 MB spec in under 5 s). Generates an
 * OpenAPI 3.0 document of thousands of operations (lookups by phone, email and username,
 * batch discovery, numeric-id CRUD, sign-in/up/reset), shared schemas through $ref, written as
 * YAML and as JSON, then times the whole CLI (a fresh process: tsx start, load, dereference,
 * rules, text report) and auditSpec in process.
 *
 *   npx tsx bench/audit-spec-size.ts [--mb 5] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { auditSpec } from '../src/audit/spec/index.ts';

const { values } = parseArgs({ options: { mb: { type: 'string' }, runs: { type: 'string' } } });
const targetBytes = Number(values.mb ?? '5') * 1024 * 1024;
const runs = Number(values.runs ?? '3');

function operations(i: number): Record<string, unknown> {
  const problem = { $ref: '#/components/responses/Problem' };
  const tag = [`area-${i % 37}`];
  return {
    [`/v1/area${i}/contacts/discover`]: {
      post: {
        operationId: `discover${i}`,
        tags: tag,
        summary: `Which of these numbers are registered (area ${i}).`,
        description: 'Returns each registered number with its profile where the owner allows it. '.repeat(2),
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { numbers: { type: 'array', items: { $ref: '#/components/schemas/E164' } } },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Matches',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Matches' } } },
          },
          '400': problem,
          '401': problem,
        },
      },
    },
    [`/v1/area${i}/users/by-email`]: {
      get: {
        operationId: `userByEmail${i}`,
        tags: tag,
        parameters: [
          { name: 'email', in: 'query', required: true, schema: { type: 'string', format: 'email' } },
        ],
        responses: {
          '200': {
            description: 'The user',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
          },
          '404': problem,
          '429': { description: 'Limited', headers: { 'Retry-After': { schema: { type: 'integer' } } } },
        },
      },
    },
    [`/v1/area${i}/orders/{orderId}`]: {
      parameters: [
        { name: 'orderId', in: 'path', required: true, schema: { type: 'integer', format: 'int64' } },
      ],
      get: {
        operationId: `getOrder${i}`,
        tags: tag,
        responses: {
          '200': {
            description: 'Order',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
          },
          '404': problem,
        },
      },
      put: {
        operationId: `putOrder${i}`,
        tags: tag,
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } },
        responses: { '200': { description: 'Order' } },
      },
      delete: { operationId: `deleteOrder${i}`, tags: tag, responses: { '204': { description: 'Deleted' } } },
    },
    [`/v1/area${i}/password/reset`]: {
      post: {
        operationId: `reset${i}`,
        tags: tag,
        security: [],
        requestBody: {
          content: {
            'application/json': {
              schema: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
            },
          },
        },
        responses: { '204': { description: 'Sent' }, '404': { description: 'User not found' } },
      },
    },
  };
}

function generate(): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    openapi: '3.0.3',
    info: { title: 'generated', version: '1.0.0' },
    security: [{ bearer: [] }],
    paths: {},
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        E164: { type: 'string', pattern: '^\\+?[1-9]\\d{1,14}$' },
        User: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            displayName: { type: 'string' },
            avatarUrl: { type: 'string' },
          },
        },
        Matches: {
          type: 'object',
          properties: { contacts: { type: 'array', items: { $ref: '#/components/schemas/User' } } },
        },
        Order: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            items: { type: 'array', items: { $ref: '#/components/schemas/Order' } },
          },
        },
      },
      responses: {
        Problem: {
          description: 'RFC 9457 problem',
          content: {
            'application/problem+json': {
              schema: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
  const paths = doc.paths as Record<string, unknown>;
  // Grow until the YAML text reaches the target (JSON stringify per block estimates the size).
  let bytes = 0;
  let i = 0;
  while (bytes < targetBytes * 0.98) {
    const block = operations(i++);
    Object.assign(paths, block);
    bytes += stringify(block).length;
  }
  return doc;
}

const dir = mkdtempSync(join(tmpdir(), 'eg-audit-size-'));
const doc = generate();
const yamlFile = join(dir, 'big.yaml');
const jsonFile = join(dir, 'big.json');
writeFileSync(yamlFile, stringify(doc));
writeFileSync(jsonFile, JSON.stringify(doc, null, 2));
const operationsCount = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce(
  (n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length,
  0,
);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

console.log(`machine: ${process.version}, ${process.platform}/${process.arch}`);
console.log(`operations: ${operationsCount}`);
console.log(
  '| file | size | CLI wall time, median of runs (s) | auditSpec in process, median (s) | findings |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const file of [yamlFile, jsonFile]) {
  const cli: number[] = [];
  const inProcess: number[] = [];
  let findings = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'audit',
        'spec',
        file,
        '--format',
        'json',
        '--output',
        join(dir, 'out.json'),
        '--fail-on',
        'none',
      ],
      { encoding: 'utf8' },
    );
    cli.push((performance.now() - t0) / 1000);
    if (run.status !== 0) throw new Error(`audit spec exited ${run.status}: ${run.stderr}`);
    const t1 = performance.now();
    findings = (await auditSpec(file)).findings.length;
    inProcess.push((performance.now() - t1) / 1000);
  }
  const mb = (statSync(file).size / 1024 / 1024).toFixed(2);
  console.log(
    `| ${file.endsWith('.json') ? 'JSON' : 'YAML'} | ${mb} MB | ${median(cli).toFixed(2)} (${cli.map((x) => x.toFixed(2)).join(', ')}) | ${median(inProcess).toFixed(2)} | ${findings} |`,
  );
}
