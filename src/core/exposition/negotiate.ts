/**
 * @module core/exposition/negotiate
 * Picks the exposition format for a scrape from its `Accept` header, as
 * client_golang's `expfmt.NegotiateIncludingOpenMetrics` (prometheus/common
 * expfmt/encode.go) does for the two text formats: media ranges are ordered by
 * `q` (more specific first on ties, as goautoneg sorts), and the first
 * `application/openmetrics-text` (version 1.0.0, 0.0.1 or none) or `text/plain`
 * (version 0.0.4 or none) wins. Ranges with `q=0` are refused, not chosen.
 * Anything else, or no match, gives text 0.0.4.
 */
import type { ExpositionFormat } from './model.js';

interface MediaRange {
  readonly type: string;
  readonly version: string;
  readonly q: number;
  readonly specificity: number;
  readonly index: number;
}

/**
 * The format to answer a scrape with.
 * @example negotiateFormat('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5') // 'openmetrics'
 */
export function negotiateFormat(acceptHeader: string | undefined): ExpositionFormat {
  if (acceptHeader === undefined || acceptHeader === '') return 'text';
  const ranges: MediaRange[] = [];
  const parts = acceptHeader.split(',');
  for (let index = 0; index < parts.length; index++) {
    const params = parts[index]!.split(';');
    const type = params[0]!.trim().toLowerCase();
    if (type === '') continue;
    let q = 1;
    let version = '';
    for (let k = 1; k < params.length; k++) {
      const p = params[k]!;
      const eq = p.indexOf('=');
      if (eq === -1) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim();
      if (key === 'q') {
        const parsed = Number(value);
        q = value !== '' && Number.isFinite(parsed) ? parsed : 0;
      } else if (key === 'version') {
        version = value;
      }
    }
    if (q <= 0) continue;
    const specificity = type === '*/*' ? 0 : type.endsWith('/*') ? 1 : 2;
    ranges.push({ type, version, q, specificity, index });
  }
  ranges.sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.index - b.index);
  for (const r of ranges) {
    if (r.type === 'application/openmetrics-text' && (r.version === '' || r.version === '1.0.0' || r.version === '0.0.1')) {
      return 'openmetrics';
    }
    if (r.type === 'text/plain' && (r.version === '' || r.version === '0.0.4')) return 'text';
  }
  return 'text';
}
