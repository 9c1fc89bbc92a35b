/**
 * Reading dereferenced JSON Schemas (OpenAPI 3.0's dialect, 3.1's JSON Schema 2020-12 and
 * Swagger 2.0's subset) without caring which: types may be a string or a list, properties may
 * come through allOf/oneOf/anyOf, and dereferenced schemas may be cyclic.
 */
export type Schema = Readonly<Record<string, unknown>>;

function asSchema(value: unknown): Schema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;
}

/** The schema's declared types ("string", "array", ...), inferred from its keywords when unstated. */
export function schemaTypes(schema: Schema): ReadonlySet<string> {
  const t = schema.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  const out = new Set<string>();
  if (schema.properties !== undefined) out.add('object');
  if (schema.items !== undefined) out.add('array');
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const sub of list) {
      const s = asSchema(sub);
      if (s !== undefined && s !== schema) for (const x of schemaTypes(s)) out.add(x);
    }
  }
  return out;
}

export function isArraySchema(schema: Schema): boolean {
  return schemaTypes(schema).has('array');
}

export function itemsOf(schema: Schema): Schema | undefined {
  const items = asSchema(schema.items);
  if (items !== undefined) return items;
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const sub of list) {
      const found = asSchema(asSchema(sub)?.items);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A number keyword, also through allOf (maxItems of a composed array). */
export function numberKeyword(schema: Schema, key: string): number | undefined {
  const v = schema[key];
  if (typeof v === 'number') return v;
  const all = schema.allOf;
  if (Array.isArray(all)) {
    for (const sub of all) {
      const s = asSchema(sub);
      const n = s === undefined ? undefined : s[key];
      if (typeof n === 'number') return n;
    }
  }
  return undefined;
}

/** Properties, merged over allOf/oneOf/anyOf (first declaration of a name wins). */
export function propertiesOf(schema: Schema): ReadonlyMap<string, Schema> {
  const out = new Map<string, Schema>();
  const seen = new Set<Schema>();
  const visit = (s: Schema, depth: number): void => {
    if (seen.has(s) || depth > 8) return;
    seen.add(s);
    for (const [name, sub] of Object.entries(asSchema(s.properties) ?? {})) {
      const child = asSchema(sub);
      if (child !== undefined && !out.has(name)) out.set(name, child);
    }
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      for (const sub of list) {
        const child = asSchema(sub);
        if (child !== undefined) visit(child, depth + 1);
      }
    }
  };
  visit(schema, 0);
  return out;
}

export interface SchemaField {
  /** Property names from the root, array levels left out: ["contacts", "about"]. */
  readonly path: readonly string[];
  readonly name: string;
  readonly schema: Schema;
  /** True when an array lies between the root and this field (one value per record). */
  readonly inArray: boolean;
}

/**
 * Every named field under a schema, through arrays, to `maxDepth` property levels. A schema
 * is not expanded again inside itself, so cyclic (self-referencing) schemas end.
 */
export function fieldsOf(root: Schema, maxDepth = 4): SchemaField[] {
  const out: SchemaField[] = [];
  const ancestors = new Set<Schema>();
  const visit = (schema: Schema, path: string[], inArray: boolean): void => {
    if (path.length >= maxDepth || ancestors.has(schema)) return;
    ancestors.add(schema);
    const items = isArraySchema(schema) ? itemsOf(schema) : undefined;
    if (items !== undefined) visit(items, path, true);
    else {
      for (const [name, child] of propertiesOf(schema)) {
        const next = [...path, name];
        out.push({ path: next, name, schema: child, inArray });
        visit(child, next, inArray);
      }
    }
    ancestors.delete(schema);
  };
  visit(root, [], false);
  return out;
}
