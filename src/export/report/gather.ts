/**
 * @module export/report/gather
 * A report's data from its two sources: a data dir read-only (the CLI; the
 * store picks the tier covering the range) or a live monitor's memory.
 */
import { hostname } from 'node:os';
import { EchoPerfError } from '../../core/errors.js';
import { seriesKey } from '../../core/labels.js';
import type { Labels } from '../../core/types.js';
import type { DiskReader } from '../../store/disk/index.js';
import type { SeriesPoints } from '../../store/series.js';
import type { Sample } from '../../core/types.js';
import { exportedFamilyOf } from '../names.js';
import { alertsIn, latestPerIncident } from './alerts.js';
import type { ReportData, ReportSeries } from './types.js';

export interface GatherOptions {
  start: number;
  end: number;
  /** Only these metric names (as stored); default all. */
  metrics?: readonly string[] | undefined;
  /** Series gathered at most (default 5000); the names past it are listed as left out. */
  maxSeries?: number;
  /**
   * Stored points one metric may bring (default 200,000); past it the metric is
   * read at a step giving about `stepPoints` points per series instead.
   */
  maxPointsPerMetric?: number;
  stepPoints?: number;
  /** Clock time the report is made at (default Date.now()). */
  now?: number;
}

export function unitOf(name: string, labels: Labels): string | undefined {
  return exportedFamilyOf(name, labels).internalUnit;
}

function selectNames(all: readonly string[], metrics: readonly string[] | undefined): string[] {
  if (metrics === undefined || metrics.length === 0) return [...all];
  const want = new Set(metrics);
  return all.filter((n) => want.has(n));
}

/** Points of one metric from the data dir: stored points, or stepped when there are too many. */
function readMetric(reader: DiskReader, name: string, o: GatherOptions): { tier: string; series: { labels: Labels; points: [number, number][] }[] } {
  const q = { name, start: o.start, end: o.end };
  const maxPoints = o.maxPointsPerMetric ?? 200_000;
  const stepped = (): ReturnType<DiskReader['query']> => reader.query({ ...q, step: Math.max(1, Math.ceil((o.end - o.start) / (o.stepPoints ?? 2000))) });
  let r: ReturnType<DiskReader['query']>;
  try {
    r = reader.query(q);
  } catch (e) {
    // The store refuses a read past its point budget: the stepped read is bounded by the step.
    if (e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT') return stepped();
    throw e;
  }
  let n = 0;
  for (const s of r.series) n += s.points.length;
  return n > maxPoints ? stepped() : r;
}

/** Alert events read per part of the history at most. */
const MAX_EVENTS = 10_000;

/**
 * The incidents a data dir knows of around the range: the history's events
 * in it, the resolutions after it of incidents open at its end, and the set
 * firing at the last flush (incidents open across the whole range), merged to
 * one record per incident.
 */
function alertRecords(reader: DiskReader, o: GatherOptions): unknown[] {
  const records: unknown[] = [];
  for (const e of reader.alertEvents(o.start, o.end, MAX_EVENTS)) records.push(e.record);
  for (const e of reader.resolvedAcross(o.end, MAX_EVENTS)) records.push(e.record);
  for (const a of reader.alerts()) records.push(a.record);
  return latestPerIncident(records);
}

/** Everything a report shows, from a data dir opened read-only. */
export function gatherFromDataDir(reader: DiskReader, o: GatherOptions): ReportData {
  const maxSeries = o.maxSeries ?? 5000;
  const series: ReportSeries[] = [];
  const leftOut: string[] = [];
  let tier = 'raw';
  for (const name of selectNames(reader.seriesNames(), o.metrics)) {
    if (series.length >= maxSeries) {
      leftOut.push(name);
      continue;
    }
    const r = readMetric(reader, name, o);
    tier = r.tier;
    const bands = new Map<string, [number, number, number][]>();
    if (r.tier !== 'raw' && r.series.length > 0) for (const b of reader.bands({ name, start: o.start, end: o.end }).series) bands.set(seriesKey(name, b.labels), b.bands);
    for (const s of r.series) {
      if (series.length >= maxSeries) {
        leftOut.push(seriesKey(name, s.labels));
        continue;
      }
      series.push({ name, labels: s.labels, unit: unitOf(name, s.labels), points: s.points, bands: bands.get(seriesKey(name, s.labels)) });
    }
  }
  return {
    generatedAt: o.now ?? Date.now(),
    host: hostname(),
    range: { start: o.start, end: o.end },
    tier,
    series,
    leftOut,
    alerts: alertsIn(alertRecords(reader, o), { start: o.start, end: o.end }),
  };
}

/** What a report reads of a live monitor's in-memory store. */
export interface MemorySource {
  latestAll(): IterableIterator<Sample>;
  rangeSeries(name: string, match: Labels | undefined, from: number, to: number): SeriesPoints[];
}

export interface LiveInputs {
  now: number;
  /** The monitor's alert history records (firing and resolved). */
  alerts: readonly unknown[];
  componentStates: Readonly<Record<string, string>>;
  maxSeries?: number;
}

/** Everything a report shows, from the hot tier in memory: the range is what memory holds. */
export function gatherFromMemory(store: MemorySource, i: LiveInputs): ReportData {
  const maxSeries = i.maxSeries ?? 5000;
  const names = new Set<string>();
  for (const s of store.latestAll()) {
    if (names.size >= 100_000) break;
    names.add(s.name);
  }
  const series: ReportSeries[] = [];
  const leftOut: string[] = [];
  let start = i.now;
  for (const name of [...names].sort()) {
    for (const s of store.rangeSeries(name, undefined, 0, i.now)) {
      if (series.length >= maxSeries) {
        leftOut.push(seriesKey(name, s.labels));
        continue;
      }
      const points = s.points.map((p): [number, number] => [p.t, p.v]);
      if (points.length > 0) start = Math.min(start, points[0]![0]);
      series.push({ name, labels: s.labels, unit: unitOf(name, s.labels), points });
    }
  }
  const range = { start: start === i.now ? i.now - 3_600_000 : start, end: i.now };
  return { generatedAt: i.now, host: hostname(), range, tier: 'memory', series, leftOut, alerts: alertsIn(i.alerts, range), componentStates: i.componentStates };
}
