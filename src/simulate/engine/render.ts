/**
 * @module simulate/engine/render
 * Turns a flavor's family table and the engines' current state into the
 * engine's `/metrics` page, through core's `formatExposition` (text 0.0.4).
 * Rendering reads state and never changes it.
 */
import { formatExposition, type MetricFamily } from '../../core/exposition/index.js';
import type { ExpositionSample } from '../../core/exposition/index.js';
import type { Labels } from '../../core/types.js';
import type { EngineView, FamilySpec, FlavorSpec } from './flavors/types.js';
import type { HistogramBinding, Quantity } from './stats.js';

/** The histograms a family table needs each engine to keep, keyed as `render` looks them up. */
export function histogramBindings(families: readonly FamilySpec[]): HistogramBinding[] {
  const out: HistogramBinding[] = [];
  for (const f of families) {
    if (f.type !== 'histogram') continue;
    for (const [labels, quantity] of variants(f.name, f.observe)) out.push({ key: histKey(f.name, labels), quantity, bounds: f.buckets });
  }
  return out;
}

/** The TYPE-line names the page carries, `_created` gauges included (what the simulator claims to cover). */
export function familyNames(spec: FlavorSpec, families: readonly FamilySpec[]): string[] {
  const out: string[] = [];
  for (const f of families) {
    out.push(f.name);
    if (spec.created && !isProcessWide(f) && (f.type === 'counter' || f.type === 'histogram')) out.push(createdName(f));
  }
  return out;
}

/** The whole page. */
export function renderPage(spec: FlavorSpec, families: readonly FamilySpec[], engines: readonly EngineView[]): string {
  const out: MetricFamily[] = [];
  families.forEach((f, i) => {
    const mf = renderFamily(spec, f, i, engines);
    if (mf !== undefined) out.push(mf);
  });
  if (!spec.blankLineAfterFamily) return formatExposition(out);
  return out.map((f) => formatExposition([f]) + '\n').join('');
}

function renderFamily(spec: FlavorSpec, f: FamilySpec, index: number, engines: readonly EngineView[]): MetricFamily | undefined {
  const samples: ExpositionSample[] = [];
  const created: ExpositionSample[] = [];
  const processWide = isProcessWide(f);
  const targets = processWide ? engines.slice(0, 1) : engines;
  for (const e of targets) {
    // prometheus_client stamps each child when it is created, a few µs apart, at engine start.
    const createdAt = e.startedAt + 0.5 + index * 1e-5;
    const addCreated = (labels: Labels): void => {
      if (spec.created && !processWide) created.push({ name: createdName(f), labels, value: createdAt });
    };
    if (f.type === 'histogram') {
      for (const [extra] of variants(f.name, f.observe)) {
        const h = e.stats.histogram(histKey(f.name, extra));
        if (h === undefined || (spec.omitUntouched && h.count === 0)) continue;
        const base = f.labels ?? spec.baseLabels(e);
        const labels = order(spec, base, extra);
        const cum = h.cumulative();
        const buckets = cum.map((c, i) => ({
          name: `${f.name}_bucket`,
          labels: order(spec, base, extra, i < h.bounds.length ? spec.le(h.bounds[i]!) : '+Inf'),
          value: c,
        }));
        const sum = { name: `${f.name}_sum`, labels, value: h.sum };
        const count = { name: `${f.name}_count`, labels, value: h.count };
        if (spec.histogramLayout === 'buckets-count-sum') samples.push(...buckets, count, sum);
        else if (spec.histogramLayout === 'sum-buckets-count') samples.push(sum, ...buckets, count);
        else samples.push(...buckets, sum, count);
        addCreated(labels);
      }
    } else if (f.type === 'summary') {
      const count = f.count(e);
      if (spec.omitUntouched && count === 0) continue;
      const base = spec.baseLabels(e);
      for (const q of f.quantiles) samples.push({ name: f.name, labels: order(spec, base, { quantile: q }), value: 0 });
      samples.push({ name: `${f.name}_sum`, labels: base, value: 0 }, { name: `${f.name}_count`, labels: base, value: count });
    } else {
      const base = processWide || f.ownLabels === true ? {} : spec.baseLabels(e);
      const v = f.value(e, engines);
      for (const [extra, value] of typeof v === 'number' ? ([[{}, v]] as const) : v) {
        if (spec.omitUntouched && f.type === 'counter' && value === 0) continue;
        const labels = order(spec, base, extra);
        samples.push({ name: f.name, labels, value });
        if (f.type === 'counter') addCreated(labels);
      }
    }
  }
  if (samples.length === 0 && spec.omitUntouched) return undefined;
  return { name: f.name, type: f.type, ...(f.help !== undefined ? { help: f.help } : {}), samples: [...samples, ...created] };
}

/** prometheus_client's process and GC collectors: one series per process, no engine labels, no `_created`. */
function isProcessWide(f: FamilySpec): boolean {
  return (f.type === 'counter' || f.type === 'gauge') && f.scope === 'process';
}

function variants(name: string, observe: Quantity | ReadonlyArray<readonly [Labels, Quantity]>): ReadonlyArray<readonly [Labels, Quantity]> {
  if (typeof observe === 'string') return [[{}, observe]];
  if (observe.length === 0) throw new RangeError(`histogram ${name}: no label set to observe`);
  return observe;
}

function histKey(name: string, labels: Labels): string {
  const parts = Object.keys(labels).map((k) => `${k}=${labels[k]}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

function createdName(f: FamilySpec): string {
  const base = f.type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
  return `${base}_created`;
}

/** The label order the engine's client library writes. */
function order(spec: FlavorSpec, base: Labels, extra: Labels, le?: string): Labels {
  const merged: Record<string, string> = { ...base, ...extra };
  if (le !== undefined) merged['le'] = le;
  if (spec.labelOrder === 'le-last') return merged;
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(merged).sort()) sorted[k] = merged[k]!;
  return sorted;
}
