/**
 * @module monitor/snapshotView
 * Builds the seed's flat snapshot from one tick's samples. A sample named like
 * a snapshot field (snake_case) feeds it whichever collector reports it: an
 * unlabelled sample gives the value directly; labelled ones (one per GPU, per
 * engine, ...) give their mean, and the worst of them is kept for alerting.
 */
import { seriesKey } from '../core/labels.js';
import { snapshotFieldFor, SNAPSHOT_FIELDS, type PerformanceMetrics, type SnapshotField } from '../core/snapshot.js';
import type { Sample } from '../core/types.js';

export interface SnapshotView {
  snapshot: PerformanceMetrics;
  /** The component that reported each field. */
  sources: Partial<Record<SnapshotField, string>>;
  /** Per field, the value alerts compare: the maximum (and minimum) across labelled series. */
  maxValues: Partial<Record<SnapshotField, number>>;
  minValues: Partial<Record<SnapshotField, number>>;
}

/**
 * An empty snapshot: every field undefined. `componentMetrics` and its
 * per-component objects are keyed by component and series names that come from
 * input, so they have no prototype: no name (`__proto__`, `constructor`) can
 * reach or read Object.prototype through them.
 */
export function emptySnapshot(timestamp: number): PerformanceMetrics {
  const s = { timestamp, componentMetrics: dict<Record<string, number>>() } as Record<string, unknown>;
  for (const f of Object.keys(SNAPSHOT_FIELDS)) s[f] = undefined;
  return s as PerformanceMetrics;
}

export function buildSnapshot(at: number, samples: readonly Sample[]): SnapshotView {
  const snapshot = emptySnapshot(at);
  const sources: Partial<Record<SnapshotField, string>> = {};
  const maxValues: Partial<Record<SnapshotField, number>> = {};
  const minValues: Partial<Record<SnapshotField, number>> = {};
  const direct = new Set<SnapshotField>();
  const sums = new Map<SnapshotField, { sum: number; n: number }>();

  for (const s of samples) {
    const component = s.labels['component'] ?? 'unknown';
    const own = withoutComponent(s.labels);
    const perComponent = (snapshot.componentMetrics[component] ??= dict<number>());
    perComponent[seriesKey(s.name, own)] = s.v;

    const field = snapshotFieldFor(s.name);
    if (field === undefined || direct.has(field)) continue;
    if (Object.keys(own).length === 0) {
      // The first collector to report a field unlabelled owns it for this tick.
      direct.add(field);
      snapshot[field] = s.v;
      sources[field] = component;
      maxValues[field] = s.v;
      minValues[field] = s.v;
      sums.delete(field);
      continue;
    }
    const acc = sums.get(field) ?? { sum: 0, n: 0 };
    acc.sum += s.v;
    acc.n++;
    sums.set(field, acc);
    sources[field] ??= component;
    maxValues[field] = Math.max(maxValues[field] ?? -Infinity, s.v);
    minValues[field] = Math.min(minValues[field] ?? Infinity, s.v);
  }
  for (const [field, acc] of sums) snapshot[field] = acc.sum / acc.n;
  return { snapshot, sources, maxValues, minValues };
}

function withoutComponent(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out = dict<string>();
  for (const k of Object.keys(labels)) if (k !== 'component') out[k] = labels[k]!;
  return out;
}

function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
