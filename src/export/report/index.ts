/**
 * @module export/report
 * Performance reports over a range: one self-contained HTML page, raw CSV, or
 * JSON figures, from a data dir or a live monitor. See docs/report.md.
 */
import { extname } from 'node:path';
import { writeFileAtomic } from '../../core/atomicFile.js';
import { reportJson } from './json.js';
import { renderHtml, type HtmlOptions } from './html.js';
import { writeCsv } from './csv.js';
import type { ReportData } from './types.js';

export type { ReportAlert, ReportData, ReportSeries } from './types.js';
export { gatherFromDataDir, gatherFromMemory, unitOf, type GatherOptions, type LiveInputs, type MemorySource } from './gather.js';
export { renderHtml, type HtmlOptions } from './html.js';
export { CSV_HEADER, csvLabels, writeCsv } from './csv.js';
export { reportJson } from './json.js';

export const REPORT_FORMATS = ['html', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The format a file name asks for by its extension (`.htm` too), or undefined. */
export function reportFormatOf(path: string): ReportFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return undefined;
}

/** Writes `data` to `path` in `format`, atomically (mode 0600: a report may name private hosts). */
export function writeReport(path: string, format: ReportFormat, data: ReportData, html: HtmlOptions = {}): void {
  if (format === 'csv') writeCsv(path, data.series);
  else if (format === 'html') writeFileAtomic(path, renderHtml(data, html));
  else writeFileAtomic(path, `${JSON.stringify(reportJson(data), null, 2)}\n`);
}
