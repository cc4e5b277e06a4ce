/**
 * @module cli/replay
 * `echo-perf replay`: recorded series (CSV, JSONL, a data dir) through the
 * same analysis code as live, at full speed on the samples' own time (never
 * the wall clock).
 */
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { once } from 'node:events';
import type { PerformanceAlert } from '../alert/alert.js';
import { loadConfigFile, parseConfig, type EchoPerfConfig } from '../config/index.js';
import { createCadDetector } from '../analyze/anomaly/cadDetector.js';
import { createDetector, type Detector } from '../analyze/anomaly/detector.js';
import { dataDirSources, isDataDir } from '../analyze/replay/dataDir.js';
import { mergeByTime } from '../analyze/replay/merge.js';
import { csvMetricName, inputError, isJsonl, readCsv, readJsonl, type Row } from '../analyze/replay/read.js';
import { describeError } from '../core/errors.js';
import { seriesKey } from '../core/labels.js';
import { truncateText } from '../core/preview.js';
import { DB_FILE } from '../store/disk/schema.js';
import { RuleReplayAnalysis, type Analysis } from './replayAnalysis.js';

export const MAX_REPLAY_FILES = 10_000;
/** Mode of new output files (before the umask): private, as the data dir they may come from. */
const OUTPUT_MODE = 0o600;
/** Distinct series one input file may hold for --scores (one detector each). */
export const MAX_SERIES_PER_FILE = 10_000;

export interface ReplayOptions {
  readonly config?: string;
  readonly metric?: string;
  readonly out?: string;
  readonly scores?: string;
  /**
   * The detector behind `--scores`: `fast` (the default, the one the anomaly rules run live) or
   * `context` (CAD OSE re-expressed: better on NAB, ~700× slower and up to ~6 MB per series;
   * docs/rules/anomaly.md), for offline analysis of recordings.
   */
  readonly detector?: 'fast' | 'context';
  readonly inputs: readonly string[];
}

export interface ReplaySummary {
  rows: number;
  events: number;
  files: number;
}

/** The deepest folder holding every input. */
function commonRoot(abs: readonly string[]): string {
  let root = dirname(abs[0]!);
  for (const p of abs) while (!(dirname(p) + sep).startsWith(root.endsWith(sep) ? root : root + sep)) root = dirname(root);
  return root;
}

/**
 * Where `--scores DIR` puts a file's scores: its path below the inputs' common
 * directory, so `replay --scores out data/*\/*.csv` keeps NAB's category folders.
 */
export function scoresPaths(dir: string, inputs: readonly string[]): string[] {
  const abs = inputs.map((p) => resolve(p));
  const root = commonRoot(abs);
  return abs.map((p) => join(dir, relative(root, p)));
}

/**
 * The `component` label of a file's series that have none: the file's path
 * below the inputs' common folder, without its extension (`cpu_usage.csv` →
 * `cpu_usage`). Live, every collector stamps `component` on its samples and
 * the seed's default rules watch such series; this keeps them applying, and
 * keeps two recordings of one metric apart.
 */
export function replayComponents(inputs: readonly string[]): string[] {
  const abs = inputs.map((p) => resolve(p));
  const root = commonRoot(abs);
  return abs.map((p) => {
    const rel = relative(root, p).split(sep).join('/');
    return rel.slice(0, rel.length - extname(rel).length) || basename(p);
  });
}

/**
 * A new output stream, open (its directory made first with `makeDir`): an
 * error (missing directory, no permission, a file where a directory should be)
 * is thrown here, naming the option, instead of surfacing later as an
 * unhandled 'error' event that kills the process with a stack.
 */
async function openOutput(path: string, option: string, makeDir = false): Promise<WriteStream> {
  let w: WriteStream | undefined;
  try {
    if (makeDir) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    w = createWriteStream(path, { mode: OUTPUT_MODE });
    await once(w, 'open');
  } catch (e) {
    w?.destroy();
    throw inputError(option, `cannot write ${JSON.stringify(truncateText(path))}: ${describeError(e)}; expected ${makeDir ? 'a directory that can be created and written to' : 'a writable file in an existing directory'}`);
  }
  return w;
}

async function write(w: WriteStream, s: string): Promise<void> {
  if (!w.write(s)) await once(w, 'drain');
}

async function close(w: WriteStream): Promise<void> {
  await new Promise<void>((res, rej) => w.end((e?: Error | null) => (e ? rej(e) : res())));
}

function rowsOf(path: string, metric: string | undefined): AsyncGenerator<Row> {
  return isJsonl(path) ? readJsonl(path) : readCsv(path, csvMetricName(path, metric));
}

/** A file's rows, each series labelled `component` where it has no such label. */
async function* labelledRows(path: string, metric: string | undefined, component: string): AsyncGenerator<Row> {
  if (!isJsonl(path)) {
    yield* readCsv(path, csvMetricName(path, metric), Object.freeze({ component }));
    return;
  }
  for await (const r of readJsonl(path)) yield r.labels['component'] !== undefined ? r : { ...r, labels: { ...r.labels, component } };
}

/** Which inputs are data dirs (the rest are files); throws on anything else. */
function checkInputs(inputs: readonly string[]): boolean[] {
  if (inputs.length > MAX_REPLAY_FILES) throw inputError('INPUT', `${inputs.length} inputs; expected at most ${MAX_REPLAY_FILES}`);
  return inputs.map((p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw inputError(p, 'no such file; expected a CSV or JSONL file or a data dir');
    }
    if (st.isFile()) return false;
    if (isDataDir(p)) return true;
    throw inputError(p, `not a file nor a data dir; expected a CSV (timestamp,value) or JSONL file, or a directory holding ${DB_FILE}`);
  });
}

/** `--scores`: per input file, the default anomaly detector's score of each row, in the file's order. */
async function writeScores(dir: string, inputs: readonly string[], metric: string | undefined, make: () => Detector): Promise<number> {
  const scoreFiles = scoresPaths(dir, inputs);
  let rows = 0;
  for (let i = 0; i < inputs.length; i++) {
    const path = inputs[i]!;
    const detectors = new Map<string, Detector>();
    const scoresOut = await openOutput(scoreFiles[i]!, '--scores', true);
    try {
      await write(scoresOut, 'timestamp,value,anomaly_score\n');
      let buf = '';
      for await (const r of rowsOf(path, metric)) {
        rows++;
        const key = Object.keys(r.labels).length === 0 ? r.name : seriesKey(r.name, r.labels);
        let d = detectors.get(key);
        if (d === undefined) {
          if (detectors.size >= MAX_SERIES_PER_FILE) throw inputError(path, `more than ${MAX_SERIES_PER_FILE} series; expected fewer in one file`);
          d = make();
          detectors.set(key, d);
        }
        buf += `${r.rawT.includes(',') ? JSON.stringify(r.rawT) : r.rawT},${r.rawV},${d.score(r.t, r.v)}\n`;
        if (buf.length > 65536) {
          await write(scoresOut, buf);
          buf = '';
        }
      }
      await write(scoresOut, buf);
    } finally {
      await close(scoresOut);
    }
  }
  return rows;
}

/** An event as one JSON line: every field of the alert, `labels` and `endsAt` always present. */
function eventLine(e: PerformanceAlert): string {
  return `${JSON.stringify({ ...e, labels: e.labels ?? {}, endsAt: e.endsAt ?? null })}\n`;
}

/**
 * `--out`: every input merged by time through the live analysis, evaluated
 * whenever time moves on (what a live tick does), and once more at the end.
 */
async function writeEvents(out: string, config: Readonly<EchoPerfConfig>, inputs: readonly string[], dirs: readonly boolean[], metric: string | undefined): Promise<{ rows: number; events: number }> {
  const components = replayComponents(inputs);
  const sources = inputs.flatMap<AsyncIterable<Row> | Iterable<Row>>((p, i) => (dirs[i] === true ? dataDirSources(p, metric) : [labelledRows(p, metric, components[i]!)]));
  const analysis: Analysis = new RuleReplayAnalysis(config);
  const w = await openOutput(out, '--out');
  let rows = 0;
  let events = 0;
  const flush = async (at: number): Promise<void> => {
    let buf = '';
    for (const e of analysis.events(at)) {
      events++;
      buf += eventLine(e);
    }
    if (buf !== '') await write(w, buf);
  };
  try {
    let lastT = -Infinity;
    for await (const r of mergeByTime(sources)) {
      rows++;
      // Time moving on closes the previous tick; a file stepping back in time stays in the current one.
      if (r.t > lastT) {
        if (lastT !== -Infinity) await flush(lastT);
        lastT = r.t;
      }
      analysis.observe(r.name, r.labels, r.t, r.v);
    }
    if (lastT !== -Infinity) await flush(lastT);
  } finally {
    await close(w);
  }
  return { rows, events };
}

/**
 * Replays the inputs: `--scores` reads each file on its own, `--out` reads
 * them all merged by time through the same rules and alert lifecycle as live.
 */
export async function runReplay(o: ReplayOptions, err: (s: string) => void = () => {}): Promise<ReplaySummary> {
  const dirs = checkInputs(o.inputs);
  const config = o.config !== undefined ? loadConfigFile(o.config) : parseConfig({});
  const summary: ReplaySummary = { rows: 0, events: 0, files: o.inputs.length };
  if (o.scores !== undefined) {
    const d = dirs.indexOf(true);
    if (d !== -1) throw inputError(o.inputs[d]!, 'a data dir; --scores expected CSV or JSONL files (use --out for a data dir)');
    summary.rows = await writeScores(o.scores, o.inputs, o.metric, o.detector === 'context' ? () => createCadDetector() : () => createDetector());
  }
  if (o.out !== undefined) {
    const r = await writeEvents(o.out, config, o.inputs, dirs, o.metric);
    summary.rows = r.rows;
    summary.events = r.events;
  }
  err(`replayed ${summary.rows} rows from ${summary.files} input(s)${o.out !== undefined ? `, ${summary.events} alert event(s) to ${o.out}` : ''}${o.scores !== undefined ? `, scores under ${o.scores}` : ''}\n`);
  return summary;
}
