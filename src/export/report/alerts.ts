/**
 * @module export/report/alerts
 * Alert records, as the monitor keeps them and the data dir stores them, read
 * defensively: a record that lacks a field is skipped, not trusted.
 */
import type { Labels } from '../../core/types.js';
import type { ReportAlert } from './types.js';

const str = (v: unknown, max = 1000): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);
const time = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function labelsOf(v: unknown): Labels {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof v !== 'object' || v === null) return out;
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' || n++ >= 64) continue;
    out[k.slice(0, 200)] = x.slice(0, 1000);
  }
  return { ...out };
}

/** A PerformanceAlert record (alert/alert.ts) as the report shows it, or undefined when it is not one. */
export function toReportAlert(record: unknown): ReportAlert | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  const startsAt = time(r['timestamp']);
  const status = str(r['status']);
  const metric = str(r['metric']);
  if (startsAt === undefined || (status !== 'firing' && status !== 'resolved') || metric === undefined) return undefined;
  return {
    name: str(r['rule'], 200) ?? metric,
    severity: str(r['severity'], 50) ?? 'unknown',
    component: str(r['component'], 200) ?? '',
    status,
    startsAt,
    endsAt: status === 'resolved' ? time(r['endsAt']) : undefined,
    message: str(r['message']) ?? '',
    labels: labelsOf(r['labels']),
  };
}

/** The records overlapping [start, end], at most `max` (the newest kept). */
export function alertsIn(records: readonly unknown[], range: { start: number; end: number }, max = 10_000): ReportAlert[] {
  const out: ReportAlert[] = [];
  for (const rec of records) {
    const a = toReportAlert(rec);
    if (a === undefined || a.startsAt > range.end || (a.endsAt !== undefined && a.endsAt < range.start)) continue;
    out.push(a);
  }
  return out.slice(-max);
}

/**
 * One record per incident (by `id`) from records given oldest first: the
 * resolved one when there is one, else the newest. Records without an id are
 * kept as they are.
 */
export function latestPerIncident(records: readonly unknown[]): unknown[] {
  const byId = new Map<string, unknown>();
  const loose: unknown[] = [];
  for (const rec of records) {
    const r = typeof rec === 'object' && rec !== null ? (rec as Record<string, unknown>) : undefined;
    const id = r?.['id'];
    if (typeof id !== 'string') {
      loose.push(rec);
      continue;
    }
    const had = byId.get(id) as Record<string, unknown> | undefined;
    if (had !== undefined && had['status'] === 'resolved' && r!['status'] !== 'resolved') continue;
    byId.delete(id);
    byId.set(id, rec);
  }
  return [...loose, ...byId.values()];
}
