import type { AuditFinding, AuditReport } from '../finding.ts';
import { severityRank } from '../finding.ts';
import { operationFacts, type OperationFacts } from './facts.ts';
import { loadSpec, type LoadedSpec } from './load-spec.ts';
import { listOperations } from './operations.ts';
import { SPEC_RULES } from './spec-rules.ts';

/** Findings most severe first, then by line, so reports read top-down. */
export function sortFindings(findings: readonly AuditFinding[]): AuditFinding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/** Every operation of a loaded spec, with the facts the rules read. */
export function specFacts(spec: LoadedSpec): OperationFacts[] {
  return listOperations(spec).map((op) => operationFacts(op, spec.schemaNames));
}

/** Runs every spec rule over a loaded spec. */
export function auditLoadedSpec(spec: LoadedSpec): AuditReport {
  const ctx = { file: spec.file, positions: spec.positions };
  const findings: AuditFinding[] = [];
  // EG-SEQ-ID judges a path, not an operation: GET, PUT and DELETE /users/{id} are one finding.
  const seenPaths = new Set<string>();
  const facts = specFacts(spec);
  for (const f of facts) {
    for (const rule of SPEC_RULES) {
      if (rule.rule.id === 'EG-SEQ-ID') {
        if (seenPaths.has(f.op.path)) continue;
        const found = rule.check(f, ctx);
        if (found.length > 0) seenPaths.add(f.op.path);
        findings.push(...found);
        continue;
      }
      findings.push(...rule.check(f, ctx));
    }
  }
  return {
    tool: 'spec',
    target: spec.file,
    rules: SPEC_RULES.map((r) => r.rule),
    findings: sortFindings(findings),
    summary: {
      format: spec.version,
      operations: facts.length,
      lookups: facts.filter((f) => f.lookup).length,
      oracles: facts.filter((f) => f.oracle).length,
    },
  };
}

/** `enumguard audit spec <file>`: load (ERR_SPEC_READ / ERR_SPEC_INVALID) and audit. */
export async function auditSpec(file: string): Promise<AuditReport> {
  return auditLoadedSpec(await loadSpec(file));
}
