/**
 * @module export/metricsDoc
 * docs/metrics.md, generated from the export table (`npm run docs:metrics`);
 * a test fails when the file and the table disagree.
 */
import { exportTable, NAMESPACE, type ExportedFamily } from './names.js';

const GROUPS: readonly [ExportedFamily['group'], string, string][] = [
  ['host', 'Host', 'From the built-in `system` collector (label `component` only when another collector reports the same metric).'],
  ['gpu', 'GPU', 'From the built-in `gpu` collector; labels `gpu`, `uuid`, `name` (and `reason`, `type`, `pid`, `process` where noted).'],
  ['engine', 'Per engine', 'Unified LLM-engine metrics; labels `engine` (the configured name), `model`, and `engine_index` for one data-parallel rank.'],
  ['engines', 'Across engines', "The seed snapshot's engine fields, over every engine; no `engine` label, so `sum()` over the per-engine family never double-counts."],
  ['component', 'Components', 'DTESN, Echo-Self, Embodied AI and any collector or pushed component; label `component`. A metric not in this table is exposed as `echo_perf_component_<name>` (`:` becomes `_`; a counter when it ends in `_total`).'],
  ['self', 'The agent itself', 'Self-metrics and per-target scrape health (label `collector` or `target`).'],
  ['alerts', 'Alerts', 'As Prometheus exposes its own alerts.'],
];

export function renderMetricsDoc(): string {
  const rows = exportTable();
  let out = `# Metric names in /metrics

<!-- generated from src/export/names.ts by \`npm run docs:metrics\`; a test checks it -->

The library API (\`getCurrentMetrics()\`), the config (\`alert_thresholds\`), alerts and
echo.dash keep the seed's names and units (\`cpu_usage\` in %, \`request_latency_ms\`).
\`/metrics\` follows Prometheus's conventions: one namespace \`${NAMESPACE}\`, base units
(seconds, bytes, hertz; fractions 0..1 as \`_ratio\`), \`_total\` only on counters, engine
latency quantiles as the \`quantile\` label of a summary, no \`:\`. This table is the whole
mapping; "×" is the factor from the internal value to the exposed one.

\`/metrics\` shows the current state only: what the latest run of each collector, the last
tick's engine metrics and the latest scrape of each target produced. A series that its
source stopped producing leaves at once; Prometheus marks it stale itself. Pages of
scrape targets are also shown as they were scraped (config \`pass_through\`, on by default
for \`scrape_targets\`, off for \`engines\`), except families the agent reserves
(\`echo_perf_*\`, \`ALERTS\`, \`up\`, \`scrape_*\`), counted in
\`echo_perf_target_passthrough_dropped_families\`; an engine page's own \`engine\` label
becomes \`engine_index\`.
`;
  for (const [group, title, text] of GROUPS) {
    const inGroup = rows.filter((r) => r.family.group === group);
    if (inGroup.length === 0) continue;
    out += `\n## ${title}\n\n${text}\n\n| internal name | unit | /metrics | type | × | help |\n|---|---|---|---|---|---|\n`;
    for (const { internal, family: f } of inGroup) {
      const name = f.quantile !== undefined ? `${f.name}{quantile="${f.quantile}"}` : f.name;
      out += `| \`${internal}\` | ${f.internalUnit ?? ''} | \`${name}\` | ${f.type} | ${f.scale ?? 1} | ${f.help.replace(/\|/g, '\\|')} |\n`;
    }
  }
  return out;
}
