export {
  runProbe,
  probe,
  PROBE_DOCS_URL,
  type ProbeOptions,
  type ProbeRun,
  type Observation,
  type StopReason,
} from './probe-run.ts';
export { probeReport, type NumberSpace } from './probe-report.ts';
export {
  PROBE_DEFAULTS,
  PROBE_MAXIMA,
  resolveProbeSettings,
  type ProbeInput,
  type ProbeSettings,
} from './probe-settings.ts';
export { parseProbeArgs, PROBE_USAGE } from './parse-probe-args.ts';
export { PROBE_RULES } from './probe-rules.ts';
