import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { EnumguardError } from '../../core/errors.ts';
import { fsReason } from '../../policy/fs-reason.ts';
import { jsonPositions, type PositionMap, type SourcePosition } from './json-positions.ts';
import { checkLocalRefs, nameComponents } from './refs.ts';
import { parseYaml } from './yaml-load.ts';

/** A spec after parsing and dereferencing, with where each of its values was written. */
export interface LoadedSpec {
  /** The path as given, for messages and findings. */
  readonly file: string;
  readonly version: 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1';
  /** The dereferenced document: every $ref replaced by its target (cycles stay cycles). */
  readonly document: Record<string, unknown>;
  /** JSON pointer (into the file as written) → line and column. */
  readonly positions: PositionMap;
  /** Named schemas ("E164", "PhoneNumber"): their name is a hint to what they hold. */
  readonly schemaNames: WeakMap<object, string>;
}

function invalid(message: string, cause?: unknown): EnumguardError {
  return new EnumguardError('ERR_SPEC_INVALID', message, cause === undefined ? {} : { cause });
}

function located(file: string, at: SourcePosition | undefined, message: string): string {
  return at === undefined ? `${file}: ${message}` : `${file}:${at.line}:${at.column} ${message}`;
}

function lineColumn(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** JSON.parse's error names an offset ("at position 12"); Node 22 also a line and column. */
function jsonErrorPosition(text: string, err: unknown): SourcePosition | undefined {
  const message = err instanceof Error ? err.message : '';
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc !== null) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  return pos === null ? undefined : lineColumn(text, Number(pos[1]));
}

function parseText(file: string, text: string): { value: unknown; positions: PositionMap } {
  const first = /\S/.exec(text)?.[0];
  if (first === '{' || first === '[') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).replace(/^[^:]*JSON[^:]*: /, '');
      throw invalid(located(file, jsonErrorPosition(text, err), `is not valid JSON: ${reason}`), err);
    }
    return { value, positions: jsonPositions(text) };
  }
  return parseYaml(file, text);
}

function versionOf(file: string, doc: Record<string, unknown>): LoadedSpec['version'] {
  const { swagger, openapi } = doc;
  if (swagger === '2.0') return 'swagger-2.0';
  if (typeof openapi === 'string' && /^3\.0\.\d+$/.test(openapi)) return 'openapi-3.0';
  if (typeof openapi === 'string' && /^3\.1\.\d+$/.test(openapi)) return 'openapi-3.1';
  const found =
    swagger !== undefined
      ? `"swagger: ${JSON.stringify(swagger)}"`
      : openapi !== undefined
        ? `"openapi: ${JSON.stringify(openapi)}"`
        : 'neither an "openapi" nor a "swagger" field at the top';
  throw invalid(`${file}: not an OpenAPI 3.0/3.1 or Swagger 2.0 document (${found})`);
}

/**
 * Reads an OpenAPI 3.0/3.1 or Swagger 2.0 file (YAML or JSON), dereferences it with
 * @apidevtools/swagger-parser and keeps where each value was written. Remote ($ref to http)
 * documents are not fetched: an audit in CI must not depend on, or call, the network.
 * Throws ERR_SPEC_READ when the file cannot be read, ERR_SPEC_INVALID with a located message
 * when it is not a spec or a $ref is broken.
 */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new EnumguardError('ERR_SPEC_READ', `${file}: cannot read the spec: ${fsReason(err)}`, {
      cause: err,
    });
  }
  let text: string;
  try {
    if (bytes.includes(0)) throw new Error('it holds a NUL byte');
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw invalid(
      `${file}: not a text file (${(err as Error).message}): give the spec's YAML or JSON file`,
      err,
    );
  }
  const { value, positions } = parseText(file, text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${file}: not an OpenAPI 3.0/3.1 or Swagger 2.0 document (the top level is not a mapping)`);
  }
  const raw = value as Record<string, unknown>;
  const version = versionOf(file, raw);
  const broken = checkLocalRefs(raw);
  if (broken !== undefined) {
    throw invalid(
      located(file, positions.get(broken.at), `$ref "${broken.ref}" at ${broken.at || '/'}: ${broken.why}`),
    );
  }
  const schemaNames = nameComponents(raw);
  let document: Record<string, unknown>;
  try {
    document = (await SwaggerParser.dereference(resolve(file), raw as never, {
      resolve: { http: false },
      dereference: { circular: true },
    })) as unknown as Record<string, unknown>;
  } catch (err) {
    throw invalid(`${file}: cannot resolve its references: ${(err as Error).message}`, err);
  }
  return { file, version, document, positions, schemaNames };
}
