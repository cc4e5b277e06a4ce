/**
 * @module simulate/engine/flavors
 * The page description of every simulated engine, by flavor.
 */
import { APHRODITE } from './aphrodite.js';
import { LLAMACPP } from './llamacpp.js';
import { SGLANG } from './sglang.js';
import { TGI } from './tgi.js';
import type { Flavor, FlavorSpec } from './types.js';
import { VLLM } from './vllm.js';

export const FLAVOR_SPECS: Readonly<Record<Flavor, FlavorSpec>> = {
  aphrodite: APHRODITE,
  vllm: VLLM,
  sglang: SGLANG,
  tgi: TGI,
  llamacpp: LLAMACPP,
};

export type { EngineView, FamilySpec, Flavor, FlavorSpec } from './types.js';
export { FLAVORS } from './types.js';
