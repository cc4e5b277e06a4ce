/**
 * @module analyze/snapshot/build
 * Builds the seed's flat snapshot from one tick's samples, read from the store
 * through references. A sample named like a snapshot field (snake_case) feeds
 * it whichever collector reports it: an unlabelled sample gives the value
 * directly; labelled ones (one per GPU, per engine, ...) give their mean, and
 * the worst of them is kept for alerting.
 */
import { seriesKey } from '../../core/labels.js';
import { snapshotFieldFor, SNAPSHOT_FIELDS, type PerformanceMetrics, type SnapshotField } from '../../core/snapshot.js';
import type { Labels } from '../../core/types.js';
import type { Refs } from '../../store/refs.js';
import type { SeriesStore } from '../../store/series.js';

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

/** What a snapshot needs of a series, worked out once per series rather than per tick. */
interface Facts {
  /** The store's generation of the id these facts are for. */
  readonly gen: number;
  readonly component: string;
  /** Name and labels without `component`: the key in `componentMetrics[component]`. */
  readonly key: string;
  readonly field: SnapshotField | undefined;
  readonly labelled: boolean;
}

/** Per series id, its facts; bounded by the store's ids. */
export class SeriesFacts {
  private readonly _byId: (Facts | undefined)[] = [];

  constructor(private readonly _store: SeriesStore) {}

  of(id: number): Facts | undefined {
    const gen = this._store.generationOf(id);
    const f = this._byId[id];
    if (f !== undefined && f.gen === gen) return f;
    const name = this._store.nameOf(id);
    const labels = this._store.labelsOf(id);
    if (name === undefined || labels === undefined) return undefined;
    const own = withoutComponent(labels);
    const made: Facts = { gen, component: labels['component'] ?? 'unknown', key: seriesKey(name, own), field: snapshotFieldFor(name), labelled: Object.keys(own).length > 0 };
    this._byId[id] = made;
    return made;
  }
}

/** The snapshot of the samples `refs` names that the store still holds, in their order. */
export function buildView(at: number, store: SeriesStore, facts: SeriesFacts, refs: Refs): SnapshotView {
  const snapshot = emptySnapshot(at);
  const sources: Partial<Record<SnapshotField, string>> = {};
  const maxValues: Partial<Record<SnapshotField, number>> = {};
  const minValues: Partial<Record<SnapshotField, number>> = {};
  const direct = new Set<SnapshotField>();
  const sums = new Map<SnapshotField, { sum: number; n: number }>();

  for (let i = 0; i < refs.ids.length; i++) {
    const id = refs.ids[i]!;
    const v = store.valueAt(id, refs.seqs[i]!);
    const f = v === undefined ? undefined : facts.of(id);
    if (v === undefined || f === undefined) continue;
    const perComponent = (snapshot.componentMetrics[f.component] ??= dict<number>());
    perComponent[f.key] = v;

    const field = f.field;
    if (field === undefined || direct.has(field)) continue;
    if (!f.labelled) {
      // The first collector to report a field unlabelled owns it for this tick.
      direct.add(field);
      snapshot[field] = v;
      sources[field] = f.component;
      maxValues[field] = v;
      minValues[field] = v;
      sums.delete(field);
      continue;
    }
    const acc = sums.get(field) ?? { sum: 0, n: 0 };
    acc.sum += v;
    acc.n++;
    sums.set(field, acc);
    sources[field] ??= f.component;
    maxValues[field] = Math.max(maxValues[field] ?? -Infinity, v);
    minValues[field] = Math.min(minValues[field] ?? Infinity, v);
  }
  for (const [field, acc] of sums) snapshot[field] = acc.sum / acc.n;
  return { snapshot, sources, maxValues, minValues };
}

function withoutComponent(labels: Labels): Record<string, string> {
  const out = dict<string>();
  for (const k of Object.keys(labels)) if (k !== 'component') out[k] = labels[k]!;
  return out;
}

function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
