/**
 * @module analyze/derive
 * Recording rules for scraped targets, evaluated every tick over the store:
 * for each counter `rate(x[window])` as `x:rate`; for each classic histogram
 * `histogram_quantile(q, rate(x_bucket[window]))` as `x:quantile{quantile=q}` and
 * `rate(x_sum)/rate(x_count)` as `x:mean`. Names follow Prometheus's
 * recording-rule convention of colons for derived series.
 */
import type { MetricType, Sample } from '../core/types.js';
import type { SeriesReader } from '../store/series.js';
import { histogramQuantileOver, meanOver, rateOver } from './promql/index.js';

export const DEFAULT_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99];

/** What a scrape target declared on its last page. */
export interface DeriveSource {
  readonly job: string;
  /** Family name → type. */
  readonly families: ReadonlyMap<string, { readonly type: MetricType }>;
  /** Series name → family name. */
  readonly sampleFamily: ReadonlyMap<string, string>;
}

export function deriveFromScrapes(
  read: SeriesReader,
  sources: Iterable<DeriveSource>,
  at: number,
  windowMs: number,
  quantiles: readonly number[] = DEFAULT_QUANTILES,
): Sample[] {
  const out: Sample[] = [];
  for (const src of sources) {
    const match = { job: src.job };
    for (const [series, family] of src.sampleFamily) {
      const type = src.families.get(family)?.type;
      if (type === 'counter' && !series.endsWith('_created')) {
        for (const r of rateOver(read, series, match, at, windowMs)) {
          out.push({ name: `${series}:rate`, labels: r.labels, t: at, v: r.value });
        }
      }
    }
    for (const [family, meta] of src.families) {
      if (meta.type !== 'histogram') continue;
      for (const q of histogramQuantileOver(read, family, match, at, windowMs, quantiles)) {
        if (Number.isNaN(q.value)) continue; // no observations in the window: no quantile, not 0
        out.push({ name: `${family}:quantile`, labels: { ...q.labels, quantile: String(q.quantile) }, t: at, v: q.value });
      }
      for (const m of meanOver(read, family, match, at, windowMs)) {
        if (m.value !== undefined && Number.isFinite(m.value)) out.push({ name: `${family}:mean`, labels: m.labels, t: at, v: m.value });
      }
    }
  }
  return out;
}
