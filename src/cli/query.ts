/**
 * @module cli/query
 * `echo-perf query`: history from a data dir, read-only, so it works while an
 * agent runs on the same dir. `--metric` is a name as `/metrics` shows it
 * (`echo_perf_cpu_usage_ratio`, in its units) or as the library and config
 * name it (`cpu_usage`, in the seed's units); a target's own series by its name.
 */
import { parseArgs } from 'node:util';
import { formatDuration, parseDuration, parseTime } from '../core/duration.js';
import { LABEL_NAME_RE } from '../core/labels.js';
import { defaultDataDir } from '../core/stateDir.js';
import type { Labels } from '../core/types.js';
import { storedNameOf, toExposedUnit } from '../export/names.js';
import { DiskReader, type QueryResult } from '../store/disk/index.js';
import { parseOrUsage, QUERY_USAGE, shown, usageError } from './usage.js';


const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

export function runQuery(argv: string[], out: (s: string) => void, now: () => number = Date.now): number {
  const { values } = parseOrUsage(QUERY_USAGE, () =>
    parseArgs({
      args: argv,
      options: {
        metric: { type: 'string' },
        label: { type: 'string', multiple: true },
        since: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        step: { type: 'string' },
        format: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    }),
  );
  const bad = (flag: string, value: string | undefined, expected: string): never => {
    throw usageError(`${flag}: got ${shown(value ?? '')}; expected ${expected}`, QUERY_USAGE);
  };
  const metric = values.metric;
  if (metric === undefined || metric === '') bad('--metric', metric, 'a metric name');
  const labels: Record<string, string> = {};
  for (const l of values.label ?? []) {
    const eq = l.indexOf('=');
    const k = eq > 0 ? l.slice(0, eq) : '';
    if (!LABEL_NAME_RE.test(k)) bad('--label', l, 'name=value with a label name matching [a-zA-Z_][a-zA-Z0-9_]*');
    labels[k] = l.slice(eq + 1);
  }
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) bad('--format', values.format, 'table, json or csv');
  let step: number | undefined;
  if (values.step !== undefined) step = parseDuration(values.step) ?? bad('--step', values.step, 'a duration such as 30s, 1m, 1h');
  const { start, end } = range(values, now(), bad);

  const stored = storedNameOf(metric!, labels['quantile']);
  const match: Labels = stored === undefined ? labels : { ...withoutQuantile(labels), ...stored.match };
  const reader = DiskReader.open(values['data-dir'] ?? defaultDataDir());
  let result: QueryResult;
  try {
    result = reader.query({ name: stored?.name ?? metric!, labels: match, start, end, ...(step !== undefined ? { step } : {}) });
  } finally {
    reader.close();
  }
  const series = result.series
    .filter((s) => stored?.perEngine !== true || s.labels['component'] !== 'engines')
    .map((s) => ({ labels: s.labels, points: stored === undefined || stored.scale === 1 ? s.points : s.points.map(([t, v]): [number, number] => [t, toExposedUnit(v, stored.scale)]) }));
  const shownResult = { metric: metric!, tier: result.tier, start, end, series };
  out(format === 'json' ? `${JSON.stringify(shownResult)}\n` : format === 'csv' ? csv(shownResult) : table(shownResult));
  return 0;
}

function withoutQuantile(l: Record<string, string>): Labels {
  const { quantile: _q, ...rest } = l;
  return rest;
}

/** The range of --since or --start/--end (shared with `echo-perf report`); `defaultSince` ms without either. */
export function range(
  values: { since?: string | undefined; start?: string | undefined; end?: string | undefined },
  now: number,
  bad: (flag: string, value: string | undefined, expected: string) => never,
  defaultSince = 3_600_000,
): { start: number; end: number } {
  if (values.since !== undefined && (values.start !== undefined || values.end !== undefined)) {
    bad('--since', values.since, 'either --since or --start/--end, not both');
  }
  const end = values.end === undefined ? now : (parseTime(values.end) ?? bad('--end', values.end, 'an RFC 3339 time or unix seconds'));
  if (values.start !== undefined) {
    const start = parseTime(values.start) ?? bad('--start', values.start, 'an RFC 3339 time or unix seconds');
    if (start > end) bad('--start', values.start, `a time before --end (${new Date(end).toISOString()})`);
    return { start, end };
  }
  const since = values.since === undefined ? defaultSince : (parseDuration(values.since) ?? bad('--since', values.since, 'a duration such as 10m, 1h30m, 7d'));
  return { start: end - since, end };
}

interface Shown {
  metric: string;
  tier: string;
  start: number;
  end: number;
  series: { labels: Labels; points: readonly (readonly [number, number])[] }[];
}

function labelText(l: Labels): string {
  const keys = Object.keys(l).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(l[k])}`).join(', ')}}`;
}

function table(r: Shown): string {
  const span = formatDuration(r.end - r.start);
  let out = `${r.metric}: ${r.series.length} series over ${span} from the ${r.tier} tier\n`;
  for (const s of r.series) {
    out += `\n${r.metric}${labelText(s.labels)}\n`;
    for (const [t, v] of s.points) out += `  ${new Date(t).toISOString()}  ${v}\n`;
  }
  return out;
}

function csv(r: Shown): string {
  const keys = [...new Set(r.series.flatMap((s) => Object.keys(s.labels)))].sort();
  const cell = (x: string): string => (/[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
  let out = ['time', ...keys, 'value'].map(cell).join(',') + '\n';
  for (const s of r.series) {
    for (const [t, v] of s.points) out += [new Date(t).toISOString(), ...keys.map((k) => s.labels[k] ?? ''), String(v)].map(cell).join(',') + '\n';
  }
  return out;
}

