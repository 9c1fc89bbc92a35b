import { readFile } from 'node:fs/promises';
import { EnumguardError, isEnumguardError } from '../core/errors.ts';
import type { AuditReport } from '../audit/finding.ts';
import { parseProbeArgs, PROBE_USAGE, runProbe, type NumberSpace } from '../audit/probe/index.ts';
import { mobilePlan } from '../reference/population/mobile-ranges.ts';
import type { CliIo } from './io.ts';
import { packageVersion } from './shipped.ts';

/**
 * `enumguard audit probe <base-url>`: the bounded live probe. Resolves with the report for the
 * audit command to print in the chosen format, or with an exit code when there is none: 0 after
 * --help, 2 for bad arguments (the message and usage on stderr).
 */
export async function runAuditProbe(args: readonly string[], io: CliIo): Promise<AuditReport | number> {
  try {
    const parsed = parseProbeArgs(args);
    if (parsed.help) {
      io.stdout(PROBE_USAGE);
      return 0;
    }
    const { knownNumbersFile, help: _help, ...input } = parsed;
    const knownNumbers = knownNumbersFile === undefined ? undefined : await readNumbers(knownNumbersFile);
    const country = (input.country ?? 'US').toUpperCase();
    const numberSpace = mobileSpace(country);
    if (!numberSpace)
      io.stderr(
        `enumguard audit probe: libphonenumber knows no mobile numbers for ${country}; no enumeration time`,
      );
    io.stderr(
      `enumguard audit probe: probing ${input.baseUrl} (one identity; stops at its request and time caps)`,
    );
    return await runProbe({
      ...input,
      ...(knownNumbers && { knownNumbers }),
      version: packageVersion(),
      numberSpace,
      onProgress: (line) => io.stderr(`  ${line}`),
    });
  } catch (err) {
    if (!isEnumguardError(err, 'ERR_CONFIG')) throw err;
    io.stderr(`enumguard ${err.message}\n\n${PROBE_USAGE}`);
    return 2;
  }
}

/** Valid mobile numbers of the country, counted in whole blocks of 10,000 (src/reference). */
function mobileSpace(country: string): NumberSpace | undefined {
  try {
    const plan = mobilePlan(country);
    return {
      country,
      mobileNumbers: plan.blockCount * 10_000,
      source: 'libphonenumber-js metadata.max.json mobile patterns, whole blocks of 10,000 numbers',
    };
  } catch (err) {
    // mobilePlan calls a country it has no plan for an internal error: for the probe it is the user's choice.
    if (isEnumguardError(err, 'ERR_INTERNAL')) return undefined;
    throw err;
  }
}

async function readNumbers(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new EnumguardError('ERR_CONFIG', `audit probe: cannot read --known-numbers ${file}`, {
      cause: err,
    });
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
