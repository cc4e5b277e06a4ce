/**
 * @module export/families
 * Groups the newest sample of every series into exposition families for
 * /metrics. Rendering is pure: it reads the store and metadata, changes nothing.
 */
import type { ExpositionSample, MetricFamily } from '../core/exposition/index.js';
import type { MetricType, Sample } from '../core/types.js';

export interface SeriesMeta {
  /** The family a series belongs to (foo for foo_bucket), and its type and help. */
  family: string;
  type: MetricType;
  help?: string | undefined;
  unit?: string | undefined;
}

/** Type and family for a series name; undefined when nothing declared it. */
export type MetaLookup = (seriesName: string) => SeriesMeta | undefined;

/** Series without declared metadata: counters by Prometheus's `_total` convention, gauges otherwise. */
function inferred(name: string): SeriesMeta {
  return { family: name, type: name.endsWith('_total') ? 'counter' : 'gauge' };
}

/**
 * @example
 * toFamilies(store.latestAll(), lookup) // → [{ name: 'cpu_usage', type: 'gauge', samples: [...] }]
 */
export function toFamilies(samples: Iterable<Sample>, lookup: MetaLookup, defaultHelp?: (family: string) => string | undefined): MetricFamily[] {
  const byFamily = new Map<string, { meta: SeriesMeta; samples: ExpositionSample[] }>();
  for (const s of samples) {
    const meta = lookup(s.name) ?? inferred(s.name);
    let f = byFamily.get(meta.family);
    if (f === undefined) byFamily.set(meta.family, (f = { meta, samples: [] }));
    f.samples.push({ name: s.name, labels: s.labels, value: s.v });
  }
  const out: MetricFamily[] = [];
  for (const [name, f] of [...byFamily].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const help = f.meta.help ?? defaultHelp?.(name);
    out.push({
      name,
      type: f.meta.type,
      ...(help !== undefined ? { help } : {}),
      ...(f.meta.unit !== undefined && f.meta.unit !== '' ? { unit: f.meta.unit } : {}),
      samples: f.samples,
    });
  }
  return out;
}
