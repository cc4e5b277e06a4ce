/**
 * @module core/exposition/families
 * Groups what the line readers find into metric families, and enforces the
 * rules that span lines:
 * - a family's HELP, TYPE or UNIT may appear once, and TYPE only before the
 *   family's samples (expfmt/text_parse.go: "second TYPE line for metric name …,
 *   or TYPE reported after samples"); in OpenMetrics all metadata precedes the
 *   samples and families may not be interleaved (OpenMetrics 1.0.0, "MetricFamily");
 * - a sample belongs to the family of its exact name, else to the typed family its
 *   suffix points to (`_bucket`/`_sum`/`_count`/`_created` for histograms, …), as
 *   `isSeriesPartOfFamily` in model/textparse decides, else to a new untyped family;
 * - histogram buckets need a float `le` label, summary quantiles a float `quantile`
 *   label (expfmt: "expected float as value for 'le' label").
 * OpenMetrics adds ("Suffixes", "Unit", "Metric types"): no family may be named
 * like a sample name another family can produce, nor start with `_`; counters
 * and info families have no sample without suffix; info and stateset have no
 * unit; and the per-sample rules of om-rules.ts.
 *
 * Text 0.0.4 breaches always throw. OpenMetrics breaches throw when strict and
 * are reported to `onViolation` otherwise (none of them fails a Prometheus scrape).
 */
import { EchoPerfError, describeError } from '../errors.js';
import type { MetricType } from '../types.js';
import type { ExpositionFormat, ExpositionSample, ExpositionVisitor, MetricFamily } from './model.js';
import { parseFloatToken } from './numbers.js';
import { Kind, OmFamily, OmRules } from './om-rules.js';
import type { ResolvedOptions } from './options.js';
import { boundedMessage, expositionError } from './scan.js';

/** A family under construction; `family.help`/`unit` are set through the mutable view. */
interface FamilyState {
  readonly family: MetricFamily;
  typed: boolean;
  helped: boolean;
  unitSet: boolean;
  /** Another family came after this one. */
  closed: boolean;
  /** The OpenMetrics sequence state (OpenMetrics pages only). */
  readonly om: OmFamily | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How many recent sample-name resolutions are kept. */
const RECENT = 4;

const SUFFIXES: ReadonlyArray<readonly [string, ReadonlyArray<MetricType>]> = [
  ['_bucket', ['histogram', 'gaugehistogram']],
  ['_count', ['histogram', 'summary']],
  ['_sum', ['histogram', 'summary']],
  ['_created', ['counter', 'histogram', 'summary']],
  ['_total', ['counter']],
  ['_gcount', ['gaugehistogram']],
  ['_gsum', ['gaugehistogram']],
  ['_info', ['info']],
];

/** OpenMetrics 1.0, "Suffixes": the sample names each type may produce besides the family name. */
const TYPE_SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  summary: ['_count', '_sum', '_created'],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  info: ['_info'],
};

export class FamilyBuilder implements ExpositionVisitor {
  readonly families: MetricFamily[] = [];
  private readonly byName = new Map<string, FamilyState>();
  private readonly om: boolean;
  /** Whether OpenMetrics MUST violations throw (true) or go to `onViolation`. */
  private readonly strict: boolean;
  private readonly onViolation: ((message: string) => void) | undefined;
  private readonly rules: OmRules | undefined;
  private current: FamilyState | undefined = undefined;
  private lastName: string | undefined = undefined;
  private lastState: FamilyState | undefined = undefined;
  private lastRole: Kind = Kind.Plain;
  /** The last few resolutions; metadata lines clear them, since a new family can change the answer. */
  private recent: Array<{ name: string; state: FamilyState; role: Kind }> = [];
  /** Line counting for reported violations, resumed where the last one stopped. */
  private lcAt = 0;
  private lcLine = 1;
  private lcStart = 0;

  constructor(
    private readonly text: string,
    format: ExpositionFormat,
    options?: ResolvedOptions,
  ) {
    this.om = format === 'openmetrics';
    this.strict = options?.strict ?? true;
    this.onViolation = options?.onViolation;
    this.rules = this.om ? new OmRules((at, message) => this.violation(at, message)) : undefined;
  }

  help(name: string, help: string, at: number): void {
    const st = this.metaFamily(name, 'HELP', at);
    if (st.helped) return this.violation(at, `second HELP line for metric family "${name}"`);
    st.helped = true;
    (st.family as Mutable<MetricFamily>).help = help;
  }

  type(name: string, type: MetricType, at: number): void {
    const st = this.metaFamily(name, 'TYPE', at);
    if (st.typed) return this.violation(at, `second TYPE line for metric family "${name}"`);
    if (!this.om && st.family.samples.length > 0) this.fail(at, `TYPE line for metric family "${name}" after its samples`);
    st.typed = true;
    (st.family as Mutable<MetricFamily>).type = type;
    if (!this.om) return;
    // A suffixed sample name of this family must not be another family's name.
    for (const suffix of TYPE_SUFFIXES[type] ?? []) {
      if (this.byName.has(name + suffix)) this.clash(name, name + suffix, at);
    }
    if (st.family.unit && (type === 'info' || type === 'stateset')) this.unitNotAllowed(name, type, at);
  }

  unit(name: string, unit: string, at: number): void {
    const st = this.metaFamily(name, 'UNIT', at);
    if (st.unitSet) return this.violation(at, `second UNIT line for metric family "${name}"`);
    st.unitSet = true;
    (st.family as Mutable<MetricFamily>).unit = unit;
    const type = st.family.type;
    if (unit !== '' && (type === 'info' || type === 'stateset')) this.unitNotAllowed(name, type, at);
  }

  sample(s: ExpositionSample, at: number): void {
    const name = s.name;
    let st: FamilyState;
    let role: Kind;
    if (name === this.lastName) {
      st = this.lastState!;
      role = this.lastRole;
    } else {
      let hit: { name: string; state: FamilyState; role: Kind } | undefined;
      for (const r of this.recent) {
        if (r.name === name) {
          hit = r;
          break;
        }
      }
      if (hit !== undefined) {
        st = hit.state;
        role = hit.role;
      } else {
        st = this.resolve(name, at);
        role = roleOf(st.family, name, this.om);
        if (this.recent.length >= RECENT) this.recent.shift();
        this.recent.push({ name, state: st, role });
      }
      this.lastName = name;
      this.lastState = st;
      this.lastRole = role;
    }
    if (st !== this.current) {
      if (this.om && st.closed) {
        this.violation(at, `sample "${name}" of metric family "${st.family.name}" after other families (OpenMetrics families may not be interleaved)`);
      }
      this.switchTo(st);
    }
    if (st.om !== undefined) {
      if (role === Kind.Invalid) this.violation(at, notInFamily(s.name, st.family));
      this.rules!.sample(st.om, s, role, at);
    } else if (role !== Kind.Plain) {
      this.checkRole(s, st.family, role, at);
    }
    st.family.samples.push(s);
  }

  /** Runs the checks that wait for a family's end; call once the reader is done. */
  finish(): void {
    const cur = this.current;
    if (cur?.om !== undefined) this.rules!.close(cur.om);
  }

  private checkRole(s: ExpositionSample, family: MetricFamily, role: Kind, at: number): void {
    if (role === Kind.Invalid) this.fail(at, notInFamily(s.name, family));
    const label = role === Kind.Bucket ? 'le' : 'quantile';
    const v = Object.hasOwn(s.labels, label) ? s.labels[label] : undefined;
    if (v === undefined) this.fail(at, `${family.type} sample "${s.name}" has no "${label}" label`);
    if (parseFloatToken(v, 0, v.length) === undefined) {
      this.fail(at, `expected a float as value of label "${label}" of "${s.name}", got ${JSON.stringify(v)}`);
    }
  }

  /** The family a HELP/TYPE/UNIT line for `name` describes, created if new. */
  private metaFamily(name: string, keyword: string, at: number): FamilyState {
    this.lastName = undefined;
    this.recent = [];
    let st = this.byName.get(name);
    if (st === undefined) {
      st = this.create(name, at);
      this.switchTo(st);
      return st;
    }
    if (this.om) {
      if (st.family.samples.length > 0) this.violation(at, `${keyword} line for metric family "${name}" after its samples`);
      else if (st.closed) {
        this.violation(at, `${keyword} line for metric family "${name}" after other families (OpenMetrics families may not be interleaved)`);
      }
    }
    this.switchTo(st);
    return st;
  }

  private resolve(name: string, at: number): FamilyState {
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    for (const [suffix, types] of SUFFIXES) {
      if (name.length > suffix.length && name.endsWith(suffix)) {
        const base = this.byName.get(name.slice(0, name.length - suffix.length));
        if (base !== undefined && types.includes(base.family.type)) return base;
      }
    }
    return this.create(name, at);
  }

  /** Makes `st` the current family; the one it replaces is closed (OpenMetrics allows no return to it). */
  private switchTo(st: FamilyState): void {
    const prev = this.current;
    if (prev !== undefined && prev !== st) {
      prev.closed = true;
      if (prev.om !== undefined) this.rules!.close(prev.om);
    }
    this.current = st;
  }

  private create(name: string, at: number): FamilyState {
    const family: MetricFamily = { name, type: this.om ? 'unknown' : 'untyped', samples: [] };
    const st: FamilyState = {
      family,
      typed: false,
      helped: false,
      unitSet: false,
      closed: false,
      om: this.om ? new OmFamily(family) : undefined,
    };
    this.families.push(family);
    this.byName.set(name, st);
    if (this.om) {
      if (name.charCodeAt(0) === 95) this.violation(at, `metric family name "${name}" starts with "_", which OpenMetrics reserves`);
      // This family's name must not be a suffixed sample name of an earlier family.
      for (const [suffix] of SUFFIXES) {
        if (name.length > suffix.length && name.endsWith(suffix)) {
          const base = this.byName.get(name.slice(0, name.length - suffix.length));
          if (base !== undefined && TYPE_SUFFIXES[base.family.type]?.includes(suffix)) this.clash(name, name, at);
        }
      }
    }
    return st;
  }

  /**
   * OpenMetrics 1.0, "Suffixes": no two families may produce one sample name.
   * Suffixes never end one another (`_count` / `_gcount`), so a clash is always a
   * family named like another's suffixed sample: create() and type() look both ways.
   */
  private clash(family: string, sampleName: string, at: number): void {
    this.violation(at, `metric family "${family}" clashes with an earlier family over the sample name "${sampleName}"`);
  }

  private unitNotAllowed(name: string, type: MetricType, at: number): void {
    this.violation(at, `${type} metric family "${name}" has a unit (OpenMetrics ${type} families have none)`);
  }

  /** A breach of a MUST: thrown in text 0.0.4 and strict OpenMetrics, else reported and tolerated. */
  private violation(at: number, message: string): void {
    if (!this.om || this.strict) this.fail(at, message);
    const report = this.onViolation;
    if (report === undefined) return;
    const { line, column } = this.lineColumn(at);
    try {
      report(`line ${line}, column ${column}: ${boundedMessage(message)}`);
    } catch (e) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `parseExposition options.onViolation threw: ${describeError(e)}`, { cause: e });
    }
  }

  /** Like scan.ts `lineColumn`, resumed from the previous call: reports come in page order. */
  private lineColumn(at: number): { line: number; column: number } {
    const text = this.text;
    const end = Math.min(Math.max(at, 0), text.length);
    if (end < this.lcAt) {
      this.lcAt = 0;
      this.lcLine = 1;
      this.lcStart = 0;
    }
    for (let i = text.indexOf('\n', this.lcAt); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
      this.lcLine++;
      this.lcStart = i + 1;
    }
    this.lcAt = end;
    return { line: this.lcLine, column: end - this.lcStart + 1 };
  }

  private fail(at: number, message: string): never {
    throw expositionError(this.text, at, message);
  }
}

/** The role of sample `name` in `family` (om-rules.ts `Kind`); text 0.0.4 tells apart only the first four. */
function roleOf(family: MetricFamily, name: string, om: boolean): Kind {
  const base = family.name;
  if (name === base) {
    switch (family.type) {
      case 'histogram':
      case 'gaugehistogram':
        return Kind.Invalid;
      case 'summary':
        return Kind.Quantile;
      case 'counter':
      case 'info':
        return om ? Kind.Invalid : Kind.Plain;
      default:
        return Kind.Plain;
    }
  }
  // Resolution only maps a suffix the family's type has, so the suffix alone tells the role.
  const suffix = name.slice(base.length);
  switch (suffix) {
    case '_bucket':
      return Kind.Bucket;
    case '_count':
      return om ? Kind.Count : Kind.Plain;
    case '_sum':
      return om ? Kind.Sum : Kind.Plain;
    case '_gcount':
      return om ? Kind.GCount : Kind.Plain;
    case '_gsum':
      return om ? Kind.GSum : Kind.Plain;
    case '_total':
      return om ? Kind.Total : Kind.Plain;
    case '_created':
      return om ? Kind.Created : Kind.Plain;
    case '_info':
      return om ? Kind.Info : Kind.Plain;
    default:
      return Kind.Plain;
  }
}

function notInFamily(name: string, family: MetricFamily): string {
  return `sample "${name}" does not belong in ${family.type} family "${family.name}" (expected ${expectedNames(family)})`;
}

function expectedNames(family: MetricFamily): string {
  const b = family.name;
  switch (family.type) {
    case 'gaugehistogram':
      return `${b}_bucket, ${b}_gcount or ${b}_gsum`;
    case 'counter':
      return `${b}_total or ${b}_created`;
    case 'info':
      return `${b}_info`;
    default:
      return `${b}_bucket, ${b}_count, ${b}_sum or ${b}_created`;
  }
}
