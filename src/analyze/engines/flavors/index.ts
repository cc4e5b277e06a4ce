/** @module analyze/engines/flavors  Every flavor's mapping table, by flavor. */
import type { EngineFlavor } from '../flavor.js';
import type { FlavorMapping } from '../mapping.js';
import { APHRODITE } from './aphrodite.js';
import { LLAMACPP } from './llamacpp.js';
import { SGLANG } from './sglang.js';
import { TGI } from './tgi.js';
import { VLLM } from './vllm.js';

export const FLAVOR_MAPPINGS: Readonly<Record<EngineFlavor, FlavorMapping>> = {
  aphrodite: APHRODITE,
  vllm: VLLM,
  sglang: SGLANG,
  tgi: TGI,
  llamacpp: LLAMACPP,
};
