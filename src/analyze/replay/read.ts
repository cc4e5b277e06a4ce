/**
 * @module analyze/replay/read
 * Recorded series for replay, read as a stream of rows: CSV `timestamp,value`
 * with a header, or JSONL samples. Files are hostile: lines are bounded,
 * every error names file:line, the field, the value and what was expected.
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { EchoPerfError } from '../../core/errors.js';
import { LABEL_NAME_RE } from '../../core/labels.js';
import type { Labels } from '../../core/types.js';

/** Longest line accepted; NAB's lines are under 40 bytes, a JSONL sample with labels a few hundred. */
export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_LABELS = 64;

export interface Row {
  readonly name: string;
  readonly labels: Labels;
  /** ms since the epoch */
  readonly t: number;
  readonly v: number;
  /** the timestamp and value as the file wrote them, for outputs that echo them back */
  readonly rawT: string;
  readonly rawV: string;
}

function shown(s: string): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}...` : s);
}

export function inputError(where: string, msg: string): EchoPerfError {
  return new EchoPerfError('EP_ERR_REPLAY_INPUT', `${where}: ${msg}`);
}

const NAB_OR_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH = /^-?\d+(\.\d+)?$/;
/** Epoch numbers at or above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const MS_FROM = 1e11;

/**
 * A timestamp in ms: ISO-8601 (`2015-02-26T21:42:53Z`, with or without zone),
 * NAB's `2015-02-26 21:42:53`, or epoch seconds/ms told apart by magnitude.
 * A time without a zone is UTC (NAB's files are). NaN when it is none of these.
 */
export function parseTimestamp(s: string): number {
  if (EPOCH.test(s)) return epochValue(Number(s));
  const m = NAB_OR_ISO.exec(s);
  if (m === null) return Number.NaN;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const z = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = frac === '' ? '' : frac.slice(0, 4).padEnd(4, '0');
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${ms}${z}`);
  return t;
}

/** ECMAScript's time value range (ECMA-262 §21.4.1.1): a Date beyond ±8.64e15 ms is invalid, and toISOString throws on it. */
const MAX_TIME_MS = 8.64e15;

/** Epoch seconds or ms (told apart by magnitude) as ms; NaN outside what a Date can hold. */
function epochValue(n: number): number {
  const ms = Math.abs(n) >= MS_FROM ? n : n * 1000;
  return Math.abs(ms) <= MAX_TIME_MS ? ms : Number.NaN;
}

/** Lines of a file, without their end, each with its 1-based number; bounded in length. */
export async function* lines(path: string): AsyncGenerator<[line: string, no: number]> {
  let rest = '';
  let no = 0;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = rest + chunk;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl === -1) break;
        no++;
        if (nl - start > MAX_LINE_BYTES) throw inputError(`${path}:${no}`, `line of ${nl - start} characters; expected at most ${MAX_LINE_BYTES}`);
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield [text.slice(start, end), no];
        start = nl + 1;
      }
      text = text.slice(start);
      if (text.length > MAX_LINE_BYTES) throw inputError(`${path}:${no + 1}`, `line of more than ${MAX_LINE_BYTES} characters; expected at most ${MAX_LINE_BYTES}`);
      rest = text;
    }
  } catch (e) {
    if (e instanceof EchoPerfError) throw e;
    throw inputError(path, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    stream.destroy();
  }
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest, no + 1];
}

/**
 * The metric a CSV file's rows are named: `--metric` (checked by the CLI), else the file name
 * without its extension made a metric name: NAB's names have hyphens (`exchange-2_cpc_results`),
 * and a file name may hold any byte but `/`. Prometheus's underscore escaping
 * (docs/instrumenting/escaping_schemes.md, "Underscore Escaping"): every character outside
 * [a-zA-Z0-9_:] becomes `_`, and a name must not start with a digit (a `_` goes before it);
 * at most 200 characters, as `--metric`.
 */
export function csvMetricName(path: string, metric: string | undefined): string {
  if (metric !== undefined) return metric;
  const name = basename(path, extname(path)).slice(0, 200).replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}`.slice(0, 200) : name || '_';
}

/** Rows of a CSV file whose header has `timestamp` and `value` columns (others are ignored); every row carries `labels`. */
export async function* readCsv(path: string, metric: string, labels: Labels = {}): AsyncGenerator<Row> {
  let ti = -1;
  let vi = -1;
  let cols = 0;
  for await (const [line, no] of lines(path)) {
    if (no === 1) {
      const head = line.replace(/^\uFEFF/, '').split(',').map((c) => c.trim().toLowerCase());
      ti = head.indexOf('timestamp');
      vi = head.indexOf('value');
      cols = head.length;
      if (ti === -1 || vi === -1) throw inputError(`${path}:1`, `header ${shown(line)}; expected the columns timestamp and value (e.g. "timestamp,value")`);
      continue;
    }
    if (line.trim() === '') continue;
    const f = line.split(',', cols + 1);
    const rawT = (f[ti] ?? '').trim();
    const rawV = (f[vi] ?? '').trim();
    const t = parseTimestamp(rawT);
    if (!Number.isFinite(t)) throw inputError(`${path}:${no}`, `timestamp ${shown(rawT)}; expected ISO-8601, "YYYY-MM-DD HH:MM:SS" (UTC) or epoch seconds/ms`);
    const v = rawV === '' ? Number.NaN : Number(rawV);
    if (!Number.isFinite(v)) throw inputError(`${path}:${no}`, `value ${shown(rawV)}; expected a finite number`);
    yield { name: metric, labels, t, v, rawT, rawV };
  }
}

/** Rows of a JSONL file: `{"name", "labels"?, "t"|"timestamp", "v"|"value"}` per line. */
export async function* readJsonl(path: string): AsyncGenerator<Row> {
  for await (const [line, no] of lines(path)) {
    if (line.trim() === '') continue;
    const where = `${path}:${no}`;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw inputError(where, `line ${shown(line)}; expected one JSON object`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw inputError(where, `line ${shown(line)}; expected one JSON object`);
    const r = o as Record<string, unknown>;
    const name = r['name'];
    if (typeof name !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/.test(name)) throw inputError(where, `name ${shown(JSON.stringify(name) ?? 'undefined')}; expected a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]* (at most 200)`);
    const labels: Record<string, string> = Object.create(null) as Record<string, string>;
    const rl = r['labels'];
    if (rl !== undefined) {
      if (typeof rl !== 'object' || rl === null || Array.isArray(rl)) throw inputError(where, `labels ${shown(JSON.stringify(rl))}; expected an object of strings`);
      const entries = Object.entries(rl);
      if (entries.length > MAX_LABELS) throw inputError(where, `labels: ${entries.length} of them; expected at most ${MAX_LABELS}`);
      for (const [k, val] of entries) {
        // A key is as long as the line allows: shown bounded, like a value.
        if (!LABEL_NAME_RE.test(k) || k.length > 200) throw inputError(where, `label name ${shown(k)}; expected a label name matching [a-zA-Z_][a-zA-Z0-9_]* (at most 200)`);
        if (typeof val !== 'string' || val.length > 1024) throw inputError(where, `labels.${k} ${shown(JSON.stringify(val) ?? 'undefined')}; expected a string of at most 1024 characters`);
        labels[k] = val;
      }
    }
    const tv = r['t'] ?? r['timestamp'];
    const t = typeof tv === 'number' ? epochValue(tv) : typeof tv === 'string' ? parseTimestamp(tv) : Number.NaN;
    if (!Number.isFinite(t)) throw inputError(where, `t ${shown(JSON.stringify(tv) ?? 'undefined')}; expected epoch seconds/ms or an ISO-8601 / "YYYY-MM-DD HH:MM:SS" string`);
    const vv = r['v'] ?? r['value'];
    if (typeof vv !== 'number' || !Number.isFinite(vv)) throw inputError(where, `v ${shown(JSON.stringify(vv) ?? 'undefined')}; expected a finite number`);
    yield { name, labels, t, v: vv, rawT: typeof tv === 'string' ? tv : String(tv), rawV: String(vv) };
  }
}

export function isJsonl(path: string): boolean {
  const e = extname(path).toLowerCase();
  return e === '.jsonl' || e === '.ndjson';
}
