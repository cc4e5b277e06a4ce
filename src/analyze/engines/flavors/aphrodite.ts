/**
 * @module analyze/engines/flavors/aphrodite
 * Aphrodite Engine: v1 (≥ 0.9, labels `model_name`, `engine`) is vLLM's v1
 * metric set under `aphrodite:`; v0 (0.6.x, label `model_name`) has
 * `gpu_cache_usage_perc` and `time_per_output_token_seconds` and no queue-time
 * histogram, all covered by the vLLM table's fallbacks (reference/engines.md §1).
 */
import type { FlavorMapping } from '../mapping.js';
import { vllmFamilyMapping } from './vllm.js';

export const APHRODITE_PREFIX = 'aphrodite:';

export const APHRODITE: FlavorMapping = vllmFamilyMapping('aphrodite', APHRODITE_PREFIX);
