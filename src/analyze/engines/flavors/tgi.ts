/**
 * @module analyze/engines/flavors/tgi
 * HuggingFace TGI (router `/metrics`, reference/engines.md §4). Counters have
 * no `_total` suffix and request series no labels, so there is no model label
 * and no index. TGI has no generated-tokens counter: the generated-tokens
 * histogram's `_sum` is one (it grows by each finished request's token count),
 * so token throughput counts tokens when their request finishes. No TTFT,
 * KV-cache or preemption metric exists.
 */
import { gaugeSum, histogram, rateOf, ratio, type FlavorMapping } from '../mapping.js';

export const TGI_SERIES = {
  generatedTokensSum: 'tgi_request_generated_tokens_sum',
  inputLengthSum: 'tgi_request_input_length_sum',
  success: 'tgi_request_success',
  /** Label `err`; created with the first failure. */
  failure: 'tgi_request_failure',
  duration: 'tgi_request_duration',
  meanTimePerToken: 'tgi_request_mean_time_per_token_duration',
  queueDuration: 'tgi_request_queue_duration',
  batchSize: 'tgi_batch_current_size',
  queueSize: 'tgi_queue_size',
} as const;

const n = TGI_SERIES;

export const TGI: FlavorMapping = {
  flavor: 'tgi',
  scalars: {
    token_throughput: [rateOf(n.generatedTokensSum)],
    prompt_throughput: [rateOf(n.inputLengthSum)],
    request_rate: [rateOf(n.success, n.failure)],
    requests_running: [gaugeSum(n.batchSize)],
    requests_waiting: [gaugeSum(n.queueSize)],
    request_error_rate: [ratio({ series: [n.failure], absentIsZero: true }, { series: [n.success, n.failure] })],
  },
  histograms: {
    request_latency_ms: [histogram(n.duration)],
    tpot_ms: [histogram(n.meanTimePerToken)],
    queue_time_ms: [histogram(n.queueDuration)],
  },
};
