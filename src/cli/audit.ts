import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isEnumguardError } from '../core/errors.ts';
import type { AuditReport } from '../audit/finding.ts';
import {
  DEFAULT_FAIL_ON,
  exitCodeFor,
  FAIL_ON_VALUES,
  parseFailOn,
  parseReportFormat,
  REPORT_FORMATS,
  renderReport,
  renderText,
  type FailOn,
  type ReportFormat,
} from '../audit/format/index.ts';
import type { CliIo } from './io.ts';
import { openShipped, packageVersion } from './shipped.ts';

const OUTPUT_OPTIONS = `Output:
  --format F        ${REPORT_FORMATS.join('|')} (default text); json is the AuditReport of
                    src/audit/finding.ts, sarif is SARIF 2.1.0 for code scanning
  --output FILE     write the report to FILE instead of stdout
  --fail-on S       exit 1 when a finding is at or above S: ${FAIL_ON_VALUES.join('|')}
                    (default ${DEFAULT_FAIL_ON}); exit 2 on bad usage or an unreadable file`;

const HELP = `Usage: enumguard audit spec <openapi.yaml|json> [output options]
       enumguard audit coverage --policy p.yaml --spec api.yaml [output options]
       enumguard audit probe <base-url> [probe options] [output options]

  spec       Find enumeration oracles and missing limits in an OpenAPI 3.0/3.1 or Swagger 2.0
             file: lookups by phone, email, username or id, batches, profile data, no 429, no
             auth, numeric ids, account existence in sign-in/sign-up/reset (docs/audit.md).
  coverage   Map each operation of the spec to the policy's routes and say what guards each
             lookup; flag unguarded lookups, dead routes, unmatched: allow and path spellings
             that slip past a route.
  probe      Look up reserved numbers on a live API with one identity at rising rates, within
             hard caps; report when it is slowed, the lookups per hour it sustains, the days to
             enumerate a country, and the profile fields it leaks ("audit probe --help",
             docs/audit-probe.md). Loopback only unless --allow-host names the host.

${OUTPUT_OPTIONS}`;

/** The output options every audit command takes. */
export const AUDIT_OUTPUT_ARGS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface OutputChoice {
  readonly format: ReportFormat;
  readonly output: string | undefined;
  readonly failOn: FailOn;
}

/** Reads --format, --output and --fail-on; a message naming the option when one is wrong. */
export function outputChoice(values: {
  format?: string | undefined;
  output?: string | undefined;
  'fail-on'?: string | undefined;
}): OutputChoice | string {
  const format = parseReportFormat(values.format ?? 'text');
  if (format === undefined)
    return `--format must be one of ${REPORT_FORMATS.join(', ')}; got "${values.format}"`;
  const failOn = parseFailOn(values['fail-on'] ?? DEFAULT_FAIL_ON);
  if (failOn === undefined) {
    return `--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}; got "${values['fail-on']}"`;
  }
  return { format, output: values.output, failOn };
}

/**
 * Prints or writes a report and returns the exit code --fail-on asks for. With --output the
 * report goes to the file and the text report's last line (the counts) to stdout.
 */
export async function emitReport(
  report: AuditReport,
  choice: OutputChoice,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
): Promise<number> {
  const body = renderReport(report, choice.format, { toolVersion: packageVersion() });
  if (choice.output === undefined) {
    io.stdout(body);
  } else {
    try {
      await writeFile(choice.output, body.endsWith('\n') ? body : `${body}\n`);
    } catch (err) {
      io.stderr(`enumguard audit: cannot write ${choice.output}: ${(err as Error).message}`);
      return 2;
    }
    const counts = renderText(report).split('\n').at(-1) ?? '';
    io.stdout(`${report.target}: ${counts} (${choice.format} report in ${choice.output})`);
  }
  return exitCodeFor(report, choice.failOn);
}

function usage(io: Pick<CliIo, 'stderr'>, message: string): number {
  io.stderr(`enumguard audit: ${message}\n\n${HELP}`);
  return 2;
}

/** Input the user gave that cannot be audited: a located message and exit 2, never a stack. */
function inputError(io: Pick<CliIo, 'stderr'>, err: unknown): number {
  if (
    isEnumguardError(err, 'ERR_SPEC_INVALID') ||
    isEnumguardError(err, 'ERR_SPEC_READ') ||
    isEnumguardError(err, 'ERR_POLICY_INVALID') ||
    isEnumguardError(err, 'ERR_POLICY_READ')
  ) {
    io.stderr(`enumguard audit: ${err.message}`);
    return 2;
  }
  throw err;
}

async function runAuditSpec(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: AUDIT_OUTPUT_ARGS, allowPositionals: true, strict: true });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length !== 1) return usage(io, 'audit spec takes one spec file');
  const choice = outputChoice(values);
  if (typeof choice === 'string') return usage(io, choice);
  const { auditSpec } = await import('../audit/spec/index.ts');
  let report: AuditReport;
  try {
    report = await auditSpec(positionals[0] ?? '');
  } catch (err) {
    return inputError(io, err);
  }
  return emitReport(report, choice, io);
}

async function runAuditCoverage(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...AUDIT_OUTPUT_ARGS, policy: { type: 'string' }, spec: { type: 'string' } },
      strict: true,
    });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.policy === undefined || values.spec === undefined) {
    return usage(io, 'audit coverage needs --policy FILE and --spec FILE');
  }
  const choice = outputChoice(values);
  if (typeof choice === 'string') return usage(io, choice);
  // "policies/enumguard-default.yaml" reaches the package's copy where the folder has none.
  const policyPath = openShipped(values.policy, (line) => io.stderr(line));
  const { auditCoverage } = await import('../audit/coverage/index.ts');
  let report: AuditReport;
  try {
    report = await auditCoverage(policyPath, values.spec);
  } catch (err) {
    return inputError(io, err);
  }
  return emitReport(report, choice, io);
}

/** The output options taken out of `args` (the probe's own parser knows only its flags). */
function splitOutputArgs(args: readonly string[]): { output: string[]; rest: string[] } {
  const names = new Set(['--format', '--output', '-o', '--fail-on']);
  const output: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf('=');
    if (names.has(eq === -1 ? a : a.slice(0, eq))) {
      output.push(a);
      if (eq === -1 && i + 1 < args.length) output.push(args[++i] as string);
    } else rest.push(a);
  }
  return { output, rest };
}

async function runAuditProbeCommand(args: string[], io: CliIo): Promise<number> {
  const { output, rest } = splitOutputArgs(args);
  let values;
  try {
    ({ values } = parseArgs({ args: output, options: AUDIT_OUTPUT_ARGS, strict: true }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const choice = outputChoice(values);
  if (typeof choice === 'string') return usage(io, choice);
  const { runAuditProbe } = await import('./audit-probe.ts');
  const report = await runAuditProbe(rest, io);
  return typeof report === 'number' ? report : emitReport(report, choice, io);
}

/** `enumguard audit <spec|coverage|probe> ...`. */
export async function runAudit(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'spec':
      return runAuditSpec(rest, io);
    case 'coverage':
      return runAuditCoverage(rest, io);
    case 'probe':
      return runAuditProbeCommand(rest, io);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(HELP);
      return sub === undefined ? 2 : 0;
    default:
      return usage(io, `unknown audit command "${sub}"`);
  }
}
