/**
 * @module export/report/json
 * The report as JSON (the CLI's shape): per-series figures keyed by the series
 * as /metrics would print it (`name{k="v"}`), alerts, components, trends, SLOs.
 */
import { seriesKey } from '../../core/labels.js';
import { direction, sloAttainment, summarize, trends, uptime } from './stats.js';
import type { ReportData } from './types.js';

export function reportJson(d: ReportData): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const s of d.series) {
    const sum = summarize(s.points);
    if (sum === undefined) continue;
    metrics[seriesKey(s.name, s.labels)] = { min: sum.min, mean: sum.mean, p95: sum.p95, max: sum.max, last: sum.last, unit: s.unit ?? null };
  }
  const components: Record<string, unknown> = {};
  for (const u of uptime(d)) components[u.kind === 'component' ? u.who : `${u.kind}:${u.who}`] = { kind: u.kind, withData: u.withData, ...(u.up !== undefined ? { up: u.up } : {}) };
  return {
    generatedAt: new Date(d.generatedAt).toISOString(),
    host: d.host,
    range: { start: new Date(d.range.start).toISOString(), end: new Date(d.range.end).toISOString() },
    tier: d.tier,
    metrics,
    alerts: d.alerts.map((a) => ({
      ...a,
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === undefined ? null : new Date(a.endsAt).toISOString(),
      durationSeconds: a.endsAt === undefined ? null : (a.endsAt - a.startsAt) / 1000,
    })),
    ...(d.alertsNote !== undefined ? { alertsNote: d.alertsNote } : {}),
    components,
    trends: trends(d).map((t) => ({ series: seriesKey(t.series.name, t.series.labels), slopePerHour: t.slopePerHour, change: t.change, direction: direction(t) })),
    slo: sloAttainment(d),
    leftOut: d.leftOut,
  };
}
