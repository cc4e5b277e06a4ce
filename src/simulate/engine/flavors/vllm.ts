/**
 * @module simulate/engine/flavors/vllm
 * vLLM v1 as the 2026 scrape shows it: `vllm:` families labelled `engine`,
 * `model_name`, prometheus_client multiprocess output with `_created` gauges.
 */
import type { FlavorSpec } from './types.js';
import { v1Conventions, v1Families } from './vllm-v1.js';

export const VLLM: FlavorSpec = {
  flavor: 'vllm',
  defaultModel: 'Qwen/Qwen2.5-0.5B-Instruct',
  defaultPort: 8000,
  // The recorded scrapes' token buckets stop at 5000: max_model_len is in [5000, 10000).
  defaultMaxModelLen: 8192,
  ...v1Conventions(),
  families: (maxModelLen) => v1Families('vllm:', maxModelLen, { recomputed: true }),
  modelsOwnedBy: 'vllm',
};
