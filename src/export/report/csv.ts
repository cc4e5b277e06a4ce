/**
 * @module export/report/csv
 * Raw series as CSV: `timestamp,metric,labels,value`, one line per point.
 * Quoting per RFC 4180 (a field with a comma, quote or line break is quoted,
 * quotes doubled); labels as `k="v",…` with Prometheus's label-value escapes.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
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
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  let lines = 0;
  try {
    try {
      const put = (s: string): void => {
        const buf = Buffer.from(s, 'utf8');
        for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      };
      put(`${CSV_HEADER}\r\n`);
      for (const s of series) {
        put(csvLines(s));
        lines += s.points.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed already or never made: the first error is the one to report
    }
    throw e;
  }
  return lines;
}
