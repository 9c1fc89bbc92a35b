export {
  DEFAULT_FAIL_ON,
  exitCodeFor,
  FAIL_ON_VALUES,
  failingFindings,
  parseFailOn,
  severityCounts,
} from './fail-on.ts';
export type { FailOn } from './fail-on.ts';
export { escapeHtml, renderHtml } from './html.ts';
export { renderJson } from './json.ts';
export { parseReportFormat, REPORT_FORMATS, renderReport, type ReportFormat } from './render.ts';
export { renderSarif, toSarif } from './sarif.ts';
export { renderText } from './text.ts';
