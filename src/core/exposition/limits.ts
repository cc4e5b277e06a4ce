/**
 * @module core/exposition/limits
 * The per-page limit checks and their errors, worded as Prometheus words them
 * (scrape/scrape.go `verifyLabelLimits`, v2.42): `%.50s` cuts the metric name,
 * and a label prints as Go prints a `labels.Label` with `%.50v`: `{name value}`,
 * each field cut to 50 characters.
 */
import { EchoPerfError } from '../errors.js';
import type { ResolvedLimits } from './options.js';
import { lineColumn } from './scan.js';

type LimitName = 'sample_limit' | 'label_limit' | 'label_name_length_limit' | 'label_value_length_limit';

/** Go's `%.50s`: at most 50 characters (code points). */
function cut50(s: string): string {
  if (s.length <= 50) return s;
  return Array.from(s).slice(0, 50).join('');
}

/** UTF-8 length of `s`, as Go's `len` measures a string. */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    // Two extra bytes for U+0800 and up; a surrogate pair is 2 units for 4 bytes, i.e. 1 extra each.
    if (c >= 0x80) bytes += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
  }
  return bytes;
}

function limitError(text: string, at: number, limit: LimitName, value: number, max: number, message: string): EchoPerfError {
  const { line, column } = lineColumn(text, at);
  return new EchoPerfError('EP_ERR_EXPOSITION_LIMIT', message, { details: [{ limit, value, max, line, column }] });
}

/** The error for the first sample past `max` (Prometheus stops the scrape there too). */
export function sampleLimitError(text: string, at: number, samples: number, max: number): EchoPerfError {
  return limitError(text, at, 'sample_limit', samples, max, `sample_limit exceeded (samples: ${samples}, limit: ${max})`);
}

/**
 * Checks one sample's labels against the limits, `__name__` (the metric name)
 * first, then the page's labels in page order. Runs only when a label limit is set.
 */
export function checkLabelLimits(
  text: string,
  at: number,
  name: string,
  labels: Record<string, string>,
  limits: ResolvedLimits,
): void {
  const met = cut50(name);
  if (limits.maxLabels !== Infinity) {
    let count = 1;
    for (const k in labels) if (Object.hasOwn(labels, k)) count++;
    if (count > limits.maxLabels) {
      throw limitError(
        text,
        at,
        'label_limit',
        count,
        limits.maxLabels,
        `label_limit exceeded (metric: ${met}, number of labels: ${count}, limit: ${limits.maxLabels})`,
      );
    }
  }
  checkLabel(text, at, met, '__name__', name, limits);
  for (const k in labels) if (Object.hasOwn(labels, k)) checkLabel(text, at, met, k, labels[k]!, limits);
}

function checkLabel(text: string, at: number, met: string, label: string, value: string, limits: ResolvedLimits): void {
  // Label names are ASCII, so their length in bytes is their length.
  if (label.length > limits.maxLabelNameLength) {
    const max = limits.maxLabelNameLength;
    throw limitError(
      text,
      at,
      'label_name_length_limit',
      label.length,
      max,
      `label_name_length_limit exceeded (metric: ${met}, label name: ${cut50(label)}, length: ${label.length}, limit: ${max})`,
    );
  }
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: skip the byte count when the value cannot be too long.
  const max = limits.maxLabelValueLength;
  if (value.length * 3 <= max) return;
  const bytes = utf8Length(value);
  if (bytes > max) {
    throw limitError(
      text,
      at,
      'label_value_length_limit',
      bytes,
      max,
      `label_value_length_limit exceeded (metric: ${met}, label: {${cut50(label)} ${cut50(value)}}, value length: ${bytes}, limit: ${max})`,
    );
  }
}
