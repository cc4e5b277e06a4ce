/**
 * @module core/exposition/om-rules
 * The OpenMetrics 1.0 MUSTs about sample values and about how the samples of
 * one family follow each other, checked as each sample arrives: O(labels) per
 * sample, and a string key only when the label set changes.
 *
 * Sections cited are those of the OpenMetrics 1.0 specification; where it is
 * silent the checks follow prometheus/client_python's openmetrics/parser.py,
 * from which the official test suite was drawn:
 * - values: counter totals, histogram buckets/count/sum, summary count/sum and
 *   gaugehistogram buckets/gcount are not NaN and (but `_gsum`) not negative;
 *   bucket and count values are integers; quantile values are not negative;
 *   info values are 1 and stateset values 0 or 1 ("Metric types");
 * - labels: `le` and `quantile` are floats (`+Inf` written so; quantiles in
 *   [0, 1]) and appear only on buckets / quantiles; a stateset sample carries the
 *   label named after its family; label names starting with `_` are reserved ("Label");
 * - exemplars only on counter `_total` and (gauge)histogram `_bucket` samples, their
 *   label set at most 128 code points, their value within the bucket ("Exemplars");
 * - a Metric's samples are contiguous ("Metrics MUST NOT be interleaved"), and
 *   within it timestamps are all present or all absent and never go backwards;
 *   a series repeats only with timestamps (a MetricPoint per timestamp, "Metric");
 * - per histogram MetricPoint: `le` strictly increasing, buckets cumulative, a
 *   `+Inf` bucket equal to `_count`, `_count` if and only if `_sum` (`_gcount` / `_gsum`),
 *   no `_sum` with negative buckets, a negative `_gsum` only with them ("Histogram").
 */
import type { Exemplar, ExpositionSample, MetricFamily } from './model.js';
import { parseFloatToken } from './numbers.js';
import { remember, sameMetric } from './om-metrics.js';

/** Receives a violation of the specification: where it is and what is wrong. */
export type Report = (at: number, message: string) => void;

/**
 * What a sample is within its family, from its name's suffix. The first four
 * are the roles text 0.0.4 checks too; the rest only OpenMetrics tells apart.
 */
export const Kind = {
  Plain: 0,
  Bucket: 1,
  Quantile: 2,
  Invalid: 3,
  Total: 4,
  Created: 5,
  Count: 6,
  Sum: 7,
  GCount: 8,
  GSum: 9,
  Info: 10,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Past this many series in one Metric (summary quantiles, stateset states), repeats are found with a set. */
const SERIES_LINEAR = 16;

/** OpenMetrics 1.0, "Exemplars": label names and values together, in code points. */
const MAX_EXEMPLAR_CODE_POINTS = 128;

/** Where one family is: its current Metric (label set without `le`/`quantile`/state) and MetricPoint. */
export class OmFamily {
  /** Labels of the previous sample, and the label its group leaves out. */
  prevLabels: Record<string, string> | undefined = undefined;
  prevSpecial: string | undefined = undefined;
  /** How many labels the previous sample has besides its special one. */
  prevCount = 0;
  /**
   * The Metrics met in this family, to catch one that comes back (made at the first
   * change of Metric): by label-set hash, each hash naming one Metric's labels in
   * `seenLabels`/`seenSpecials`; after the first collision, by exact key in `seenKeys`,
   * so that crafted collisions cost no more than keys would.
   */
  seen: Map<number, number> | undefined = undefined;
  readonly seenLabels: Array<Record<string, string>> = [];
  readonly seenSpecials: Array<string | undefined> = [];
  seenKeys: Set<string> | undefined = undefined;
  /** Timestamp of the previous sample of the current Metric. */
  groupTs: number | undefined = undefined;
  /**
   * Series of the current Metric without timestamps, but buckets (whose strictly
   * increasing `le` already rules out a repeat): names and special label values by
   * position, then a set once there are many. Reused from Metric to Metric.
   */
  readonly seriesNames: string[] = [];
  readonly seriesSpecials: Array<string | undefined> = [];
  seriesCount = 0;
  series: Set<string> | undefined = undefined;
  // The histogram MetricPoint being read.
  segTs: number | undefined = undefined;
  segLastAt = 0;
  le: number | undefined = undefined;
  bucketValue = 0;
  count: number | undefined = undefined;
  hasSum = false;
  hasGsum = false;
  negativeGsum = false;
  negativeBuckets = false;

  constructor(readonly family: MetricFamily) {}
}

/** Checks the samples of OpenMetrics families, reporting what breaks the specification. */
export class OmRules {
  constructor(private readonly report: Report) {}

  /** Checks one sample of `f` (already resolved to its family, `kind` from its name). */
  sample(f: OmFamily, s: ExpositionSample, kind: Kind, at: number): void {
    const family = f.family;
    const type = family.type;
    const labels = s.labels;
    const histogram = type === 'histogram' || type === 'gaugehistogram';
    let special: string | undefined;
    let bound = NaN;
    if (kind === Kind.Bucket) {
      special = 'le';
      bound = this.bucketBound(s, type, at);
    } else if (kind === Kind.Quantile) {
      special = 'quantile';
      this.quantile(s, at);
    } else if (type === 'stateset') {
      special = family.name;
      if (!Object.hasOwn(labels, special)) {
        this.report(at, `stateset sample "${s.name}" has no "${special}" label (a stateset sample names its state in a label named after its family)`);
      }
    }
    this.sequence(f, s, kind, special, histogram, at);
    this.value(s, family, kind, at);
    if (s.exemplar !== undefined) this.exemplar(s.exemplar, s.name, type, kind, bound, at);
    if (histogram) this.histogram(f, s, kind, bound, at);
  }

  /** Ends the family's current MetricPoint; called when the family ends. */
  close(f: OmFamily): void {
    const type = f.family.type;
    if (f.prevLabels !== undefined && (type === 'histogram' || type === 'gaugehistogram')) this.endPoint(f);
    f.prevLabels = undefined;
  }

  private bucketBound(s: ExpositionSample, type: string, at: number): number {
    const raw = Object.hasOwn(s.labels, 'le') ? s.labels.le : undefined;
    if (raw === undefined) {
      this.report(at, `${type} sample "${s.name}" has no "le" label`);
      return NaN;
    }
    const v = parseFloatToken(raw, 0, raw.length);
    if (v === undefined || Number.isNaN(v)) {
      this.report(at, `expected a float other than NaN as value of label "le" of "${s.name}", got ${quote(raw)}`);
      return NaN;
    }
    // Canonical Numbers: the one rendering OpenMetrics 1.0 imposes on parsers is +Inf.
    if (v === Infinity && raw !== '+Inf') this.report(at, `expected "+Inf" as value of label "le" of "${s.name}", got ${quote(raw)}`);
    return v;
  }

  private quantile(s: ExpositionSample, at: number): void {
    const raw = Object.hasOwn(s.labels, 'quantile') ? s.labels.quantile : undefined;
    if (raw === undefined) {
      this.report(at, `summary sample "${s.name}" has no "quantile" label`);
      return;
    }
    const q = parseFloatToken(raw, 0, raw.length);
    if (q === undefined || !(q >= 0 && q <= 1)) {
      this.report(at, `expected a float from 0 to 1 as value of label "quantile" of "${s.name}", got ${quote(raw)}`);
    }
  }

  /**
   * Label names starting with `_` (looked at once per Metric: within one, the names
   * are the Metric's plus the special label), and `le` / `quantile` out of place.
   */
  private labelNames(
    s: ExpositionSample,
    family: MetricFamily,
    kind: Kind,
    histogram: boolean,
    newMetric: boolean,
    at: number,
    special: string | undefined,
  ): number {
    const labels = s.labels;
    let count = 0;
    if (newMetric) {
      for (const k in labels) {
        if (k !== special) count++;
        if (k.charCodeAt(0) === 95) {
          this.report(at, `label name "${k}" of "${s.name}" starts with "_", which OpenMetrics reserves`);
        }
      }
    }
    if (histogram && kind !== Kind.Bucket && Object.hasOwn(labels, 'le')) {
      this.report(at, `sample "${s.name}" of ${family.type} "${family.name}" has an "le" label, which only its _bucket samples may have`);
    } else if (family.type === 'summary' && kind !== Kind.Quantile && Object.hasOwn(labels, 'quantile')) {
      this.report(at, `sample "${s.name}" of summary "${family.name}" has a "quantile" label, which only its quantile samples may have`);
    }
    return count;
  }

  /** Metrics contiguous, timestamps consistent and non-decreasing, series repeated only with timestamps. */
  private sequence(f: OmFamily, s: ExpositionSample, kind: Kind, special: string | undefined, histogram: boolean, at: number): void {
    const ts = s.timestamp;
    const prev = f.prevLabels;
    const count = prev === undefined ? -1 : sameMetric(prev, f.prevSpecial, f.prevCount, s.labels, special);
    const same = count >= 0;
    f.prevCount = same ? count : this.labelNames(s, f.family, kind, histogram, true, at, special);
    if (same) this.labelNames(s, f.family, kind, histogram, false, at, special);
    if (same) {
      if ((ts === undefined) !== (f.groupTs === undefined)) {
        this.report(at, `sample "${s.name}" ${ts === undefined ? 'has no timestamp' : 'has a timestamp'} unlike the previous samples of its metric (timestamps are all present or all absent)`);
      } else if (ts !== undefined) {
        if (ts < f.groupTs!) this.report(at, `timestamp of "${s.name}" goes backwards within its metric (${ts / 1000} after ${f.groupTs! / 1000})`);
      } else if (kind !== Kind.Bucket) {
        this.repeat(f, s, special, at);
      }
    } else {
      if (prev !== undefined) {
        if (histogram) this.endPoint(f);
        // A family with one Metric never hashes it: the first one is recorded when a second one starts.
        if (f.seen === undefined) {
          f.seen = new Map();
          remember(f, prev, f.prevSpecial);
        }
        if (remember(f, s.labels, special)) {
          this.report(at, `sample "${s.name}" returns to a metric of "${f.family.name}" after another one (OpenMetrics metrics may not be interleaved)`);
        }
      } else if (f.seen !== undefined) {
        // Back in a family after another one (tolerated when lenient): keep tracking its Metrics.
        remember(f, s.labels, special);
      }
      f.series = undefined;
      f.seriesCount = 0;
      if (kind !== Kind.Bucket) this.repeat(f, s, special, at);
      f.segTs = ts;
    }
    f.prevLabels = s.labels;
    f.prevSpecial = special;
    f.groupTs = ts;
  }

  /** Two samples of one series in a Metric without timestamps are two MetricPoints that cannot be ordered. */
  private repeat(f: OmFamily, s: ExpositionSample, special: string | undefined, at: number): void {
    const sv = special === undefined ? undefined : s.labels[special];
    const names = f.seriesNames;
    const specials = f.seriesSpecials;
    let set = f.series;
    let repeated = false;
    if (set === undefined) {
      const n = f.seriesCount;
      for (let k = 0; k < n; k++) {
        if (names[k] === s.name && specials[k] === sv) repeated = true;
      }
      names[n] = s.name;
      specials[n] = sv;
      f.seriesCount = n + 1;
      if (n + 1 > SERIES_LINEAR) {
        set = f.series = new Set();
        for (let k = 0; k <= n; k++) set.add(seriesKey(names[k]!, specials[k]));
      }
    } else {
      const key = seriesKey(s.name, sv);
      repeated = set.has(key);
      set.add(key);
    }
    if (repeated) {
      this.report(at, `sample "${s.name}" repeats a series of its metric without timestamps (more than one MetricPoint needs increasing timestamps)`);
    }
  }

  private value(s: ExpositionSample, family: MetricFamily, kind: Kind, at: number): void {
    const v = s.value;
    const type = family.type;
    switch (kind) {
      case Kind.Total:
      case Kind.Bucket:
      case Kind.Count:
      case Kind.GCount:
      case Kind.Sum:
        if (Number.isNaN(v)) this.report(at, `value of "${s.name}" is NaN, which a ${type}'s ${what(kind)} may not be`);
        else if (v < 0) this.report(at, `value of "${s.name}" is negative (${v}), which a ${type}'s ${what(kind)} may not be`);
        else if (kind !== Kind.Total && kind !== Kind.Sum && !Number.isInteger(v)) {
          this.report(at, `value of "${s.name}" is ${v}: a ${type}'s ${what(kind)} must be an integer`);
        }
        break;
      case Kind.GSum:
        if (Number.isNaN(v)) this.report(at, `value of "${s.name}" is NaN, which a gaugehistogram's _gsum may not be`);
        break;
      case Kind.Quantile:
        if (v < 0) this.report(at, `value of quantile sample "${s.name}" is negative (${v})`);
        break;
      case Kind.Info:
        if (v !== 1) this.report(at, `value of info sample "${s.name}" is ${v}: info values are always 1`);
        break;
      default:
        if (type === 'stateset' && v !== 0 && v !== 1) {
          this.report(at, `value of stateset sample "${s.name}" is ${v}: a state is 1 (true) or 0 (false)`);
        }
    }
  }

  private exemplar(e: Exemplar, name: string, type: string, kind: Kind, bound: number, at: number): void {
    if (kind !== Kind.Bucket && kind !== Kind.Total) {
      this.report(at, `sample "${name}" of ${type} has an exemplar: only counter _total and histogram or gaugehistogram _bucket samples may`);
      return;
    }
    let units = 0;
    for (const k in e.labels) {
      units += k.length + e.labels[k]!.length;
      if (k.charCodeAt(0) === 95) this.report(at, `exemplar label name "${k}" of "${name}" starts with "_", which OpenMetrics reserves`);
    }
    // Code points never outnumber UTF-16 units: count them only when the units exceed the limit.
    if (units > MAX_EXEMPLAR_CODE_POINTS) {
      let points = 0;
      for (const k in e.labels) points += codePoints(k) + codePoints(e.labels[k]!);
      if (points > MAX_EXEMPLAR_CODE_POINTS) {
        this.report(at, `exemplar label set of "${name}" is ${points} code points long, more than the ${MAX_EXEMPLAR_CODE_POINTS} OpenMetrics allows`);
      }
    }
    if (kind === Kind.Bucket && e.value > bound) {
      this.report(at, `exemplar value ${e.value} of "${name}" is above the bucket's le (${bound})`);
    }
  }

  private histogram(f: OmFamily, s: ExpositionSample, kind: Kind, bound: number, at: number): void {
    // A new timestamp within the same metric starts a new MetricPoint.
    if (s.timestamp !== f.segTs) {
      this.endPoint(f);
      f.segTs = s.timestamp;
    }
    f.segLastAt = at;
    const v = s.value;
    switch (kind) {
      case Kind.Bucket:
        if (Number.isNaN(bound)) return;
        if (f.le !== undefined && bound <= f.le) {
          this.report(at, `bucket le="${s.labels.le}" of "${s.name}" does not follow a smaller le (buckets are sorted by increasing le, each once)`);
        }
        if (v < f.bucketValue) this.report(at, `bucket le="${s.labels.le}" of "${s.name}" is ${v}, less than the bucket before (${f.bucketValue}): buckets are cumulative`);
        if (bound < 0) f.negativeBuckets = true;
        f.le = bound;
        f.bucketValue = v;
        break;
      case Kind.Count:
      case Kind.GCount:
        f.count = v;
        break;
      case Kind.Sum:
        f.hasSum = true;
        break;
      case Kind.GSum:
        f.hasGsum = true;
        if (v < 0) f.negativeGsum = true;
        break;
    }
  }

  /** The checks that need a whole histogram MetricPoint; reported at its last sample. */
  private endPoint(f: OmFamily): void {
    const name = f.family.name;
    const type = f.family.type;
    const at = f.segLastAt;
    const [count, sum] = type === 'gaugehistogram' ? ['_gcount', '_gsum'] : ['_count', '_sum'];
    if (f.le !== Infinity) {
      this.report(at, `${type} "${name}" has a MetricPoint without a bucket le="+Inf" as its last bucket`);
    } else if (f.count !== undefined && f.count !== f.bucketValue) {
      this.report(at, `${name}${count} is ${f.count} but the +Inf bucket of "${name}" is ${f.bucketValue}; they must be equal`);
    }
    const hasSum = f.hasSum || f.hasGsum;
    if (hasSum && f.count === undefined) this.report(at, `${type} "${name}" has ${name}${sum} without ${name}${count}`);
    if (!hasSum && f.count !== undefined) this.report(at, `${type} "${name}" has ${name}${count} without ${name}${sum}`);
    if (f.negativeBuckets && f.hasSum) this.report(at, `histogram "${name}" has ${name}_sum with negative buckets, where a sum is no counter`);
    if (!f.negativeBuckets && f.negativeGsum) this.report(at, `gaugehistogram "${name}" has a negative ${name}_gsum without negative buckets`);
    f.le = undefined;
    f.bucketValue = 0;
    f.count = undefined;
    f.hasSum = f.hasGsum = f.negativeGsum = f.negativeBuckets = false;
  }
}

function what(kind: Kind): string {
  switch (kind) {
    case Kind.Total:
      return 'total';
    case Kind.Bucket:
      return 'bucket';
    case Kind.Sum:
      return '_sum';
    case Kind.GCount:
      return '_gcount';
    default:
      return '_count';
  }
}

function seriesKey(name: string, special: string | undefined): string {
  return special === undefined ? name : `${name}\u0000${special}`;
}

function codePoints(s: string): number {
  let n = s.length;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xdc00 && c <= 0xdfff && k > 0) {
      const p = s.charCodeAt(k - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

/** A label value for messages, cut to 40 characters. */
function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
}
