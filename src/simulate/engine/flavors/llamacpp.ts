/**
 * @module simulate/engine/flavors/llamacpp
 * llama.cpp server `--metrics` (2025 upstream handler, reference/engines.md §5):
 * HELP/TYPE/value lines written by hand, `llamacpp:` prefix, no labels, counters
 * first, then gauges. `n_busy_slots_per_decode` is typed counter though it is an
 * average. The throughput gauges are per-slot speeds (tokens per second of
 * processing time); here over the whole run rather than since the last scrape,
 * so that reading the page does not change it.
 */
import type { FlavorSpec } from './types.js';
import { fromCounter, rustFloat } from './types.js';

export const LLAMACPP: FlavorSpec = {
  flavor: 'llamacpp',
  defaultModel: 'qwen2.5-0.5b-instruct-q8_0.gguf',
  defaultPort: 8080,
  defaultMaxModelLen: 8192,
  multiEngine: false,
  contentType: 'text/plain; version=0.0.4',
  families: () => [
    { name: 'llamacpp:prompt_tokens_total', type: 'counter', help: 'Number of prompt tokens processed.', value: fromCounter('promptTokens') },
    { name: 'llamacpp:prompt_seconds_total', type: 'counter', help: 'Prompt process time', value: fromCounter('promptSeconds') },
    { name: 'llamacpp:tokens_predicted_total', type: 'counter', help: 'Number of generation tokens processed.', value: fromCounter('generationTokens') },
    { name: 'llamacpp:tokens_predicted_seconds_total', type: 'counter', help: 'Predict process time', value: fromCounter('decodeSeconds') },
    {
      name: 'llamacpp:n_decode_total',
      type: 'counter',
      help: 'Total number of llama_decode() calls',
      value: (e) => e.stats.counters.decodeIterations + e.stats.counters.prefillBatches,
    },
    {
      name: 'llamacpp:n_busy_slots_per_decode',
      type: 'counter',
      help: 'Average number of busy slots per llama_decode() call',
      value: (e) => e.stats.counters.busySlotIterations / Math.max(1, e.stats.counters.decodeIterations),
    },
    {
      name: 'llamacpp:prompt_tokens_seconds',
      type: 'gauge',
      help: 'Average prompt throughput in tokens/s.',
      value: (e) => ratio(e.stats.counters.promptTokens - e.stats.counters.promptCached, e.stats.counters.promptSeconds),
    },
    {
      name: 'llamacpp:predicted_tokens_seconds',
      type: 'gauge',
      help: 'Average generation throughput in tokens/s.',
      value: (e) => ratio(e.stats.counters.generationTokens, e.stats.counters.decodeSeconds),
    },
    { name: 'llamacpp:requests_processing', type: 'gauge', help: 'Number of requests processing.', value: (e) => e.model.running.length },
    { name: 'llamacpp:requests_deferred', type: 'gauge', help: 'Number of requests deferred.', value: (e) => e.model.waiting.length },
  ],
  baseLabels: () => ({}),
  labelOrder: 'le-last',
  histogramLayout: 'buckets-sum-count',
  created: false,
  le: rustFloat,
  blankLineAfterFamily: false,
  omitUntouched: false,
  health: {
    ok: '{"status":"ok"}',
    down: '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}',
    contentType: 'application/json; charset=utf-8',
  },
};

function ratio(n: number, d: number): number {
  return d > 0 ? n / d : 0;
}
