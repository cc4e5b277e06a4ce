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
 */
import type { MetricType } from '../types.js';
import type { ExpositionFormat, ExpositionSample, ExpositionVisitor, MetricFamily } from './model.js';
import { parseFloatToken } from './numbers.js';
import type { ResolvedOptions } from './options.js';
import { expositionError } from './scan.js';

/** A family under construction; `family.help`/`unit` are set through the mutable view. */
interface FamilyState {
  readonly family: MetricFamily;
  typed: boolean;
  helped: boolean;
  unitSet: boolean;
  /** Another family came after this one. */
  closed: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a sample is within its family, for the per-type label checks. */
type Role = 0 | 1 | 2 | 3;
const Role = { Plain: 0, Bucket: 1, Quantile: 2, Invalid: 3 } as const;

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

export class FamilyBuilder implements ExpositionVisitor {
  readonly families: MetricFamily[] = [];
  private readonly byName = new Map<string, FamilyState>();
  private readonly om: boolean;
  /** Whether OpenMetrics MUST violations throw (true) or go to `onViolation`. */
  readonly strict: boolean;
  private current: FamilyState | undefined = undefined;
  private lastName: string | undefined = undefined;
  private lastState: FamilyState | undefined = undefined;
  private lastRole: Role = Role.Plain;
  /** The last few resolutions; metadata lines clear them, since a new family can change the answer. */
  private recent: Array<{ name: string; state: FamilyState; role: Role }> = [];

  constructor(
    private readonly text: string,
    format: ExpositionFormat,
    options?: ResolvedOptions,
  ) {
    this.om = format === 'openmetrics';
    this.strict = options?.strict ?? true;
  }

  help(name: string, help: string, at: number): void {
    const st = this.metaFamily(name, 'HELP', at);
    if (st.helped) this.fail(at, `second HELP line for metric family "${name}"`);
    st.helped = true;
    (st.family as Mutable<MetricFamily>).help = help;
  }

  type(name: string, type: MetricType, at: number): void {
    const st = this.metaFamily(name, 'TYPE', at);
    if (st.typed) this.fail(at, `second TYPE line for metric family "${name}"`);
    if (st.family.samples.length > 0) this.fail(at, `TYPE line for metric family "${name}" after its samples`);
    st.typed = true;
    (st.family as Mutable<MetricFamily>).type = type;
  }

  unit(name: string, unit: string, at: number): void {
    const st = this.metaFamily(name, 'UNIT', at);
    if (st.unitSet) this.fail(at, `second UNIT line for metric family "${name}"`);
    st.unitSet = true;
    (st.family as Mutable<MetricFamily>).unit = unit;
  }

  sample(s: ExpositionSample, at: number): void {
    const name = s.name;
    let st: FamilyState;
    let role: Role;
    if (name === this.lastName) {
      st = this.lastState!;
      role = this.lastRole;
    } else {
      let hit: { name: string; state: FamilyState; role: Role } | undefined;
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
        st = this.resolve(name);
        role = roleOf(st.family, name);
        if (this.recent.length >= RECENT) this.recent.shift();
        this.recent.push({ name, state: st, role });
      }
      this.lastName = name;
      this.lastState = st;
      this.lastRole = role;
    }
    if (st !== this.current) {
      if (this.om && st.closed) {
        this.fail(at, `sample "${name}" of metric family "${st.family.name}" after other families (OpenMetrics families may not be interleaved)`);
      }
      this.switchTo(st);
    }
    if (role !== Role.Plain) this.checkRole(s, st.family, role, at);
    st.family.samples.push(s);
  }

  private checkRole(s: ExpositionSample, family: MetricFamily, role: Role, at: number): void {
    if (role === Role.Invalid) {
      this.fail(at, `sample "${s.name}" does not belong in ${family.type} family "${family.name}" (expected ${expectedNames(family)})`);
    }
    const label = role === Role.Bucket ? 'le' : 'quantile';
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
      st = this.create(name);
      this.switchTo(st);
      return st;
    }
    if (this.om) {
      if (st.family.samples.length > 0) this.fail(at, `${keyword} line for metric family "${name}" after its samples`);
      if (st.closed) {
        this.fail(at, `${keyword} line for metric family "${name}" after other families (OpenMetrics families may not be interleaved)`);
      }
    }
    this.switchTo(st);
    return st;
  }

  private resolve(name: string): FamilyState {
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    for (const [suffix, types] of SUFFIXES) {
      if (name.length > suffix.length && name.endsWith(suffix)) {
        const base = this.byName.get(name.slice(0, name.length - suffix.length));
        if (base !== undefined && types.includes(base.family.type)) return base;
      }
    }
    return this.create(name);
  }

  /** Makes `st` the current family; the one it replaces is closed (OpenMetrics allows no return to it). */
  private switchTo(st: FamilyState): void {
    const prev = this.current;
    if (prev !== undefined && prev !== st) prev.closed = true;
    this.current = st;
  }

  private create(name: string): FamilyState {
    const family: MetricFamily = { name, type: this.om ? 'unknown' : 'untyped', samples: [] };
    const st: FamilyState = { family, typed: false, helped: false, unitSet: false, closed: false };
    this.families.push(family);
    this.byName.set(name, st);
    return st;
  }

  private fail(at: number, message: string): never {
    throw expositionError(this.text, at, message);
  }
}

function roleOf(family: MetricFamily, name: string): Role {
  switch (family.type) {
    case 'histogram':
    case 'gaugehistogram':
      if (name === family.name) return Role.Invalid;
      return name.endsWith('_bucket') && name.length === family.name.length + 7 ? Role.Bucket : Role.Plain;
    case 'summary':
      return name === family.name ? Role.Quantile : Role.Plain;
    default:
      return Role.Plain;
  }
}

function expectedNames(family: MetricFamily): string {
  const b = family.name;
  return family.type === 'gaugehistogram'
    ? `${b}_bucket, ${b}_gcount or ${b}_gsum`
    : `${b}_bucket, ${b}_count, ${b}_sum or ${b}_created`;
}
