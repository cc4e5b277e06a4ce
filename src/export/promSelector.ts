/**
 * @module export/promSelector
 * A rule's series (an internal metric name and label matchers) as PromQL over
 * what `/metrics` exposes: the exposed family names of the export table, the
 * `quantile` label of summaries, and the `component` label where the exposition
 * keeps it. A rule may watch several exposed families (an internal name used
 * both per engine and across engines): each gets its own selector.
 */
import type { RuleConfig } from '../config/rules/index.js';
import { exportTable, NAMESPACE, toExposedUnit, type ExportedFamily } from './names.js';

export interface PromTarget {
  /** `echo_perf_cpu_usage_ratio{component!~"engines|"}`. */
  readonly selector: string;
  readonly family: ExportedFamily;
  /** The internal value `v` in the family's unit. */
  readonly scaled: (v: number) => number;
}

/** Why a rule's series cannot be written in PromQL, or its selectors. */
export type PromTargets = { readonly ok: true; readonly targets: readonly PromTarget[] } | { readonly ok: false; readonly why: string };

type SeriesRule = Exclude<RuleConfig, { kind: 'slo' }>;

/** JavaScript-only regex syntax: RE2 (PromQL's regexes) has no lookaround and no backreferences. */
const NOT_RE2 = /\(\?[=!<]|\\[1-9]|\\k</;
/** `(?!engines$).+`: any non-empty value but one, which RE2 writes as a negative matcher. */
const NON_EMPTY_BUT = /^\(\?!([A-Za-z0-9_.:-]+)\$\)\.\+$/;

let tableByInternal: Map<string, { internal: string; family: ExportedFamily }[]> | undefined;

function rowsOf(internal: string): { internal: string; family: ExportedFamily }[] {
  if (tableByInternal === undefined) {
    tableByInternal = new Map();
    for (const row of exportTable()) {
      const list = tableByInternal.get(row.internal) ?? [];
      list.push(row);
      tableByInternal.set(row.internal, list);
    }
  }
  return tableByInternal.get(internal) ?? [];
}

/** A component's own metric, exposed as exposition.ts names it (names.ts customFamily). */
function customFamily(metric: string): ExportedFamily {
  const name = metric.startsWith(NAMESPACE) ? metric : `${NAMESPACE}component_${metric.replace(/:/g, '_')}`;
  return { name, type: name.endsWith('_total') ? 'counter' : 'gauge', help: '', group: name === metric ? 'self' : 'component', custom: true };
}

/** PromQL string literal: Go's escapes, which JSON's are a subset of. */
export function promString(s: string): string {
  return JSON.stringify(s);
}

/** Whether series with these labels could be picked by the rule's matchers (a missing label is ''). */
function accepts(r: SeriesRule, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(r.match ?? {})) if ((labels[k] ?? '') !== v) return false;
  for (const [k, re] of Object.entries(r.match_re ?? {})) if (!new RegExp(`^(?:${re})$`).test(labels[k] ?? '')) return false;
  return true;
}

/**
 * Whether the exposition drops the `component` label from this family's
 * series of component `c` (exposition.ts ownLabels): the family names the
 * source already.
 */
function dropsComponent(f: ExportedFamily, c: string): boolean {
  return f.group === 'self' || f.implicitComponent === c;
}

export function promTargets(r: SeriesRule): PromTargets {
  const rows = rowsOf(r.metric);
  let families: ExportedFamily[];
  if (rows.length === 0) families = [customFamily(r.metric)];
  else {
    // The across-engines figures are the series `{component="engines"}` without `engine`.
    families = rows.filter(({ family }) => family.group !== 'engines' || accepts(r, { component: 'engines' })).map(({ family }) => family);
    if (r.match?.['component'] === 'engines') families = families.filter((f) => f.group !== 'engine');
  }
  if (families.length === 0) return { ok: false, why: `no series of ${r.metric} is exposed on /metrics under these matchers` };
  const targets: PromTarget[] = [];
  for (const f of families) {
    const m: string[] = [];
    if (f.quantile !== undefined) m.push(`quantile=${promString(f.quantile)}`);
    for (const [k, v] of Object.entries(r.match ?? {})) {
      if (k === 'component' && f.group === 'engines') continue;
      if (k === 'component' && dropsComponent(f, v)) m.push(`component=""`);
      else m.push(`${k}=${promString(v)}`);
    }
    for (const [k, re] of Object.entries(r.match_re ?? {})) {
      if (k === 'component' && f.group === 'engines') continue;
      const but = NON_EMPTY_BUT.exec(re);
      if (but !== null) m.push(`${k}!~${promString(`${but[1]!.replace(/\./g, '\\.')}|`)}`);
      else if (NOT_RE2.test(re)) return { ok: false, why: `match_re.${k} ${promString(re.slice(0, 100))} uses lookaround or backreferences, which PromQL's RE2 regexes lack` };
      else m.push(`${k}=~${promString(re)}`);
    }
    targets.push({ selector: m.length === 0 ? f.name : `${f.name}{${m.join(',')}}`, family: f, scaled: (v) => toExposedUnit(v, f.scale) });
  }
  return { ok: true, targets };
}
