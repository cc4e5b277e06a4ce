/**
 * @module core/exposition/format
 * Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0.0.
 *
 * Text 0.0.4 follows what client_python writes, so that Prometheus and
 * `promtool check metrics` read it back: a counter family `foo` whose samples are
 * `foo_total` is headed `# TYPE foo_total counter`; `_created` samples of counters,
 * histograms and summaries become their own `foo_created` gauge family; info and
 * stateset are written as gauges, gaugehistogram as histogram, unknown as untyped;
 * exemplars and units are dropped (0.0.4 has neither).
 *
 * OpenMetrics names a counter family without `_total` (its samples carry it), an
 * info family without `_info`, folds text-style `foo_created` gauge families back
 * into `foo` (om-created.ts), writes timestamps in seconds and ends with `# EOF`.
 * Escapes: label values `\\`, `\"`, `\n` in both; HELP `\\` and `\n`, plus `\"` in OpenMetrics.
 */
import { EchoPerfError } from '../errors.js';
import type { MetricType } from '../types.js';
import { ByteWriter } from './byte-writer.js';
import type { Exemplar, ExpositionFormat, ExpositionSample, MetricFamily } from './model.js';
import { foldCreated } from './om-created.js';
import { isLabelName, isMetricName } from './scan.js';

/**
 * `Content-Type` of each format.
 * @example contentTypeFor('openmetrics') // 'application/openmetrics-text; version=1.0.0; charset=utf-8'
 */
export function contentTypeFor(format: ExpositionFormat): string {
  return format === 'openmetrics'
    ? 'application/openmetrics-text; version=1.0.0; charset=utf-8'
    : 'text/plain; version=0.0.4; charset=utf-8';
}

/**
 * Renders families in the given format (text 0.0.4 by default). Throws
 * `EchoPerfError` (`EP_ERR_ARGUMENT`) for what the format cannot carry: an
 * invalid metric or label name, a non-finite or (in text 0.0.4) negative
 * timestamp, a UNIT that is not a suffix of the family name.
 * @example formatExposition([{ name: 'up', type: 'gauge', samples: [{ name: 'up', labels: {}, value: 1 }] }])
 * // '# TYPE up gauge\nup 1\n'
 */
export function formatExposition(families: readonly MetricFamily[], format: ExpositionFormat = 'text'): string {
  const w = new Writer(format === 'openmetrics');
  for (const f of w.om ? foldCreated(families) : families) {
    if (w.om) w.familyOpenMetrics(f);
    else w.familyText(f);
  }
  if (w.om) w.out.str('# EOF\n');
  return w.out.finish();
}

const TEXT_TYPE: Record<MetricType, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
  unknown: 'untyped',
  info: 'gauge',
  stateset: 'gauge',
  gaugehistogram: 'histogram',
};

const LF = 10;
const SP = 32;

class Writer {
  readonly out = new ByteWriter();
  /** Names already validated. */
  private readonly names = new Set<string>();
  private readonly labelNames = new Set<string>();

  constructor(readonly om: boolean) {}

  familyText(f: MetricFamily): void {
    const type = f.type;
    let header = this.name(f.name);
    let created: ExpositionSample[] | undefined;
    let createdName = '';
    let samples = f.samples;
    if (type === 'counter' || type === 'histogram' || type === 'summary') {
      const base = type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
      createdName = base + '_created';
      if (samples.some((s) => s.name === createdName)) {
        created = samples.filter((s) => s.name === createdName);
        samples = samples.filter((s) => s.name !== createdName);
      }
      if (type === 'counter' && header === base && samples.length > 0 && samples.every((s) => s.name === base + '_total')) {
        header = base + '_total';
      }
    } else if (type === 'info' && !header.endsWith('_info') && samples.length > 0 && samples.every((s) => s.name === header + '_info')) {
      header += '_info';
    }
    this.header('HELP', header, f.help);
    this.header('TYPE', header, TEXT_TYPE[type]);
    for (const s of samples) this.sample(s);
    if (created !== undefined) {
      this.header('HELP', createdName, f.help);
      this.header('TYPE', createdName, 'gauge');
      for (const s of created) this.sample(s);
    }
  }

  familyOpenMetrics(f: MetricFamily): void {
    const type = f.type;
    let base = this.name(f.name);
    let plainSuffix = '';
    if (type === 'counter') {
      if (base.endsWith('_total')) base = base.slice(0, -6);
      plainSuffix = '_total';
    } else if (type === 'info') {
      if (base.endsWith('_info')) base = base.slice(0, -5);
      plainSuffix = '_info';
    }
    this.header('HELP', base, f.help);
    this.header('TYPE', base, type === 'untyped' ? 'unknown' : type);
    if (f.unit !== undefined) {
      const u = f.unit;
      if (u !== '' && !(base.length > u.length + 1 && base.endsWith('_' + u))) {
        throw new EchoPerfError('EP_ERR_ARGUMENT', `unit "${u}" is not a suffix of metric family name "${base}"`);
      }
      this.header('UNIT', base, u);
    }
    for (const s of f.samples) this.sample(s, s.name === base && plainSuffix !== '' ? base + plainSuffix : undefined);
  }

  /** `# KEYWORD name text`; HELP text is escaped, an absent text writes nothing. */
  private header(keyword: string, name: string, text: string | undefined): void {
    if (text === undefined) return;
    const out = this.out;
    out.str('# ');
    out.str(keyword);
    out.byte(SP);
    out.str(name);
    out.byte(SP);
    if (keyword === 'HELP') out.escaped(text, this.om);
    else out.str(text);
    out.byte(LF);
  }

  private sample(s: ExpositionSample, rename?: string): void {
    const out = this.out;
    out.str(rename ?? this.name(s.name));
    this.labels(s.labels);
    out.byte(SP);
    out.str(formatFloat(s.value));
    if (s.timestamp !== undefined) {
      out.byte(SP);
      out.str(this.timestamp(s.timestamp));
    }
    if (this.om && s.exemplar !== undefined) this.exemplar(s.exemplar);
    out.byte(LF);
  }

  private labels(labels: Readonly<Record<string, string>>, always = false): void {
    const out = this.out;
    let first = true;
    for (const k in labels) {
      if (!Object.hasOwn(labels, k)) continue;
      if (!this.labelNames.has(k)) {
        if (!isLabelName(k) || k === '__name__') {
          throw new EchoPerfError('EP_ERR_ARGUMENT', `invalid label name ${JSON.stringify(k)}: expected [a-zA-Z_][a-zA-Z0-9_]*, not __name__`);
        }
        this.labelNames.add(k);
      }
      out.byte(first ? 123 : 44);
      out.str(k);
      out.byte(61);
      out.byte(34);
      out.escaped(labels[k]!, true);
      out.byte(34);
      first = false;
    }
    if (!first) out.byte(125);
    else if (always) out.str('{}');
  }

  private exemplar(e: Exemplar): void {
    const out = this.out;
    out.str(' # ');
    this.labels(e.labels, true);
    out.byte(SP);
    out.str(formatFloat(e.value));
    if (e.timestamp !== undefined) {
      out.byte(SP);
      out.str(this.timestamp(e.timestamp));
    }
  }

  private timestamp(ms: number): string {
    if (!Number.isFinite(ms)) throw new EchoPerfError('EP_ERR_ARGUMENT', `timestamp ${ms} is not a finite number of milliseconds`);
    const t = Math.trunc(ms);
    if (!this.om) {
      if (t < 0) throw new EchoPerfError('EP_ERR_ARGUMENT', `timestamp ${ms} is negative, which text format 0.0.4 cannot carry`);
      return String(t);
    }
    const a = Math.abs(t);
    const frac = a % 1000;
    const secs = String((a - frac) / 1000);
    const sign = t < 0 ? '-' : '';
    if (frac === 0) return sign + secs;
    let f = String(frac).padStart(3, '0');
    while (f.endsWith('0')) f = f.slice(0, -1);
    return sign + secs + '.' + f;
  }

  private name(name: string): string {
    if (!this.names.has(name)) {
      if (!isMetricName(name)) {
        throw new EchoPerfError('EP_ERR_ARGUMENT', `invalid metric name ${JSON.stringify(name)}: expected [a-zA-Z_:][a-zA-Z0-9_:]*`);
      }
      this.names.add(name);
    }
    return name;
  }
}

/** Float spelling both formats accept: `+Inf`, `-Inf`, `NaN`, `-0`, else the shortest round-trip form. */
export function formatFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v !== v) return 'NaN';
  if (v === 0 && 1 / v < 0) return '-0';
  return String(v);
}
