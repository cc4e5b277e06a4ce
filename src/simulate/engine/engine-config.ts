/**
 * @module simulate/engine/engine-config
 * The fixed shape of one simulated engine rank: slots, KV blocks, speeds.
 */

/** The engine's fixed shape (per rank). Token sizes are already scaled. */
export interface EngineConfig {
  /** Workload scale: token sizes × scale, arrival rates ÷ scale (1 for an 8192-token model). */
  readonly scale: number;
  readonly maxModelLen: number;
  readonly blockSize: number;
  readonly numBlocks: number;
  /** max_num_seqs: running slots. */
  readonly maxRunning: number;
  readonly maxWaiting: number;
  readonly prefillTokensPerSec: number;
  /** Per-sequence decode speed with an empty batch. */
  readonly decodeTokensPerSec: number;
  /** The decode period grows by this × running/maxRunning (bigger batches, slower steps). */
  readonly batchSlowdown: number;
  /** Share of arrivals rejected by validation before they reach the engine. */
  readonly invalidFraction: number;
  /** Share of requests that start with a cached system prompt, and its length. */
  readonly prefixShare: number;
  readonly prefixTokens: number;
  /** Model parameters, for the FLOP / byte estimates. */
  readonly params: number;
}

/** The shape used unless a flavor says otherwise (scaled by `scale`). */
export function engineConfig(maxModelLen: number): EngineConfig {
  const scale = Math.min(1, maxModelLen / 8192);
  // 32768 KV tokens at scale 1; small models keep roughly the same number of blocks per request.
  const blockSize = Math.max(1, Math.round(16 * scale));
  return {
    scale,
    maxModelLen,
    blockSize,
    numBlocks: Math.max(64, Math.round((32_768 * scale) / blockSize)),
    maxRunning: 128,
    maxWaiting: 4096,
    prefillTokensPerSec: 16_000,
    decodeTokensPerSec: 50,
    batchSlowdown: 0.5,
    invalidFraction: 0.02,
    prefixShare: 0.6,
    prefixTokens: 128,
    params: 0.5e9,
  };
}

