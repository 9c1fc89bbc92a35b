import type { AuditFinding, AuditRule } from '../../finding.ts';
import { squash } from '../identifiers.ts';
import { schemaTypes } from '../schema-walk.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

const rule: AuditRule = {
  id: 'EG-SEQ-ID',
  title: 'Sequential or numeric id in a path',
  severity: 'medium',
  reason:
    'A numeric id in a path (/users/{id} with an integer id) can be walked by counting: every resource is ' +
    'reachable from 1 to N without knowing anything, and the ids leak how many there are.',
  fix:
    'Use opaque, random ids in paths (UUIDv4, or 128 random bits encoded), and declare them ' +
    '(`format: uuid` or a fixed-length pattern); keep a numeric key internal.',
};

function numericId(name: string, schema: Readonly<Record<string, unknown>>): boolean {
  const n = squash(name);
  if (!(n === 'id' || n.endsWith('id') || n.endsWith('number') || n === 'uid')) return false;
  const types = schemaTypes(schema);
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : '';
  return (
    types.has('integer') || types.has('number') || /^\^?(\\d|\[0-9\])(\+|\*|\{\d+,?\d*\})\$?$/.test(pattern)
  );
}

export const seqIdRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    return facts.op.parameters
      .filter((p) => p.in === 'path' && numericId(p.name, p.schema))
      .map((p) =>
        operationFinding(
          rule,
          facts,
          ctx,
          `path parameter {${p.name}} is a numeric id: it can be walked by counting`,
          {
            evidence: { parameter: p.name, type: [...schemaTypes(p.schema)].join('|') || 'string (digits)' },
          },
        ),
      );
  },
};
