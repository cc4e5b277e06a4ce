/**
 * @module collect/components/pull
 * A component whose metrics are pulled over HTTP on its own interval: JSON
 * `{"metric": value}` or Prometheus text, checked like a push.
 */
import { redactUrl } from '../../core/redact.js';
import type { Collector, Sample } from '../../core/types.js';
import { fetchPage } from '../scrape/fetchPage.js';
import { HeldValues } from './held.js';
import { parseComponentPayload, type PayloadLimits } from './payload.js';

export interface PullSpec {
  name: string;
  url: string;
  format: 'json' | 'prometheus';
  intervalMs: number;
  timeoutMs: number;
  /** Values older than this are not current any more. */
  maxAgeMs: number;
  limits: PayloadLimits;
  /** How far past one interval a page's timestamps may be ahead of the clock; default 5 s. */
  maxAheadMs?: number;
  userAgent: string;
}

const DEFAULT_MAX_AHEAD_MS = 5000;

export function pullCollector(spec: PullSpec): Collector & { held: HeldValues } {
  const held = new HeldValues();
  let lastFetch = -Infinity;
  return {
    name: spec.name,
    held,
    async collect(at: number, signal: AbortSignal): Promise<Sample[]> {
      if (at - lastFetch >= spec.intervalMs) {
        lastFetch = at;
        const page = await fetchPage(spec.url, {
          timeoutMs: spec.timeoutMs,
          maxBodyBytes: 16 * 1024 * 1024,
          format: spec.format === 'prometheus' ? 'prometheus' : 'auto',
          userAgent: spec.userAgent,
          signal,
        });
        const ct = spec.format === 'prometheus' ? page.contentType || 'text/plain' : 'application/json';
        // A pulled page's own timestamps are held to the push rules: not ahead by more
        // than an interval and a few seconds, not older than the staleness window.
        const window = { minMs: at - spec.maxAgeMs, maxMs: at + spec.intervalMs + (spec.maxAheadMs ?? DEFAULT_MAX_AHEAD_MS) };
        const r = parseComponentPayload(spec.name, page.body, ct, at, { ...spec.limits, window });
        if (!r.ok) {
          const more = r.omittedErrors !== undefined ? `; and ${r.omittedErrors} more` : '';
          throw new Error(`invalid payload from ${redactUrl(spec.url)}: ${r.errors.map((e) => `${e.field}: got ${JSON.stringify(e.value)}; expected ${e.expected}`).join('; ')}${more}`);
        }
        held.update(r.samples);
      }
      return held.fresh(at, spec.maxAgeMs);
    },
  };
}
