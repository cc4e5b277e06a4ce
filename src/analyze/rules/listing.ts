/**
 * @module analyze/rules/listing
 * The rule set of a config as a person reads it (`echo-perf rules`, the table
 * of default rules in docs/rules.md): every rule the defaults and the config
 * name, resolved as the engine runs them, with the rules the config turned
 * off and those whose kind has no evaluator here said as such.
 */
import type { EchoPerfConfig } from '../../config/index.js';
import type { RuleConfig } from '../../config/rules/index.js';
import type { PerformanceThresholds } from '../thresholds.js';
import { defaultRules } from './defaults.js';
import { factoryOf, KINDS, type KindRegistry } from './kinds.js';
import { defaultName, resolveRules, type RuleSource } from './resolve.js';
import { compileSelector, describeSelector } from './select.js';

export type RuleListingState = 'active' | 'disabled' | 'kind not available' | 'slo';

export interface RuleListing {
  readonly name: string;
  readonly kind: RuleConfig['kind'];
  readonly origin: 'default' | 'config';
  /** The series watched, as PromQL writes the selector; SLOs: the engine they watch. */
  readonly series: string;
  /** The kind's own settings (levels, windows, …), as the config would write them. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly forSeconds: number;
  readonly keepFiringForSeconds: number;
  /** `slo`: evaluated on the engines' histograms, not per series. */
  readonly state: RuleListingState;
}

/** Fields every rule has, shown in their own columns rather than among the params. */
const COMMON = new Set(['kind', 'name', 'metric', 'match', 'match_re', 'for', 'keep_firing_for', 'enabled', 'engine']);

/** Every rule of the config, in the engine's order, then the ones turned off (in config order). */
export function listRules(c: Readonly<EchoPerfConfig>, t: PerformanceThresholds, kinds: KindRegistry = KINDS): RuleListing[] {
  const defaults: readonly RuleSource[] = c.default_rules ? defaultRules(t, c) : [];
  const out: RuleListing[] = [];
  for (const r of resolveRules(defaults, c.rules)) {
    out.push(entry(r.spec, r.name, r.origin, factoryOf(kinds, r.spec) === undefined ? 'kind not available' : 'active'));
  }
  const fromConfig = new Map(c.rules.map((r) => [defaultName(r), r] as const));
  for (const d of defaults) {
    const name = defaultName(d);
    const over = fromConfig.get(name);
    if ((over ?? d).enabled === false) out.push(entry(over ?? d, name, over === undefined ? 'default' : 'config', 'disabled'));
  }
  const defaultNames = new Set(defaults.map(defaultName));
  for (const [name, r] of fromConfig) {
    if (defaultNames.has(name)) continue;
    if (r.enabled === false) out.push(entry(r, name, 'config', 'disabled'));
    else if (r.kind === 'slo') out.push(entry(r, name, 'config', 'slo'));
  }
  return out;
}

function entry(r: RuleConfig, name: string, origin: 'default' | 'config', state: RuleListingState): RuleListing {
  const params: Record<string, unknown> = {};
  // `unit` is how a default's sentences word its value, not a setting a config could write.
  for (const [k, v] of Object.entries(r)) if (!COMMON.has(k) && k !== 'unit' && v !== undefined) params[k] = v;
  const series = r.kind === 'slo' ? `engine ${r.engine ?? '(every engine)'}` : describeSelector(compileSelector(r.metric, r.match, r.match_re));
  const hold = r.kind === 'slo' ? { for: undefined, keep: undefined } : { for: r.for, keep: r.keep_firing_for };
  return { name, kind: r.kind, origin, series, params, forSeconds: hold.for ?? 0, keepFiringForSeconds: hold.keep ?? 0, state };
}

/** A setting as the config writes it, without JSON's quotes around keys: `{warning:1000,critical:5000}`. */
export function showParam(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(showParam).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}:${showParam(x)}`).join(',')}}`;
  if (typeof v === 'number') return String(Number(v.toPrecision(12)));
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** `above={warning:1000,critical:5000} clear=950`. */
export function showParams(p: Readonly<Record<string, unknown>>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${showParam(v)}`)
    .join(' ');
}

/** `for 60 s, keep_firing_for 5 min`, or '' when neither holds. */
export function showHolds(r: Pick<RuleListing, 'forSeconds' | 'keepFiringForSeconds'>): string {
  const parts: string[] = [];
  if (r.forSeconds > 0) parts.push(`for ${r.forSeconds} s`);
  if (r.keepFiringForSeconds > 0) parts.push(`keep_firing_for ${r.keepFiringForSeconds} s`);
  return parts.join(', ');
}

/** The markdown table of docs/rules.md: one row per rule. */
export function renderRulesTable(rules: readonly RuleListing[]): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  const rows = rules.map((r) => `| \`${r.name}\` | ${r.kind} | \`${cell(r.series)}\` | ${cell(showParams(r.params))} | ${showHolds(r) || '–'} |`);
  return ['| rule | kind | series | settings | hold |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}
