/**
 * @module export/prometheusRules
 * The active rule set as a Prometheus rules file, for fleets whose Prometheus
 * scrapes many agents' `/metrics` and alerts itself. Names and units are the
 * exposed ones (names.ts): `cpu_usage` above 85 % becomes
 * `echo_perf_cpu_usage_ratio > 0.85`.
 *
 * Thresholds and forecasts are exact in meaning; trends, baselines and
 * anomalies are PromQL approximations of the agent's own evaluators (they are
 * stateful streaming fits), said so in each rule's comments; SLOs alert on the
 * burn rates the agent exposes per window, multi-window multi-burn-rate as
 * the Google SRE workbook's "Alerting on SLOs" (table 5-8) and the agent do.
 */
import type { RuleConfig, SloRuleConfig } from '../config/rules/index.js';
import { DEFAULT_BURN_RATES } from '../config/rules/index.js';
import { promString, promTargets, type PromTarget } from './promSelector.js';
import { renderRulesYaml, type AlertingRule, type RecordingRule, type RuleGroup } from './rulesYaml.js';

type SeriesRule = Exclude<RuleConfig, { kind: 'slo' }>;

export interface ExportableRule {
  readonly name: string;
  readonly spec: SeriesRule;
  /** The alert name the agent gives this rule's alerts (alert/alertName.ts), so both agree. */
  readonly alertname: string;
}

export interface ExportableSlo {
  /** The `slo` label the agent's burn-rate series carry. */
  readonly name: string;
  readonly spec: SloRuleConfig;
  readonly alertname: string;
}

export interface PrometheusRulesInput {
  readonly rules: readonly ExportableRule[];
  readonly slos: readonly ExportableSlo[];
  /** Seconds between the agent's samples: windows given in samples become time ranges. */
  readonly intervalSeconds: number;
  /** Header comment lines (where the rules came from). */
  readonly header?: readonly string[];
}

/**
 * A duration as PromQL writes it, in the largest unit that divides it
 * (`1h`, `90m`, `45s`, `1500ms`): also how the agent's SLO series label their
 * windows (analyze/slo/describe.ts promDuration), so the two agree.
 */
export function promSeconds(seconds: number): string {
  const ms = Math.max(1, Math.round(seconds * 1000));
  for (const [size, unit] of [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Shortest trend window exported: deriv() needs several scrapes in it, and a fleet's scrape interval is often 15 s. */
export const MIN_TREND_WINDOW_S = 60;

/** A number in PromQL: shortest round-trip form, no exponent surprises from toPrecision. */
function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

function anyOf(targets: readonly PromTarget[], f: (t: PromTarget) => string): string {
  return targets.length === 1 ? f(targets[0]!) : targets.map((t) => `(${f(t)})`).join(' or ');
}

/** Text shown as it is by Prometheus's Go templates (labels and annotations are templated): `{{` is written as a template of itself. */
export function templateLiteral(s: string): string {
  return s.replaceAll('{{', '{{ "{{" }}');
}

/** The agent's default for an alert's component: the series' `component`, else its `engine`, else the source. */
function componentLabel(r: SeriesRule, targets: readonly PromTarget[]): string {
  if (r.component !== undefined) return templateLiteral(r.component);
  const source = targets[0]?.family.implicitComponent ?? (targets[0]?.family.group === 'self' ? 'echo-perf' : r.metric);
  return `{{ if $labels.component }}{{ $labels.component }}{{ else if $labels.engine }}{{ $labels.engine }}{{ else }}${source}{{ end }}`;
}

function holds(r: SeriesRule): Pick<AlertingRule, 'for' | 'keep_firing_for'> {
  return {
    ...(r.for !== undefined && r.for > 0 ? { for: promSeconds(r.for) } : {}),
    ...(r.keep_firing_for !== undefined && r.keep_firing_for > 0 ? { keep_firing_for: promSeconds(r.keep_firing_for) } : {}),
  };
}

function alerting(x: ExportableRule, targets: readonly PromTarget[], expr: string, severity: string, description: string, notes: string[] = []): AlertingRule {
  return {
    alert: x.alertname,
    expr,
    ...holds(x.spec),
    labels: { severity, component: componentLabel(x.spec, targets), metric: x.spec.metric, rule: x.name },
    annotations: {
      summary: `${x.alertname} on {{ $labels.instance }}: {{ $value | humanize }}`,
      description: `${description} (echo-perf rule ${x.name}); value {{ $value }}.`,
    },
    notes,
  };
}

/** `85 % (0.85 on /metrics)`: the config's figure and the one the expression compares with. */
function levelText(targets: readonly PromTarget[], level: number): string {
  const t = targets[0]!;
  const unit = t.family.internalUnit === undefined ? '' : t.family.internalUnit === '%' ? ' %' : ` ${t.family.internalUnit}`;
  const exposed = t.scaled(level);
  return exposed === level ? `${num(level)}${unit}` : `${num(level)}${unit} (${num(exposed)} on /metrics)`;
}

const SEVERITIES = ['critical', 'warning', 'info'] as const;

function thresholdRules(x: ExportableRule & { spec: { kind: 'threshold' } }, targets: readonly PromTarget[]): AlertingRule[] {
  const r = x.spec;
  const op = r.above !== undefined ? '>' : '<';
  const levels = r.above ?? r.below;
  if (levels === undefined) return [];
  const byLevel: [string, number][] = typeof levels === 'number' ? [[r.severity ?? 'warning', levels]] : SEVERITIES.flatMap((s) => (levels[s] !== undefined ? [[s, levels[s]] as [string, number]] : []));
  const notes = r.clear !== undefined ? [`${x.name}: the agent's hysteresis (clear at ${num(r.clear)}) has no PromQL form; keep_firing_for is the nearest.`] : [];
  // stale_after needs nothing here: a scrape writes a staleness marker when the series disappears.
  const inc = r.increase;
  const value = (t: PromTarget): string => (inc === undefined ? t.selector : `increase(${t.selector}[${promSeconds(inc)}])`);
  return byLevel.map(([severity, level], i) => {
    const expr = anyOf(targets, (t) => `${value(t)} ${op} ${num(t.scaled(level))}`);
    const what = inc === undefined ? r.metric : `${r.metric} increase over ${promSeconds(inc)}`;
    return alerting(x, targets, expr, severity, `${what} ${op === '>' ? 'above' : 'below'} ${levelText(targets, level)}`, i === 0 ? notes : []);
  });
}

function trendRule(x: ExportableRule & { spec: { kind: 'trend' } }, targets: readonly PromTarget[], intervalS: number): AlertingRule {
  const r = x.spec;
  const agentW = r.window_seconds ?? (r.window ?? 10) * intervalS;
  const w = Math.max(agentW, MIN_TREND_WINDOW_S);
  const range = `[${promSeconds(w)}]`;
  // The agent's relative change: fitted change over the window / fitted start (avg - slope·w/2 on a least-squares line).
  const rel = (s: string): string => `(deriv(${s}${range}) * ${num(w)}) / ((avg_over_time(${s}${range}) - deriv(${s}${range}) * ${num(w / 2)}) > 0)`;
  const expr = anyOf(targets, (t) => (r.better === 'lower' ? `${rel(t.selector)} > ${num(r.threshold)}` : `${rel(t.selector)} < -${num(r.threshold)}`));
  return alerting(x, targets, expr, r.severity ?? 'warning', `${r.metric} ${r.better === 'lower' ? 'rising' : 'falling'} more than ${num(r.threshold * 100)} % over ${promSeconds(w)} (least-squares fit)`, [
    `${x.name}: approximation of the agent's trend rule: deriv() is its least-squares slope; its R² test (min_r2 ${num(r.min_r2)}) has no PromQL form.`,
    ...(w > agentW ? [`${x.name}: the agent fits ${promSeconds(agentW)}; widened to ${promSeconds(w)} so deriv() sees several scrapes.`] : []),
  ]);
}

function forecastRule(x: ExportableRule & { spec: { kind: 'forecast' } }, targets: readonly PromTarget[]): AlertingRule {
  const r = x.spec;
  const level = r.above ?? r.below!;
  const op = r.above !== undefined ? '>' : '<';
  const expr = anyOf(targets, (t) => `predict_linear(${t.selector}[${promSeconds(r.window)}], ${num(r.horizon)}) ${op} ${num(t.scaled(level))}`);
  const notes = r.method === 'holt' ? [`${x.name}: the agent fits Holt's trend; predict_linear() is the linear fit over the same window.`] : [];
  return alerting(x, targets, expr, r.severity ?? 'warning', `${r.metric} forecast ${op === '>' ? 'above' : 'below'} ${levelText(targets, level)} within ${promSeconds(r.horizon)}`, notes);
}

/** avg, stddev and z-score over `w` seconds, as recording rules labelled with the rule's name. */
function zscoreRecords(x: ExportableRule, targets: readonly PromTarget[], w: number, why: string): RecordingRule[] {
  const range = `[${promSeconds(w)}]`;
  const labels = { rule: x.name };
  return [
    { record: 'echo_perf:rule_avg_over_window', expr: anyOf(targets, (t) => `avg_over_time(${t.selector}${range})`), labels, notes: [why] },
    { record: 'echo_perf:rule_stddev_over_window', expr: anyOf(targets, (t) => `stddev_over_time(${t.selector}${range})`), labels },
    { record: 'echo_perf:rule_zscore', expr: anyOf(targets, (t) => `(${t.selector} - avg_over_time(${t.selector}${range})) / (stddev_over_time(${t.selector}${range}) > 0)`), labels },
  ];
}

function baselineRules(x: ExportableRule & { spec: { kind: 'baseline' } }, targets: readonly PromTarget[]): (RecordingRule | AlertingRule)[] {
  const r = x.spec;
  const w = 2 * r.half_life;
  const why = `${x.name}: approximation of the agent's baseline (an exponentially weighted median and MAD, half-life ${promSeconds(r.half_life)}): mean and standard deviation over twice the half-life.`;
  const z = `echo_perf:rule_zscore{rule=${promString(x.name)}}`;
  const cond = r.direction === 'above' ? `${z} > ${num(r.k)}` : r.direction === 'below' ? `${z} < -${num(r.k)}` : `abs(${z}) > ${num(r.k)}`;
  const alert = alerting(x, targets, cond, r.severity ?? 'warning', `${r.metric} more than ${num(r.k)} standard deviations ${r.direction === 'both' ? 'from' : r.direction} its mean over ${promSeconds(w)}`, [
    `${x.name}: the agent's min_change (${num(r.min_change)}) and samples (${r.samples}) tests have no exact PromQL form.`,
  ]);
  return [...zscoreRecords(x, targets, w, why), { ...alert, labels: { ...alert.labels, component: r.component !== undefined ? templateLiteral(r.component) : '{{ if $labels.component }}{{ $labels.component }}{{ else }}{{ $labels.engine }}{{ end }}' } }];
}

function sloRules(s: ExportableSlo): (RecordingRule | AlertingRule)[] {
  const out: (RecordingRule | AlertingRule)[] = [];
  const burn = 'echo_perf_slo_error_budget_burn_rate';
  for (const b of s.spec.burn_rates ?? DEFAULT_BURN_RATES) {
    const long = promSeconds(b.long);
    const short = promSeconds(b.short);
    const sel = `${burn}{slo=${promString(s.name)},window=~${promString(`${long}|${short}`)}}`;
    const labels = { long_window: long, short_window: short };
    // Both windows must burn faster than the factor: their minimum does, where both are known.
    out.push({
      record: 'echo_perf:slo_error_budget_burn_rate:min_of_windows',
      expr: `min without (window) (${sel}) and (count without (window) (${sel}) == 2)`,
      labels: { ...labels, slo: s.name },
    });
    out.push({
      alert: s.alertname,
      expr: `echo_perf:slo_error_budget_burn_rate:min_of_windows{slo=${promString(s.name)},long_window=${promString(long)},short_window=${promString(short)}} > ${num(b.factor)}`,
      labels: { severity: b.severity, component: '{{ $labels.engine }}', slo: s.name, ...labels },
      annotations: {
        summary: `${s.alertname} on {{ $labels.instance }}: error budget burning {{ $value | humanize }}× over ${long} and ${short}`,
        description: `SLO ${s.name} (objective ${num(s.spec.objective)}): error budget burn rate above ${num(b.factor)} over both ${long} and ${short}; value {{ $value }}.`,
      },
    });
  }
  return out;
}

/** Whether the rule watches engines one by one (its series must have an `engine` label). */
function perEngine(r: SeriesRule): boolean {
  const e = r.match?.['engine'];
  const re = r.match_re?.['engine'];
  return (e !== undefined && e !== '') || (re !== undefined && !new RegExp(`^(?:${re})$`).test(''));
}

/** The rules file's text. */
export function renderPrometheusRules(input: PrometheusRulesInput): string {
  const g = (name: string): RuleGroup & { rules: (AlertingRule | RecordingRule)[]; omitted: string[] } => ({ name, rules: [], omitted: [] });
  const thresholds = g('echo-perf-thresholds');
  const engines = g('echo-perf-engines');
  const trends = g('echo-perf-trends');
  const forecasts = g('echo-perf-forecasts');
  const baselines = g('echo-perf-baselines');
  const anomalies = g('echo-perf-anomalies');
  const slos = g('echo-perf-slos');
  for (const x of input.rules) {
    const r = x.spec;
    const found = promTargets(r);
    const group = r.kind === 'threshold' ? (perEngine(r) ? engines : thresholds) : r.kind === 'trend' ? trends : r.kind === 'forecast' ? forecasts : r.kind === 'baseline' ? baselines : anomalies;
    if (!found.ok) {
      group.omitted.push(`${x.name} (${r.kind} on ${r.metric}): not exported: ${found.why}`);
      continue;
    }
    const t = found.targets;
    if (r.kind === 'threshold') group.rules.push(...thresholdRules({ ...x, spec: r }, t));
    else if (r.kind === 'trend') group.rules.push(trendRule({ ...x, spec: r }, t, input.intervalSeconds));
    else if (r.kind === 'forecast') group.rules.push(forecastRule({ ...x, spec: r }, t));
    else if (r.kind === 'baseline') group.rules.push(...baselineRules({ ...x, spec: r }, t));
    else {
      const why = `${x.name}: the agent's anomaly detector scores have no PromQL form: the z-score over ${promSeconds(3600)} is recorded for dashboards, and alerting on it is left to the agent.`;
      group.rules.push(...zscoreRecords(x, t, 3600, why));
    }
  }
  for (const s of input.slos) slos.rules.push(...sloRules(s));
  return renderRulesYaml(input.header ?? [], [thresholds, engines, trends, forecasts, baselines, anomalies, slos]);
}
