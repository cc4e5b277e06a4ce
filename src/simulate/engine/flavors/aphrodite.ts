/**
 * @module simulate/engine/flavors/aphrodite
 * Aphrodite Engine v1 (≥ 0.9): the vLLM v1 logger ported under `aphrodite:`
 * (reference/engines.md §1.2-1.3; its own test expects `aphrodite:prompt_tokens_total`,
 * `aphrodite:generation_tokens_total`, `aphrodite:request_success_total`,
 * `aphrodite:num_preemptions_total`). No real Aphrodite scrape exists among the
 * fixtures, so HELP texts and buckets are vLLM's, which the port keeps.
 */
import type { FlavorSpec } from './types.js';
import { v1Conventions, v1Families } from './vllm-v1.js';

export const APHRODITE: FlavorSpec = {
  flavor: 'aphrodite',
  defaultModel: 'Qwen/Qwen2.5-0.5B-Instruct',
  defaultPort: 2242,
  defaultMaxModelLen: 8192,
  ...v1Conventions(),
  families: (maxModelLen) => v1Families('aphrodite:', maxModelLen, { recomputed: false }),
  modelsOwnedBy: 'aphrodite',
};
