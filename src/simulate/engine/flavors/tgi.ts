/**
 * @module simulate/engine/flavors/tgi
 * HuggingFace TGI router (v3.x; Rust `metrics` + metrics-exporter-prometheus):
 * no `_total` suffix, no model label, `method` on batch series, a blank line after
 * every family, and a metric appears only once something was recorded in it.
 * Order, HELP texts and buckets follow the recorded scrape
 * (fixtures/engines/tgi-datadog-fixture-excerpt.metrics.txt) and, for the
 * families past its cut, the `describe_*` calls and bucket formulas of
 * router/src/server.rs (reference/engines.md §4). Counters and gauges TGI never
 * describes have no HELP line.
 */
import type { Quantity } from '../stats.js';
import type { FamilySpec, FlavorSpec, HistogramFamily } from './types.js';
import { fromCounter, geometric, rustFloat } from './types.js';

/** Every histogram whose name ends in `duration`: 0.0001 × 1.5^k, k = 1..35. */
const DURATION = geometric(0.0001, 1.5, 35);
const linear = (max: number, n: number): number[] => Array.from({ length: n }, (_, x) => (max / n) * (x + 1));

const byMethod = (prefill: Quantity, decode: Quantity): ReadonlyArray<readonly [Record<string, string>, Quantity]> => [
  [{ method: 'prefill' }, prefill],
  [{ method: 'decode' }, decode],
];

const duration = (name: string, help: string, observe: HistogramFamily['observe']): HistogramFamily => ({
  name,
  type: 'histogram',
  help,
  buckets: DURATION,
  observe,
});

/** `maxTotalTokens` is TGI's max_total_tokens; max_input_tokens is one less, as in the recorded deployment. */
function families(maxTotalTokens: number): FamilySpec[] {
  const maxInput = maxTotalTokens - 1;
  return [
    { name: 'tgi_request_success', type: 'counter', help: 'Number of successful requests', value: (e) => e.stats.counters.successStop + e.stats.counters.successLength },
    { name: 'tgi_batch_concat', type: 'counter', value: (e) => [[{ reason: 'chunking' }, e.stats.counters.chunkedConcats]] },
    { name: 'tgi_request_count', type: 'counter', help: 'Total number of requests', value: fromCounter('requests') },
    {
      name: 'tgi_request_failure',
      type: 'counter',
      value: (e) => [
        [{ err: 'validation' }, e.stats.counters.validationFailures],
        [{ err: 'overloaded' }, e.stats.counters.rejected],
      ],
    },
    {
      name: 'tgi_batch_inference_success',
      type: 'counter',
      help: 'Number of successful inference calls per method (prefill or decode)',
      value: (e) => [
        [{ method: 'prefill' }, e.stats.counters.prefillBatches],
        [{ method: 'decode' }, e.stats.counters.decodeIterations],
      ],
    },
    {
      name: 'tgi_batch_inference_count',
      type: 'counter',
      help: 'Inference calls per method (prefill or decode)',
      value: (e) => [
        [{ method: 'decode' }, e.stats.counters.decodeIterations],
        [{ method: 'prefill' }, e.stats.counters.prefillBatches],
      ],
    },
    { name: 'tgi_queue_size', type: 'gauge', help: 'Current queue size', value: (e) => e.model.waiting.length },
    {
      name: 'tgi_batch_current_max_tokens',
      type: 'gauge',
      help: 'Maximum tokens for the current batch',
      value: (e) => e.model.running.reduce((s, r) => s + r.prompt + r.maxTokens, 0),
    },
    { name: 'tgi_batch_current_size', type: 'gauge', help: 'Current batch size', value: (e) => e.model.running.length },
    { name: 'tgi_request_input_length', type: 'histogram', help: 'Input token length per request', buckets: linear(maxInput, 100), observe: 'promptTokens' },
    { name: 'tgi_request_max_new_tokens', type: 'histogram', help: 'Maximum new tokens per request', buckets: linear(maxTotalTokens, 100), observe: 'maxTokens' },
    duration('tgi_request_inference_duration', 'Request inference duration', 'inference'),
    {
      name: 'tgi_request_skipped_tokens',
      type: 'summary',
      help: 'Speculated tokens per request',
      quantiles: ['0', '0.5', '0.9', '0.95', '0.99', '0.999', '1'],
      count: (e) => e.stats.counters.generationTokens,
    },
    duration('tgi_batch_forward_duration', 'Batch forward duration per method (prefill or decode)', byMethod('prefillForward', 'decodeForward')),
    duration('tgi_batch_decode_duration', 'Time spent decoding a batch per method (prefill or decode)', byMethod('prefillDetokenize', 'decodeDetokenize')),
    duration(
      'tgi_batch_filter_duration',
      'Time spent filtering batches and sending generated tokens per method (prefill or decode)',
      byMethod('prefillFilter', 'decodeFilter'),
    ),
    duration('tgi_batch_inference_duration', 'Batch inference duration', byMethod('prefillBatch', 'decodeBatch')),
    { name: 'tgi_batch_next_size', type: 'histogram', help: 'Batch size of the next batch', buckets: linear(1024, 1024), observe: 'batchNextSize' },
    duration('tgi_request_duration', 'Total time spent processing the request', 'requestDuration'),
    duration('tgi_request_validation_duration', 'Time spent validating the request', 'validation'),
    duration('tgi_request_queue_duration', 'Time spent in the queue per request', 'queue'),
    duration('tgi_request_mean_time_per_token_duration', 'Mean time per token per request', 'meanTimePerToken'),
    { name: 'tgi_request_generated_tokens', type: 'histogram', help: 'Generated tokens per request', buckets: linear(maxTotalTokens, 100), observe: 'generationTokens' },
  ];
}

export const TGI: FlavorSpec = {
  flavor: 'tgi',
  defaultModel: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  defaultPort: 3000,
  // max_total_tokens of the recorded scrape (its input-length buckets step by 5.11 = 511 / 100).
  defaultMaxModelLen: 512,
  multiEngine: false,
  contentType: 'text/plain; charset=utf-8',
  families,
  baseLabels: () => ({}),
  labelOrder: 'le-last',
  histogramLayout: 'buckets-sum-count',
  created: false,
  le: rustFloat,
  blankLineAfterFamily: true,
  omitUntouched: true,
  health: { ok: '', down: '{"error":"unhealthy","error_type":"healthcheck"}', contentType: 'application/json' },
};
