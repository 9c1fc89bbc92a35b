import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuditFinding, AuditReport, AuditRule, Severity } from '../finding.ts';

/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for code-scanning
 * uploads: the rules in tool.driver.rules, one result per finding with the spec file's line.
 */

/** SARIF result levels (3.27.10): error fails a check, warning and note do not. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub code scanning ranks security results by a rule's `security-severity` property (a
 * CVSS-like score: 9.0 and up critical, 7.0 high, 4.0 medium, 0.1 low).
 */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.5',
};

export interface SarifOptions {
  /** enumguard's version, for tool.driver.version. */
  readonly toolVersion: string;
}

/** A spec path as a SARIF artifact URI: relative paths stay relative to the checkout (%SRCROOT%). */
function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file.replace(/\\/g, '/').replace(/^\.\//, '')), uriBaseId: '%SRCROOT%' };
}

/** "Identifier lookup oracle" → "IdentifierLookupOracle": SARIF 3.49.7 wants a name that is not the id. */
function ruleName(rule: AuditRule): string {
  return rule.title
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())
    .replace(/^./, (c) => c.toUpperCase());
}

function sarifRule(rule: AuditRule): Record<string, unknown> {
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.reason },
    help: { text: `${rule.reason}\n\nFix: ${rule.fix}`, markdown: `${rule.reason}\n\n**Fix:** ${rule.fix}` },
    ...(rule.helpUri === undefined ? {} : { helpUri: rule.helpUri }),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['security', 'enumeration'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
  };
}

function sarifResult(f: AuditFinding, ruleIndex: number): Record<string, unknown> {
  const { file, line, column, subject, pointer } = f.location;
  const location: Record<string, unknown> = {};
  if (file !== undefined) {
    location.physicalLocation = {
      artifactLocation: artifactUri(file),
      ...(line === undefined
        ? {}
        : { region: { startLine: line, ...(column === undefined ? {} : { startColumn: column }) } }),
    };
  }
  if (subject !== undefined) {
    // The operation (or policy route) the finding concerns; its JSON pointer names it fully.
    location.logicalLocations = [
      { name: subject, kind: 'object', ...(pointer === undefined ? {} : { fullyQualifiedName: pointer }) },
    ];
  }
  return {
    ruleId: f.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: Object.keys(location).length === 0 ? [] : [location],
    // Stable across runs that move lines: code scanning matches alerts by these.
    partialFingerprints: { 'enumguard/v1': `${f.ruleId}|${subject ?? ''}|${pointer ?? ''}` },
    properties: { severity: f.severity, ...(f.evidence ?? {}) },
  };
}

export function toSarif(report: AuditReport, options: SarifOptions): Record<string, unknown> {
  const ids = report.rules.map((r) => r.id);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'enumguard',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules: report.rules.map(sarifRule),
          },
        },
        automationDetails: { id: `enumguard/audit-${report.tool}/` },
        results: report.findings.map((f) => sarifResult(f, ids.indexOf(f.ruleId))),
        ...(report.summary === undefined ? {} : { properties: { target: report.target, ...report.summary } }),
      },
    ],
  };
}

export function renderSarif(report: AuditReport, options: SarifOptions): string {
  return JSON.stringify(toSarif(report, options), null, 2);
}
