/**
 * @module collect/scrape/pageLimits
 * Reads a scraped page under the target's limits (Prometheus's `sample_limit`,
 * `label_limit`, `label_name_length_limit`, `label_value_length_limit`). The
 * parser checks them while it reads, so a giant page stops at the first sample
 * past a limit instead of being parsed whole, and fails with
 * `EP_ERR_EXPOSITION_LIMIT` in Prometheus's words. Scrapes read leniently, as
 * Prometheus does: a rule violation it would accept is reported, not fatal.
 */
import { parseExpositionAsync, type MetricFamily } from '../../core/exposition/index.js';

/** 0 = no limit, as in Prometheus. Labels count as Prometheus counts them: `__name__` included, lengths in UTF-8 bytes. */
export interface PageLimits {
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
}

/**
 * Parses `body` in slices (a page at the sample limit is megabytes: read whole,
 * it would hold the event loop for tens of milliseconds); rejects at the first
 * sample past a limit and on what even a lenient reader refuses.
 */
export function parsePage(body: string, contentType: string | undefined, limits: PageLimits, onViolation: (message: string) => void): Promise<MetricFamily[]> {
  return parseExpositionAsync(body, contentType, {
    strict: false,
    onViolation,
    limits: {
      maxSamples: limits.sampleLimit,
      maxLabels: limits.labelLimit,
      maxLabelNameLength: limits.labelNameLengthLimit,
      maxLabelValueLength: limits.labelValueLengthLimit,
    },
  });
}
