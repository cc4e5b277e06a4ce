/**
 * @module cli/report
 * `echo-perf report --out FILE`: a report over a range of a data dir's history,
 * read-only (works while an agent runs on the dir), in the format the file's
 * extension names: .html (one self-contained page), .csv (raw points), .json.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/index.js';
import { EchoPerfError } from '../core/errors.js';
import { METRIC_NAME_RE } from '../core/labels.js';
import { defaultDataDir } from '../core/stateDir.js';
import { gatherFromDataDir, reportFormatOf, unitOf, writeCsv, writeReport, type ReportSeries } from '../export/report/index.js';
import { storedNameOf } from '../export/names.js';
import { DB_FILE, DiskReader } from '../store/disk/index.js';
import { range } from './query.js';
import { parseOrUsage, REPORT_USAGE, shown, usageError } from './usage.js';

export function runReport(argv: string[], out: (s: string) => void, now: () => number = Date.now): number {
  const { values, positionals } = parseOrUsage(REPORT_USAGE, () =>
    parseArgs({
      args: argv,
      options: {
        out: { type: 'string', short: 'o' },
        since: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        metric: { type: 'string', multiple: true },
        config: { type: 'string', short: 'c' },
        'data-dir': { type: 'string' },
        'max-charts': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  const bad = (flag: string, value: string | undefined, expected: string): never => {
    throw usageError(`${flag}: got ${shown(value ?? '')}; expected ${expected}`, REPORT_USAGE);
  };
  if (positionals.length > 0) bad('report', positionals.join(' '), 'no arguments besides the flags (the file goes after --out)');
  const path = values.out;
  if (path === undefined || path.trim() === '') bad('--out', path, 'a file name ending in .html, .csv or .json');
  const format = reportFormatOf(path!) ?? bad('--out', path, 'a file name ending in .html, .csv or .json (the extension picks the format)');
  if (!existsSync(dirname(path!))) bad('--out', path, `a file in an existing directory (${dirname(path!)} does not exist)`);
  const metrics = (values.metric ?? []).map((m) => {
    if (!METRIC_NAME_RE.test(m) || m.length > 200) bad('--metric', m, 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*');
    return storedNameOf(m)?.name ?? m;
  });
  let maxCharts = 24;
  if (values['max-charts'] !== undefined) {
    maxCharts = Number(values['max-charts']);
    if (!Number.isInteger(maxCharts) || maxCharts < 0 || maxCharts > 500) bad('--max-charts', values['max-charts'], 'an integer 0..500');
  }
  const at = now();
  const { start, end } = range(values, at, bad, 86_400_000);
  const dir = dataDirOf(values['data-dir'], values.config);
  const reader = DiskReader.open(dir, { now });
  try {
    if (format === 'csv') {
      const lines = writeCsv(path!, streamSeries(reader, metrics.length > 0 ? metrics : reader.seriesNames(), start, end));
      out(`wrote ${path!}: ${lines} points\n`);
      return 0;
    }
    const data = gatherFromDataDir(reader, { start, end, metrics, now: at });
    writeReport(path!, format, data, { maxCharts });
    out(`wrote ${path!}: ${data.series.length} series over ${new Date(start).toISOString()} – ${new Date(end).toISOString()} from the ${data.tier} tier\n`);
    return 0;
  } finally {
    reader.close();
  }
}

/** --data-dir, else the config's storage.data_dir, else the default; refused unless it holds a database. */
function dataDirOf(flag: string | undefined, config: string | undefined): string {
  let dir = flag;
  let from = '--data-dir';
  if (dir === undefined && config !== undefined) {
    dir = loadConfigFile(config).storage.data_dir;
    from = '--config';
  }
  if (dir === undefined) {
    dir = defaultDataDir();
    from = '--data-dir';
  }
  if (dir.trim() === '' || !existsSync(join(dir, DB_FILE)) || !statSync(dir).isDirectory()) {
    throw usageError(`${from}: got ${shown(dir)}; expected a data dir holding ${DB_FILE} (one echo-perf start wrote)${from === '--config' ? ' as storage.data_dir' : ''}`, REPORT_USAGE);
  }
  return dir;
}

/** One metric's stored points at a time, so a CSV of any length holds one metric in memory. */
function* streamSeries(reader: DiskReader, names: readonly string[], start: number, end: number): Generator<ReportSeries> {
  for (const name of names) {
    let series: ReturnType<DiskReader['query']>['series'];
    try {
      series = reader.query({ name, start, end }).series;
    } catch (e) {
      // The store's point budget: say which flags narrow the output.
      if (e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT') {
        throw usageError(`--metric ${shown(name)}: too many points between ${new Date(start).toISOString()} and ${new Date(end).toISOString()} for one CSV read (${e.message}); expected a shorter range (--since, --start/--end)`, REPORT_USAGE);
      }
      throw e;
    }
    for (const s of series) yield { name, labels: s.labels, unit: unitOf(name, s.labels), points: s.points };
  }
}
