import { mediaExample, shapeOfExample, swagger2Example } from './example-shape.ts';
import { escapePointerToken } from './json-positions.ts';
import type { LoadedSpec } from './load-spec.ts';
import type { Schema } from './schema-walk.ts';

/** HTTP methods an OpenAPI path item holds (3.x adds trace; 2.0 has the rest). */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type ParameterPlace = 'path' | 'query' | 'header' | 'cookie';

export interface SpecParameter {
  readonly name: string;
  readonly in: ParameterPlace;
  readonly required: boolean;
  readonly description: string;
  readonly schema: Schema;
}

export interface SpecResponse {
  /** "200", "404", "4XX" or "default". */
  readonly status: string;
  readonly description: string;
  /**
   * The JSON (or first) body schema, or the shape of its example when it gives only an example
   * (marked FROM_EXAMPLE); undefined when the answer declares neither.
   */
  readonly schema: Schema | undefined;
  /** Declared header names, lower-case. */
  readonly headers: readonly string[];
}

/**
 * How the operation is authenticated: `required` (some scheme must be met), `optional` (a
 * requirement list that holds `{}`), `overridden` (the operation sets `security: []` while the
 * document requires a scheme) or `absent` (nothing declared anywhere).
 */
export type SecurityState = 'required' | 'optional' | 'overridden' | 'absent';

/** One operation, the same shape whether it came from Swagger 2.0 or OpenAPI 3.x. */
export interface SpecOperation {
  /** Upper-case. */
  readonly method: string;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly summary: string;
  readonly description: string;
  /** Pointer into the file as written: "/paths/~1v1~1discover/post". */
  readonly pointer: string;
  readonly parameters: readonly SpecParameter[];
  /** The request body's schema (JSON or form); undefined when it takes none. */
  readonly body: Schema | undefined;
  readonly responses: readonly SpecResponse[];
  readonly security: SecurityState;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A media-type map's media object, JSON first (application/json, anything +json), else the first. */
function pickMedia(content: unknown): Record<string, unknown> | undefined {
  const media = obj(content);
  if (media === undefined) return undefined;
  const types = Object.keys(media);
  const pick =
    types.find((t) => /^application\/json\b/i.test(t)) ??
    types.find((t) => /[/+]json\b/i.test(t)) ??
    types.find((t) => /form/i.test(t)) ??
    types[0];
  return pick === undefined ? undefined : obj(media[pick]);
}

function contentSchema(content: unknown): Schema | undefined {
  return obj(pickMedia(content)?.schema);
}

function securityState(own: unknown, global: unknown): SecurityState {
  const effective = own ?? global;
  const globalRequired = Array.isArray(global) && global.length > 0;
  if (!Array.isArray(effective) || effective.length === 0) {
    return Array.isArray(own) && globalRequired ? 'overridden' : 'absent';
  }
  // RFC-less but OpenAPI 3.x 4.8.30: an empty requirement object makes security optional.
  const optional = effective.some(
    (req) => obj(req) !== undefined && Object.keys(obj(req) ?? {}).length === 0,
  );
  return optional ? 'optional' : 'required';
}

function readParameters(
  list: unknown,
  swagger2: boolean,
): { params: SpecParameter[]; body: Schema | undefined } {
  const params: SpecParameter[] = [];
  let body: Schema | undefined;
  const form: Record<string, Schema> = {};
  for (const item of Array.isArray(list) ? list : []) {
    const p = obj(item);
    if (p === undefined) continue;
    const place = str(p.in);
    if (swagger2 && place === 'body') {
      body = obj(p.schema);
      continue;
    }
    // 2.0 keeps the schema's keywords on the parameter itself (type, format, pattern, items).
    const schema = obj(p.schema) ?? (swagger2 ? p : obj(contentSchema(p.content))) ?? {};
    if (swagger2 && place === 'formData') {
      form[str(p.name)] = schema;
      continue;
    }
    if (place === 'path' || place === 'query' || place === 'header' || place === 'cookie') {
      params.push({
        name: str(p.name),
        in: place,
        required: p.required === true,
        description: str(p.description),
        schema,
      });
    }
  }
  if (body === undefined && Object.keys(form).length > 0) body = { type: 'object', properties: form };
  return { params, body };
}

function mergeParameters(pathLevel: SpecParameter[], own: SpecParameter[]): SpecParameter[] {
  // An operation's parameter overrides the path item's one of the same name and place.
  const key = (p: SpecParameter): string => `${p.in}:${p.name}`;
  const ownKeys = new Set(own.map(key));
  return [...pathLevel.filter((p) => !ownKeys.has(key(p))), ...own];
}

function readResponses(responses: unknown, swagger2: boolean): SpecResponse[] {
  const out: SpecResponse[] = [];
  for (const [status, value] of Object.entries(obj(responses) ?? {})) {
    const r = obj(value);
    if (r === undefined) continue;
    out.push({
      status,
      description: str(r.description),
      // An answer given only by example is read by the example's shape (example-shape.ts).
      schema: swagger2
        ? (obj(r.schema) ?? shapeOfExample(swagger2Example(r.examples)))
        : (contentSchema(r.content) ?? shapeOfExample(mediaExample(pickMedia(r.content)))),
      headers: Object.keys(obj(r.headers) ?? {}).map((h) => h.toLowerCase()),
    });
  }
  return out;
}

/** Every operation of the dereferenced document, in the order the file lists them. */
export function listOperations(spec: LoadedSpec): SpecOperation[] {
  const doc = spec.document;
  const swagger2 = spec.version === 'swagger-2.0';
  const out: SpecOperation[] = [];
  for (const [path, value] of Object.entries(obj(doc.paths) ?? {})) {
    const item = obj(value);
    if (item === undefined) continue;
    const shared = readParameters(item.parameters, swagger2);
    for (const method of METHODS) {
      const op = obj(item[method]);
      if (op === undefined) continue;
      const own = readParameters(op.parameters, swagger2);
      const body = swagger2 ? (own.body ?? shared.body) : contentSchema(obj(op.requestBody)?.content);
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        summary: str(op.summary),
        description: str(op.description),
        pointer: `/paths/${escapePointerToken(path)}/${method}`,
        parameters: mergeParameters(shared.params, own.params),
        body,
        responses: readResponses(op.responses, swagger2),
        security: securityState(op.security, doc.security),
      });
    }
  }
  return out;
}
