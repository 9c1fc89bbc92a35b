export { runProbe, probe, PROBE_DOCS_URL, type ProbeOptions } from './probe-run.ts';
export type { NumberSpace, Observation, ProbeRun, StopReason } from './probe-types.ts';
export { probeReport } from './probe-report.ts';
export {
  PROBE_DEFAULTS,
  PROBE_MAXIMA,
  resolveProbeSettings,
  type ProbeInput,
  type ProbeSettings,
} from './probe-settings.ts';
export { parseProbeArgs, PROBE_USAGE, type ProbeArgs } from './parse-probe-args.ts';
export { PROBE_RULES } from './probe-rules.ts';
