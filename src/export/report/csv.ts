/**
 * @module export/report/csv
 * Raw series as CSV: `timestamp,metric,labels,value`, one line per point.
 * Quoting per RFC 4180 (a field with a comma, quote or line break is quoted,
 * quotes doubled); labels as `k="v",…` with Prometheus's label-value escapes.
 */
import { writeAtomicWith } from '../../core/atomicFile.js';
import { escapeLabelValue } from '../../core/labels.js';
import type { Labels } from '../../core/types.js';
import type { ReportSeries } from './types.js';

export const CSV_HEADER = 'timestamp,metric,labels,value';

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLabels(l: Labels): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(l[k]!)}"`)
    .join(',');
}

/** Go's strconv formatting as Prometheus prints values: NaN, +Inf, -Inf. */
function value(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

/** The lines of one series, CRLF-terminated as RFC 4180 says. */
export function csvLines(s: ReportSeries): string {
  const prefix = `,${csvField(s.name)},${csvField(csvLabels(s.labels))},`;
  let out = '';
  for (const [t, v] of s.points) out += `${new Date(t).toISOString()}${prefix}${value(v)}\r\n`;
  return out;
}

/**
 * Writes the series to `path` as they come (the file never holds more than one
 * series in memory), through a temp file renamed at the end: a reader never
 * sees half a file, and a failure leaves no partial one.
 */
export function writeCsv(path: string, series: Iterable<ReportSeries>): number {
  let lines = 0;
  writeAtomicWith(path, (put) => {
    put(`${CSV_HEADER}\r\n`);
    for (const s of series) {
      put(csvLines(s));
      lines += s.points.length;
    }
  });
  return lines;
}
