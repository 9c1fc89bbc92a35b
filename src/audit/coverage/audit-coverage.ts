import { LineCounter, parseDocument } from 'yaml';
import { compilePolicy } from '../../policy/compile.ts';
import { readPolicyText } from '../../policy/load.ts';
import type { CompiledPolicy, CompiledRoute } from '../../policy/types.ts';
import { dirname, resolve } from 'node:path';
import type { AuditFinding, AuditReport, Severity } from '../finding.ts';
import { sortFindings, specFacts } from '../spec/audit-spec.ts';
import type { OperationFacts } from '../spec/facts.ts';
import type { PositionMap } from '../spec/json-positions.ts';
import { loadSpec, type LoadedSpec } from '../spec/load-spec.ts';
import { existenceRule, oracleRule, subjectOf } from '../spec/rules/index.ts';
import { yamlPositions } from '../spec/yaml-positions.ts';
import { COVERAGE_RULES } from './coverage-rules.ts';
import { describeGuards, routeGuards } from './guards.ts';
import { routeFor, samplePath, spellingSlips } from './path-spellings.ts';

interface LoadedPolicy {
  readonly file: string;
  readonly policy: CompiledPolicy;
  readonly positions: PositionMap;
}

async function loadPolicyWithLines(file: string): Promise<LoadedPolicy> {
  const text = await readPolicyText(file);
  const policy = compilePolicy(text, { source: file, baseDir: dirname(resolve(file)) });
  const lines = new LineCounter();
  return { file, policy, positions: yamlPositions(parseDocument(text, { lineCounter: lines }), lines) };
}

/** The severity an unguarded operation deserves: its own oracle or existence severity. */
function exposure(
  facts: OperationFacts,
  ctx: { file: string; positions: PositionMap },
): Severity | undefined {
  const oracle = oracleRule.check(facts, ctx)[0];
  if (oracle !== undefined) return oracle.severity;
  if (existenceRule.check(facts, ctx).length > 0) return 'medium';
  return facts.lookup ? 'medium' : undefined;
}

function opFinding(
  rule: (typeof COVERAGE_RULES)[keyof typeof COVERAGE_RULES],
  severity: Severity,
  facts: OperationFacts,
  spec: LoadedSpec,
  message: string,
  evidence: Record<string, string | number | boolean> = {},
): AuditFinding {
  const at = spec.positions.get(facts.op.pointer);
  return {
    ruleId: rule.id,
    severity,
    message,
    location: {
      file: spec.file,
      line: at?.line,
      column: at?.column,
      subject: subjectOf(facts),
      pointer: facts.op.pointer,
    },
    evidence,
  };
}

function routeFinding(
  rule: (typeof COVERAGE_RULES)[keyof typeof COVERAGE_RULES],
  policy: LoadedPolicy,
  pointer: string,
  subject: string,
  message: string,
): AuditFinding {
  const at = policy.positions.get(pointer);
  return {
    ruleId: rule.id,
    severity: rule.severity,
    message,
    location: { file: policy.file, line: at?.line, column: at?.column, subject, pointer },
  };
}

/** Judges one enumeration-prone operation against the route it reaches. */
function judge(
  facts: OperationFacts,
  severity: Severity,
  route: CompiledRoute | undefined,
  policy: LoadedPolicy,
  spec: LoadedSpec,
): AuditFinding {
  if (route === undefined) {
    const how =
      policy.policy.unmatched === 'allow'
        ? 'matches no route and `unmatched: allow` lets it through with no limit'
        : 'matches no route (refused with 404 by `unmatched: deny`; the API cannot be used through the gateway)';
    return opFinding(
      COVERAGE_RULES.unguarded,
      policy.policy.unmatched === 'allow' ? severity : 'low',
      facts,
      spec,
      `unguarded lookup: ${how}`,
      { route: 'none' },
    );
  }
  const g = routeGuards(route);
  const guards = describeGuards(g);
  const evidence = {
    route: route.id,
    perIdentity: g.perIdentity.join(', ') || 'none',
    distinct: g.distinct.join(', ') || 'none',
    detectors: g.detectors.join(', ') || 'none',
    egress: g.egress.join('; ') || 'none',
    reveal: g.reveal,
  };
  const limited = g.perIdentity.length > 0 || g.perNetwork.length > 0 || g.reveal;
  if (!limited) {
    return opFinding(
      COVERAGE_RULES.unguarded,
      severity,
      facts,
      spec,
      `unguarded lookup: route ${route.id} has no limit`,
      evidence,
    );
  }
  const batch = facts.inputs.some((i) => i.batch && !i.opaque);
  const gaps: string[] = [];
  if (g.perIdentity.length === 0 && !g.reveal)
    gaps.push('no limit follows the caller (only per address or shared)');
  if (batch && g.perTarget.length === 0 && !g.reveal) gaps.push('a batch is charged as one request');
  if (gaps.length > 0) {
    const weak = severity === 'critical' ? 'high' : 'medium';
    return opFinding(
      COVERAGE_RULES.weak,
      weak,
      facts,
      spec,
      `partly guarded by route ${route.id}: ${gaps.join('; ')} (has: ${guards})`,
      evidence,
    );
  }
  return opFinding(
    COVERAGE_RULES.guarded,
    'info',
    facts,
    spec,
    `guarded by route ${route.id}: ${guards}`,
    evidence,
  );
}

/**
 * `enumguard audit coverage --policy p.yaml --spec api.yaml`: which route each operation
 * reaches in the gateway (the pipeline's own normalizePath and matchRoute on a sample path
 * built from the template), what guards each enumeration-prone one, routes no operation
 * reaches, `unmatched: allow`, and path spellings that reach another route.
 */
export async function auditCoverage(policyFile: string, specFile: string): Promise<AuditReport> {
  const policy = await loadPolicyWithLines(policyFile);
  const spec = await loadSpec(specFile);
  const ctx = { file: spec.file, positions: spec.positions };
  const routes = policy.policy.routes;
  const findings: AuditFinding[] = [];
  const reached = new Set<string>();
  let prone = 0;
  let guarded = 0;
  let unmatchedOps = 0;
  for (const facts of specFacts(spec)) {
    const sample = samplePath(facts.op);
    const hit = routeFor(routes, facts.op.method, sample);
    const route = hit === 'refused' ? undefined : hit;
    if (route !== undefined) reached.add(route.id);
    else unmatchedOps++;
    const severity = exposure(facts, ctx);
    if (severity === undefined) continue;
    prone++;
    const verdict = judge(facts, severity, route, policy, spec);
    if (verdict.ruleId === COVERAGE_RULES.guarded.id) guarded++;
    findings.push(verdict);
    if (route === undefined) continue;
    for (const slip of spellingSlips(routes, facts.op.method, sample, route.id, policy.policy.unmatched)) {
      const reaches =
        slip.reaches === undefined
          ? 'no route (unmatched: allow passes it unlimited)'
          : `route ${slip.reaches}`;
      findings.push(
        opFinding(
          COVERAGE_RULES.pathSpelling,
          'high',
          facts,
          spec,
          `"${slip.path}" (${slip.label}) reaches ${reaches}, not ${route.id}`,
          { spelling: slip.label, path: slip.path },
        ),
      );
    }
  }
  routes.forEach((route, index) => {
    if (reached.has(route.id)) return;
    const methods = route.methods === '*' ? '*' : route.methods.join(',');
    findings.push(
      routeFinding(
        COVERAGE_RULES.deadRoute,
        policy,
        `/routes/${index}`,
        `route ${route.id}`,
        `route ${route.id} (${methods} ${route.path}) matches no operation of ${spec.file}`,
      ),
    );
  });
  if (policy.policy.unmatched === 'allow') {
    const finding = routeFinding(
      COVERAGE_RULES.unmatchedAllow,
      policy,
      '/unmatched',
      'unmatched: allow',
      unmatchedOps === 0
        ? 'unmatched: allow: every operation of the spec matches a route today, but a new or renamed one would pass with no limit'
        : `unmatched: allow: ${unmatchedOps} operation${unmatchedOps === 1 ? '' : 's'} of the spec ${unmatchedOps === 1 ? 'matches' : 'match'} no route and ${unmatchedOps === 1 ? 'passes' : 'pass'} with no limit`,
    );
    findings.push(unmatchedOps === 0 ? { ...finding, severity: 'low' } : finding);
  }
  return {
    tool: 'coverage',
    target: `${policy.file} + ${spec.file}`,
    rules: Object.values(COVERAGE_RULES),
    findings: sortFindings(findings),
    summary: {
      routes: routes.length,
      enumerationProne: prone,
      guarded,
      unmatchedOperations: unmatchedOps,
      unmatched: policy.policy.unmatched,
    },
  };
}
