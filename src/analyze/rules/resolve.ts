/**
 * @module analyze/rules/resolve
 * Config rules (and the defaults) → the rules the engine runs: each named,
 * its selector compiled, its hold times in ms. A config rule named like a
 * default replaces it; `enabled: false` drops the rule of that name.
 */
import { EchoPerfError } from '../../core/errors.js';
import type { RuleConfig } from '../../config/rules/index.js';
import { compileSelector, type Selector } from './select.js';
import type { SeriesRuleConfig, SeriesRuleKind } from './kinds.js';

export interface ResolvedRule {
  readonly name: string;
  readonly kind: SeriesRuleKind;
  readonly spec: SeriesRuleConfig;
  readonly selector: Selector;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  /** A series with no sample for this long no longer holds the condition (threshold `stale_after`); 0: only staleness forgets it. */
  readonly staleAfterMs: number;
  /** Unit for sentences ('%', 'ms', ' tokens/s', ''). */
  readonly unit: string;
  readonly origin: 'default' | 'config';
  /** `max` / `min` where the rule watches one side of a line (alert names: HighCpuUsage / LowTokenThroughput). */
  readonly op: 'max' | 'min' | undefined;
  /** Identity of the rule's meaning: evaluators survive a reload that leaves it unchanged. */
  readonly signature: string;
}

/** What the default rules are made of: a config rule plus the unit of its metric. */
export type RuleSource = RuleConfig & { readonly unit?: string };

export function defaultName(r: RuleConfig): string {
  return r.name ?? (r.kind === 'slo' ? `slo:${r.engine ?? 'all'}` : `${r.kind}:${r.metric}`);
}

/**
 * The active rule set: defaults first (in their order), a config rule of the
 * same name in its place, then the other config rules. Config names must be
 * unique (two rules of one kind and metric need names).
 */
export function resolveRules(defaults: readonly RuleSource[], config: readonly RuleConfig[]): ResolvedRule[] {
  const fromConfig = new Map<string, RuleConfig>();
  config.forEach((r, i) => {
    const name = defaultName(r);
    if (fromConfig.has(name)) {
      throw new EchoPerfError('EP_ERR_CONFIG_INVALID', `rules[${i}].name: got ${JSON.stringify(name.slice(0, 100))}; expected a name no other rule has (name one of the rules)`, {
        details: [{ path: `rules.${i}.name`, value: name, expected: 'a unique rule name' }],
      });
    }
    fromConfig.set(name, r);
  });
  const out: ResolvedRule[] = [];
  const used = new Set<string>();
  for (const d of defaults) {
    const name = defaultName(d);
    const over = fromConfig.get(name);
    used.add(name);
    const r = over ?? d;
    if (r.enabled === false || r.kind === 'slo') continue;
    out.push(resolveOne(r, name, over === undefined ? 'default' : 'config', over === undefined ? d.unit : (d.unit ?? unitOf(r.metric))));
  }
  for (const [name, r] of fromConfig) {
    if (used.has(name) || r.enabled === false || r.kind === 'slo') continue;
    out.push(resolveOne(r, name, 'config', unitOf(r.metric)));
  }
  return out;
}

function resolveOne(r: SeriesRuleConfig, name: string, origin: 'default' | 'config', unit: string | undefined): ResolvedRule {
  const side = 'above' in r && r.above !== undefined ? 'max' : 'below' in r && r.below !== undefined ? 'min' : r.kind === 'baseline' && r.direction !== 'both' ? (r.direction === 'above' ? 'max' : 'min') : undefined;
  return {
    name,
    kind: r.kind,
    spec: r,
    selector: compileSelector(r.metric, r.match, r.match_re),
    forMs: (r.for ?? 0) * 1000,
    keepFiringForMs: (r.keep_firing_for ?? 0) * 1000,
    staleAfterMs: r.kind === 'threshold' ? (r.stale_after ?? 0) * 1000 : 0,
    unit: unit ?? unitOf(r.metric),
    origin,
    op: side,
    signature: JSON.stringify(r),
  };
}

/** The unit a metric's name implies, for sentences. */
export function unitOf(metric: string): string {
  if (/(^|_)(usage|utilization)$|_percent$/.test(metric)) return '%';
  if (/_ms(_p\d+)?$|_latency$/.test(metric)) return 'ms';
  if (/_throughput$/.test(metric)) return ' tokens/s';
  if (/^requests_(running|waiting)$/.test(metric)) return ' requests';
  if (/_per_s$|_rate$/.test(metric) && !/error_rate|hit_rate/.test(metric)) return '/s';
  return '';
}
