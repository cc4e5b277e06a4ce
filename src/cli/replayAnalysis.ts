/**
 * @module cli/replayAnalysis
 * What replay feeds: an analysis takes samples in time order and gives back
 * the alert events they cause. The replay loop knows nothing else, so the
 * live rule engine can take this place unchanged (`observe` + `events`).
 */
import type { AlertLifecycle } from '../alert/lifecycle.js';
import type { PerformanceAlert } from '../alert/alert.js';
import { anomalyRuleSchema, type AnomalyRuleConfig } from '../config/rules/anomaly.js';
import type { RuleConfig } from '../config/rules/index.js';
import { seriesKey } from '../core/labels.js';
import type { Labels } from '../core/types.js';
import type { Finding } from '../analyze/finding.js';
import { createAnomalyEvaluator } from '../analyze/rules/anomaly.js';
import type { SeriesEvaluator } from '../analyze/rules/evaluator.js';

export interface Analysis {
  /** One sample; samples come in time order (equal times allowed). */
  observe(name: string, labels: Labels, t: number, v: number): void;
  /** Evaluates at `at` (ms) and returns the firing and resolved events since the last call. */
  events(at: number): PerformanceAlert[];
}

/** Evaluators a replay may hold at once; each is a few hundred bytes. */
export const MAX_REPLAY_EVALUATORS = 100_000;

interface Watch {
  readonly ev: SeriesEvaluator;
  readonly rule: string;
  readonly spec: AnomalyRuleConfig;
  readonly name: string;
  readonly labels: Labels;
  readonly key: string;
  firing: boolean;
}

function matches(rule: AnomalyRuleConfig, name: string, labels: Labels): boolean {
  if (rule.metric !== name) return false;
  for (const [k, want] of Object.entries(rule.match ?? {})) if (labels[k] !== want) return false;
  for (const [k, re] of Object.entries(rule.match_re ?? {})) if (!new RegExp(`^(?:${re})$`).test(labels[k] ?? '')) return false;
  return true;
}

/**
 * The anomaly rules of a config over every replayed series, through the alert
 * lifecycle. With no anomaly rule in the config and the default rules on, every
 * series gets the default anomaly rule, as every engine metric does live.
 */
export class AnomalyReplayAnalysis implements Analysis {
  private readonly rules: readonly AnomalyRuleConfig[];
  private readonly byName = new Map<string, Watch[]>();
  private readonly firing = new Set<Watch>();
  private count = 0;

  constructor(
    rules: readonly RuleConfig[],
    defaultRules: boolean,
    private readonly lifecycle: AlertLifecycle,
  ) {
    this.rules = rules.filter((r): r is AnomalyRuleConfig => r.kind === 'anomaly' && r.enabled);
    this.useDefault = this.rules.length === 0 && defaultRules;
  }

  private readonly useDefault: boolean;

  private watches(name: string, labels: Labels): Watch[] {
    const key = seriesKey(name, labels);
    let w = this.byName.get(key);
    if (w !== undefined) return w;
    const specs = this.useDefault ? [anomalyRuleSchema.parse({ kind: 'anomaly', metric: name })] : this.rules.filter((r) => matches(r, name, labels));
    w = [];
    for (const spec of specs) {
      if (++this.count > MAX_REPLAY_EVALUATORS) throw new RangeError(`more than ${MAX_REPLAY_EVALUATORS} (rule, series) pairs; expected fewer series in one replay`);
      const rule = spec.name ?? `anomaly:${spec.metric}`;
      const ev = createAnomalyEvaluator(spec, { metric: name, labels, display: key, unit: '' });
      w.push({ ev, rule, spec, name, labels, key: `${rule}|${key}`, firing: false });
    }
    this.byName.set(key, w);
    return w;
  }

  observe(name: string, labels: Labels, t: number, v: number): void {
    for (const w of this.watches(name, labels)) {
      w.firing = w.ev.update(t, v) > 0;
      if (w.firing) this.firing.add(w);
      else this.firing.delete(w);
    }
  }

  events(at: number): PerformanceAlert[] {
    const findings: Finding[] = [];
    for (const w of this.firing) {
      const x = w.ev.explain();
      findings.push({
        key: w.key,
        kind: 'anomaly',
        severity: w.spec.severity ?? 'info',
        component: w.spec.component ?? w.labels['component'] ?? w.labels['engine'] ?? 'replay',
        metric: w.name,
        value: x.value,
        threshold: x.reference,
        message: x.message,
        metadata: { ...x.detail },
        labels: w.labels,
        rule: w.rule,
        ...(w.spec.for !== undefined ? { forMs: w.spec.for * 1000 } : {}),
        ...(w.spec.keep_firing_for !== undefined ? { keepFiringForMs: w.spec.keep_firing_for * 1000 } : {}),
      });
    }
    return this.lifecycle.apply(at, findings);
  }
}
