/**
 * @module collect/scrape/pageLimits
 * Parses a scraped page under Prometheus's per-target limits (`sample_limit`,
 * `label_limit`, `label_name_length_limit`, `label_value_length_limit`),
 * checked sample by sample while the page is read, so a giant page stops at the
 * first sample past a limit instead of being parsed whole. Messages follow
 * Prometheus's (scrape/scrape.go: "label_limit exceeded (metric: %.50s, number
 * of labels: %d, limit: %d)"). The label limits count the page's own labels:
 * not the metric name, not the target labels.
 */
import { detectFormat, formatFromContentType, readExposition, type ExpositionSample, type MetricFamily } from '../../core/exposition/index.js';
import { FamilyBuilder } from '../../core/exposition/families.js';
import type { MetricType } from '../../core/types.js';
import { ScrapeError } from './fetchPage.js';

/** 0 = no limit, as in Prometheus. */
export interface PageLimits {
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
}

/** Parses `body`; throws ScrapeError (kind 'limit') at the first sample past a limit. */
export function parsePage(body: string, contentType: string | undefined, limits: PageLimits): MetricFamily[] {
  const format = formatFromContentType(contentType) ?? detectFormat(body);
  const builder = new FamilyBuilder(body, format);
  const check = limitChecker(limits);
  readExposition(body, format, {
    help: (name: string, help: string, at: number) => builder.help(name, help, at),
    type: (name: string, type: MetricType, at: number) => builder.type(name, type, at),
    unit: (name: string, unit: string, at: number) => builder.unit(name, unit, at),
    sample: (s: ExpositionSample, at: number) => {
      check(s);
      builder.sample(s, at);
    },
  });
  return builder.families;
}

/** A per-sample check of `limits`, counting samples as it goes. */
export function limitChecker(limits: PageLimits): (s: ExpositionSample) => void {
  let samples = 0;
  const { sampleLimit, labelLimit, labelNameLengthLimit: nameMax, labelValueLengthLimit: valueMax } = limits;
  return (s) => {
    samples++;
    if (sampleLimit > 0 && samples > sampleLimit) {
      throw new ScrapeError(`sample_limit exceeded (samples: more than ${sampleLimit}, limit: ${sampleLimit})`, 'limit');
    }
    if (labelLimit === 0 && nameMax === 0 && valueMax === 0) return;
    let n = 0;
    for (const k of Object.keys(s.labels)) {
      n++;
      if (labelLimit > 0 && n > labelLimit) {
        const total = Object.keys(s.labels).length;
        throw new ScrapeError(`label_limit exceeded (metric: ${cut(s.name)}, number of labels: ${total}, limit: ${labelLimit})`, 'limit');
      }
      if (nameMax > 0 && k.length > nameMax) {
        throw new ScrapeError(
          `label_name_length_limit exceeded (metric: ${cut(s.name)}, label name: ${cut(k)}, length: ${k.length}, limit: ${nameMax})`,
          'limit',
        );
      }
      const v = s.labels[k]!;
      if (valueMax > 0 && v.length > valueMax) {
        throw new ScrapeError(
          `label_value_length_limit exceeded (metric: ${cut(s.name)}, label name: ${cut(k)}, value: ${JSON.stringify(cut(v))}, length: ${v.length}, limit: ${valueMax})`,
          'limit',
        );
      }
    }
  };
}

/** Prometheus prints names and values in limit errors with %.50s. */
function cut(s: string): string {
  return s.length > 50 ? s.slice(0, 50) : s;
}
