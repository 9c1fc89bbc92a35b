import type { AuditReport } from '../finding.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderSarif } from './sarif.ts';
import { renderText } from './text.ts';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseReportFormat(raw: string): ReportFormat | undefined {
  return REPORT_FORMATS.find((f) => f === raw);
}

/** Any audit report in any of the four formats. */
export function renderReport(
  report: AuditReport,
  format: ReportFormat,
  options: { toolVersion: string },
): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, options);
    case 'html':
      return renderHtml(report);
  }
}
