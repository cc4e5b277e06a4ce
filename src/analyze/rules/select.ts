/**
 * @module analyze/rules/select
 * Which series a rule watches: a metric name and label matchers, with PromQL's
 * meaning (prometheus.io/docs/prometheus/latest/querying/basics/#time-series-selectors):
 * `match` values are equalities, `match_re` values are regexes anchored at
 * both ends, and a label a series lacks counts as the empty string (so
 * `engine: ""` picks the series without an `engine` label). Regexes are
 * compiled once, when the rule is resolved.
 */
import type { Labels } from '../../core/types.js';

export interface Selector {
  readonly metric: string;
  /** Non-empty equalities, handed to the store's own lookup. */
  readonly exact: Labels | undefined;
  /** Equalities to the empty string: the label must be absent (or empty). */
  readonly absent: readonly string[];
  readonly regexes: readonly (readonly [label: string, re: RegExp])[];
}

export function compileSelector(metric: string, match?: Readonly<Record<string, string>>, matchRe?: Readonly<Record<string, string>>): Selector {
  const exact: Record<string, string> = Object.create(null) as Record<string, string>;
  const absent: string[] = [];
  let nExact = 0;
  for (const [k, v] of Object.entries(match ?? {})) {
    if (v === '') absent.push(k);
    else {
      exact[k] = v;
      nExact++;
    }
  }
  const regexes = Object.entries(matchRe ?? {}).map(([k, re]) => [k, new RegExp(`^(?:${re})$`)] as const);
  return { metric, exact: nExact > 0 ? { ...exact } : undefined, absent, regexes };
}

/** Whether a series of the selector's metric has labels the selector accepts. */
export function selects(s: Selector, labels: Labels): boolean {
  if (s.exact !== undefined) for (const k in s.exact) if (labels[k] !== s.exact[k]) return false;
  for (const k of s.absent) {
    const v = labels[k];
    if (v !== undefined && v !== '') return false;
  }
  for (const [k, re] of s.regexes) if (!re.test(labels[k] ?? '')) return false;
  return true;
}

/** The selector as PromQL writes it: `ttft_ms_p95{engine=~"vllm.*"}`. */
export function describeSelector(s: Selector): string {
  const parts: string[] = [];
  for (const k in s.exact ?? {}) parts.push(`${k}=${JSON.stringify(s.exact![k])}`);
  for (const k of s.absent) parts.push(`${k}=""`);
  for (const [k, re] of s.regexes) parts.push(`${k}=~${JSON.stringify(re.source.slice(4, -2))}`);
  return parts.length === 0 ? s.metric : `${s.metric}{${parts.join(',')}}`;
}
