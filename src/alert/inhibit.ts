/**
 * @module alert/inhibit
 * The built-in inhibit rules, with Alertmanager's semantics (inhibit/inhibit.go,
 * docs/configuration.md `inhibit_rules`): a firing source alert mutes target
 * alerts whose `equal` labels have the same values; an alert that matches both
 * the source and the target side of a rule is not muted by that rule.
 *
 * 1. A CRITICAL mutes the WARNING and INFO alerts of the same series: equal on
 *    component, metric and the series' labels (so HighRequestLatency critical
 *    mutes its own warning level, and a trend or baseline alert on that series).
 * 2. An engine that is down — TargetDown for its scrape target, or an engine
 *    alert (EngineStalled, EngineDown) — mutes the latency, TTFT, TPOT,
 *    throughput, anomaly and baseline alerts of that engine (label
 *    `engine=<name>`, or the component named like the engine): those follow
 *    from the outage and would only repeat it.
 */
import { AlertSeverity } from '../core/severity.js';
import type { PerformanceAlert } from './alert.js';

/** Metrics that an engine outage explains. */
const ENGINE_SYMPTOM = /(^|_)(latency|ttft|tpot|itl|throughput|queue_time|request_rate)(_|$)/;

function seriesKey(a: PerformanceAlert): string {
  const labels = a.labels === undefined ? '' : Object.keys(a.labels).sort().map((k) => `${k}=${JSON.stringify(a.labels![k])}`).join(',');
  return `${a.component}\u0000${a.metric}\u0000${labels}`;
}

/** The engine an alert says is down, if it is such an alert. */
function downEngine(a: PerformanceAlert): string | undefined {
  if (a.kind !== 'target' && a.kind !== 'engine') return undefined;
  const fromMeta = a.metadata['engine'];
  return a.labels?.['engine'] ?? (typeof fromMeta === 'string' ? fromMeta : a.component);
}

function isEngineSymptom(a: PerformanceAlert): boolean {
  if (a.kind === 'target' || a.kind === 'engine') return false;
  return a.kind === 'anomaly' || a.kind === 'baseline' || ENGINE_SYMPTOM.test(a.metric);
}

/**
 * For each firing alert that some other firing alert mutes: its fingerprint →
 * the fingerprints of the alerts muting it. O(n) in the firing alerts.
 */
export function inhibitions(firing: readonly PerformanceAlert[]): Map<string, string[]> {
  const critical = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const a of firing) {
    if (a.status !== 'firing') continue;
    if (a.severity === AlertSeverity.CRITICAL) push(critical, seriesKey(a), a.fingerprint);
    const e = downEngine(a);
    if (e !== undefined) push(down, e, a.fingerprint);
  }
  const out = new Map<string, string[]>();
  if (critical.size === 0 && down.size === 0) return out;
  for (const a of firing) {
    if (a.status !== 'firing') continue;
    let by: string[] | undefined;
    // Rule 1: a critical alert is on the source side, so it is never muted by it.
    if (a.severity !== AlertSeverity.CRITICAL) {
      const src = critical.get(seriesKey(a));
      if (src !== undefined) by = [...src];
    }
    if (isEngineSymptom(a)) {
      const engine = a.labels?.['engine'] ?? a.component;
      const src = down.get(engine);
      if (src !== undefined) for (const f of src) if (f !== a.fingerprint) (by ??= []).push(f);
    }
    if (by !== undefined && by.length > 0) out.set(a.fingerprint, by);
  }
  return out;
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}
