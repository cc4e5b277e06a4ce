/**
 * @module cli/replay
 * `echo-perf replay`: recorded series through the same analysis code as live,
 * at full speed on the samples' own time (never the wall clock).
 */
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { once } from 'node:events';
import { AlertLifecycle } from '../alert/lifecycle.js';
import { loadConfigFile, parseConfig } from '../config/index.js';
import { createDetector, type Detector } from '../analyze/anomaly/detector.js';
import { AnomalyReplayAnalysis, type Analysis } from './replayAnalysis.js';
import { csvMetricName, inputError, isJsonl, readCsv, readJsonl, type Row } from '../analyze/replay/read.js';
import { seriesKey } from '../core/labels.js';

export const MAX_REPLAY_FILES = 10_000;
/** Distinct series one input file may hold for --scores (one detector each). */
export const MAX_SERIES_PER_FILE = 10_000;

export interface ReplayOptions {
  readonly config?: string;
  readonly metric?: string;
  readonly out?: string;
  readonly scores?: string;
  readonly inputs: readonly string[];
}

export interface ReplaySummary {
  rows: number;
  events: number;
  files: number;
}

/**
 * Where `--scores DIR` puts a file's scores: its path below the inputs' common
 * directory, so `replay --scores out data/*\/*.csv` keeps NAB's category folders.
 */
export function scoresPaths(dir: string, inputs: readonly string[]): string[] {
  const abs = inputs.map((p) => resolve(p));
  let root = dirname(abs[0]!);
  for (const p of abs) while (!(dirname(p) + sep).startsWith(root.endsWith(sep) ? root : root + sep)) root = dirname(root);
  return abs.map((p) => join(dir, relative(root, p)));
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

function checkInputs(inputs: readonly string[]): void {
  if (inputs.length > MAX_REPLAY_FILES) throw inputError('INPUT', `${inputs.length} files; expected at most ${MAX_REPLAY_FILES}`);
  for (const p of inputs) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw inputError(p, 'no such file; expected a CSV or JSONL file');
    }
    if (!st.isFile()) throw inputError(p, 'not a file; expected a CSV (timestamp,value) or JSONL file');
  }
}

/**
 * Replays the inputs one after another. Samples of one file go through the
 * analysis in file order; the analysis is evaluated whenever time moves on,
 * which is what a live tick does.
 */
export async function runReplay(o: ReplayOptions, err: (s: string) => void = () => {}): Promise<ReplaySummary> {
  checkInputs(o.inputs);
  const config = o.config !== undefined ? loadConfigFile(o.config) : parseConfig({});
  const summary: ReplaySummary = { rows: 0, events: 0, files: o.inputs.length };
  const eventsOut = o.out !== undefined ? createWriteStream(o.out) : undefined;
  const analysis: Analysis | undefined = eventsOut !== undefined ? new AnomalyReplayAnalysis(config.rules, config.default_rules, new AlertLifecycle()) : undefined;
  const scoreFiles = o.scores !== undefined ? scoresPaths(o.scores, o.inputs) : undefined;
  try {
    for (let i = 0; i < o.inputs.length; i++) {
      const path = o.inputs[i]!;
      let scoresOut: WriteStream | undefined;
      const detectors = new Map<string, Detector>();
      if (scoreFiles !== undefined) {
        mkdirSync(dirname(scoreFiles[i]!), { recursive: true });
        scoresOut = createWriteStream(scoreFiles[i]!);
        await write(scoresOut, 'timestamp,value,anomaly_score\n');
      }
      let lastT = Number.NaN;
      let buf = '';
      for await (const r of rowsOf(path, o.metric)) {
        summary.rows++;
        if (scoresOut !== undefined) {
          const key = r.labels === undefined || Object.keys(r.labels).length === 0 ? r.name : seriesKey(r.name, r.labels);
          let d = detectors.get(key);
          if (d === undefined) {
            if (detectors.size >= MAX_SERIES_PER_FILE) throw inputError(path, `more than ${MAX_SERIES_PER_FILE} series; expected fewer in one file`);
            d = createDetector();
            detectors.set(key, d);
          }
          buf += `${r.rawT.includes(',') ? JSON.stringify(r.rawT) : r.rawT},${r.rawV},${d.score(r.t, r.v)}\n`;
          if (buf.length > 65536) {
            await write(scoresOut, buf);
            buf = '';
          }
        }
        if (analysis !== undefined && eventsOut !== undefined) {
          // Time moving on closes the previous tick; repeats and steps back stay in that tick's order.
          if (r.t > lastT) {
            for (const e of analysis.events(lastT)) {
              summary.events++;
              await write(eventsOut, `${JSON.stringify(e)}\n`);
            }
          }
          if (!(r.t <= lastT)) lastT = r.t;
          analysis.observe(r.name, r.labels, r.t, r.v);
        }
      }
      if (analysis !== undefined && eventsOut !== undefined && Number.isFinite(lastT)) {
        for (const e of analysis.events(lastT)) {
          summary.events++;
          await write(eventsOut, `${JSON.stringify(e)}\n`);
        }
      }
      if (scoresOut !== undefined) {
        await write(scoresOut, buf);
        await close(scoresOut);
      }
    }
  } finally {
    if (eventsOut !== undefined) await close(eventsOut);
  }
  err(`replayed ${summary.rows} rows from ${summary.files} file(s)${o.out !== undefined ? `, ${summary.events} alert event(s) to ${o.out}` : ''}${o.scores !== undefined ? `, scores under ${o.scores}` : ''}\n`);
  return summary;
}
