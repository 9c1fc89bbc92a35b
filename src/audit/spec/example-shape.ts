/**
 * The shape of an answer given only by example. Many specs converted from other formats
 * document an answer with `examples` (OpenAPI 3.x Media Type `example`/`examples`, Swagger 2.0
 * Response `examples`) and no `schema`; the example still shows what the answer holds (a
 * person, their emails, a match flag), so the rules read it as a schema of the same shape.
 */
import type { Schema } from './schema-walk.ts';

/** Marks a schema inferred from an example, so a finding can say where its evidence came from. */
export const FROM_EXAMPLE = 'x-enumguard-from-example';

/** Deep enough for `{ person: { emails: [{ email }] } }`; bounded against huge examples. */
const MAX_DEPTH = 6;
const MAX_PROPERTIES = 200;

function shape(value: unknown, depth: number): Schema | undefined {
  if (value === null || value === undefined || depth > MAX_DEPTH) return undefined;
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (Array.isArray(value)) {
    const items = value.length > 0 ? shape(value[0], depth + 1) : undefined;
    return items === undefined ? { type: 'array' } : { type: 'array', items };
  }
  if (typeof value !== 'object') return undefined;
  const properties: Record<string, Schema> = {};
  for (const [key, v] of Object.entries(value).slice(0, MAX_PROPERTIES)) {
    properties[key] = shape(v, depth + 1) ?? {};
  }
  return { type: 'object', properties };
}

/** A schema of the example's shape, marked FROM_EXAMPLE; undefined for no example or `null`. */
export function shapeOfExample(example: unknown): Schema | undefined {
  const s = shape(example, 0);
  return s === undefined ? undefined : { ...s, [FROM_EXAMPLE]: true };
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The example of an OpenAPI 3.x Media Type Object: `example`, else the `value` of the first
 * Example Object of `examples` (4.8.14, 4.8.19); undefined when it gives none.
 */
export function mediaExample(media: unknown): unknown {
  const m = obj(media);
  if (m === undefined) return undefined;
  if (m.example !== undefined) return m.example;
  for (const e of Object.values(obj(m.examples) ?? {})) {
    const value = obj(e)?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Swagger 2.0's Response `examples`: a map of MIME type to example, JSON first. */
export function swagger2Example(examples: unknown): unknown {
  const map = obj(examples);
  if (map === undefined) return undefined;
  const types = Object.keys(map);
  const pick = types.find((t) => /[/+]json\b/i.test(t)) ?? types[0];
  return pick === undefined ? undefined : map[pick];
}
