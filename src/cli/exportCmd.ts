/**
 * @module cli/exportCmd
 * `echo-perf export prometheus-rules [--config FILE] [--out FILE]`: the
 * active rule set (as `echo-perf rules` lists it) as a Prometheus rules file,
 * for a fleet's Prometheus that scrapes the agents' `/metrics`.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile, parseConfig, type EchoPerfConfig } from '../config/index.js';
import type { SloRuleConfig } from '../config/rules/index.js';
import { activeRules } from '../analyze/rules/active.js';
import { criteriaOf } from '../analyze/slo/counts.js';
import { defaultSloName } from '../analyze/slo/describe.js';
import { alertName } from '../alert/alertName.js';
import { writeFileAtomic } from '../core/atomicFile.js';
import { renderPrometheusRules, type ExportableRule, type ExportableSlo } from '../export/prometheusRules.js';
import { thresholdsFromConfig } from '../monitor/thresholdsFromConfig.js';
import { EXPORT_RULES_USAGE, parseOrUsage, shown, usageError } from './usage.js';

/** The metric an SLO's alerts name when it has one criterion (analyze/slo/tracker.ts), else `slo`. */
const CRITERION_METRIC: Readonly<Record<string, string>> = { ttft: 'ttft_ms', tpot: 'tpot_ms', latency: 'request_latency_ms', errors: 'request_error_rate' };

export function prometheusRulesOf(c: Readonly<EchoPerfConfig>, source: string): string {
  const rules: ExportableRule[] = activeRules(c, thresholdsFromConfig(c)).map((r) => ({
    name: r.name,
    spec: r.spec,
    alertname: alertName({ kind: r.kind, metric: r.spec.metric, metadata: r.op === undefined ? {} : { op: r.op } }),
  }));
  const slos: ExportableSlo[] = c.rules
    .filter((r): r is SloRuleConfig => r.kind === 'slo' && r.enabled)
    .map((r) => {
      const criteria = criteriaOf(r);
      const metric = criteria.length === 1 ? (CRITERION_METRIC[criteria[0]!.kind] ?? 'slo') : 'slo';
      return { name: r.name ?? defaultSloName(criteria), spec: r, alertname: alertName({ kind: 'slo', metric, metadata: {} }) };
    });
  return renderPrometheusRules({
    rules,
    slos,
    intervalSeconds: c.monitoring_interval,
    header: [
      `Prometheus rules from echo-perf's active rule set (${source}); made by \`echo-perf export prometheus-rules\`.`,
      'Metric names and units are those of echo-perf /metrics (docs/metrics.md). Check with: promtool check rules FILE',
    ],
  });
}

export function runExport(argv: readonly string[], out: (s: string) => void): number {
  const [what, ...rest] = argv;
  if (what !== 'prometheus-rules') throw usageError(`export: got ${shown(what ?? '')}; expected prometheus-rules`, EXPORT_RULES_USAGE);
  const { values, positionals } = parseOrUsage(EXPORT_RULES_USAGE, () =>
    parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length > 0) throw usageError(`export prometheus-rules: got ${shown(positionals.join(' '))}; expected no arguments besides --config and --out`, EXPORT_RULES_USAGE);
  if (values.out === '') throw usageError('--out: got ""; expected a file path', EXPORT_RULES_USAGE);
  // A bad config throws EchoPerfError (EP_ERR_CONFIG_*): main prints it and exits 2.
  const c = values.config !== undefined ? loadConfigFile(values.config) : parseConfig({});
  const text = prometheusRulesOf(c, values.config !== undefined ? 'config file' : 'built-in defaults');
  if (values.out === undefined) out(text);
  else writeFileAtomic(values.out, text);
  return 0;
}
