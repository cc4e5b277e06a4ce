/**
 * @module core/exposition/om-created
 * Text 0.0.4 pages written by client_python carry the `_created` samples of a
 * counter, histogram or summary `foo` as a gauge family `foo_created`. In
 * OpenMetrics those samples belong to `foo` itself, and a separate `foo_created`
 * family would clash with it (OpenMetrics 1.0, "Suffixes"), so the writer folds
 * such families back: each created sample goes right after the last sample of
 * the Metric with the same labels, keeping every Metric contiguous ("Metric").
 */
import type { ExpositionSample, MetricFamily } from './model.js';
import { metricKey } from './om-metrics.js';

const FOLDS_CREATED = new Set(['counter', 'histogram', 'summary']);
const PLAIN = new Set(['gauge', 'untyped', 'unknown']);

/** The families to write: the input itself when nothing folds, else a new list (the input is not changed). */
export function foldCreated(families: readonly MetricFamily[]): readonly MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const f of families) byName.set(f.name, f);
  let folded: Set<MetricFamily> | undefined;
  let out: MetricFamily[] | undefined;
  families.forEach((f, i) => {
    if (!FOLDS_CREATED.has(f.type)) return;
    const base = f.type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
    const createdName = base + '_created';
    const c = byName.get(createdName);
    if (c === undefined || c === f || !PLAIN.has(c.type) || !c.samples.every((s) => s.name === createdName)) return;
    out ??= families.slice();
    folded ??= new Set();
    folded.add(c);
    out[i] = { ...f, samples: merge(f, c.samples) };
  });
  if (out === undefined) return families;
  return out.filter((f) => !folded!.has(f));
}

function merge(f: MetricFamily, created: readonly ExpositionSample[]): ExpositionSample[] {
  const pending = new Map<string, ExpositionSample[]>();
  for (const s of created) {
    const key = metricKey(s.labels, undefined);
    const list = pending.get(key);
    if (list === undefined) pending.set(key, [s]);
    else list.push(s);
  }
  const special = f.type === 'histogram' ? 'le' : f.type === 'summary' ? 'quantile' : undefined;
  const out: ExpositionSample[] = [];
  let runKey: string | undefined;
  const flush = (): void => {
    if (runKey === undefined) return;
    const list = pending.get(runKey);
    if (list !== undefined) {
      out.push(...list);
      pending.delete(runKey);
    }
  };
  for (const s of f.samples) {
    const key = metricKey(s.labels, special !== undefined && Object.hasOwn(s.labels, special) ? special : undefined);
    if (key !== runKey) {
      flush();
      runKey = key;
    }
    out.push(s);
  }
  flush();
  for (const list of pending.values()) out.push(...list);
  return out;
}
