/**
 * @module simulate/engine/request
 * One request's life: drawn from the workload at arrival, and observed into
 * the per-request histograms when it finishes (as vLLM v1 does, at finish).
 */
import type { EngineConfig } from './engine-config.js';
import type { Prng } from '../prng.js';
import type { Workload } from './scenarios.js';
import type { EngineStats } from './stats.js';

export interface Request {
  readonly arrival: number;
  readonly prompt: number;
  readonly output: number;
  readonly maxTokens: number;
  readonly reason: 'stop' | 'length';
  readonly cached: number;
  admittedAt: number;
  /** When this admission round may start computing (seconds). */
  readyAt: number;
  firstTokenAt: number;
  /** Time of the last token (decode continues after it). */
  decodeFrom: number;
  prefillLeft: number;
  generated: number;
  kvTokens: number;
}

/** A new request arriving at `t` seconds under workload `w`. */
export function drawRequest(rng: Prng, cfg: EngineConfig, t: number, w: Workload): Request {
  const { scale, maxModelLen, blockSize } = cfg;
  const prompt = Math.min(maxModelLen - 1, Math.max(1, Math.round(rng.lognormal(w.promptMean * scale, w.promptSigma))));
  const maxTokens = Math.max(1, Math.min(Math.round(w.maxTokens * scale), maxModelLen - prompt));
  const want = Math.max(1, Math.round(rng.exp(w.outputMean * scale)));
  const shared = rng.next() < cfg.prefixShare;
  const cached = shared ? Math.min(Math.floor((cfg.prefixTokens * scale) / blockSize), Math.floor((prompt - 1) / blockSize)) * blockSize : 0;
  return {
    arrival: t,
    prompt,
    output: Math.min(want, maxTokens),
    maxTokens,
    reason: want >= maxTokens ? 'length' : 'stop',
    cached,
    admittedAt: Number.NaN,
    readyAt: t,
    firstTokenAt: Number.NaN,
    decodeFrom: Number.NaN,
    prefillLeft: prompt - cached,
    generated: 0,
    kvTokens: 0,
  };
}

/** Records a request that emitted its last token at `end` seconds. */
export function observeFinished(st: EngineStats, rng: Prng, r: Request, end: number): void {
  st.add(r.reason === 'length' ? 'successLength' : 'successStop', 1);
  const queue = r.admittedAt - r.arrival;
  const inference = end - r.admittedAt;
  const decode = end - r.firstTokenAt;
  // TGI times validation before queueing; the other engines start the clock at arrival.
  const validation = 0.0004 + rng.exp(0.0003);
  st.observe('validation', validation);
  st.observe('e2e', end - r.arrival);
  st.observe('requestDuration', end - r.arrival + validation);
  st.observe('queue', queue);
  st.observe('ttft', r.firstTokenAt - r.arrival);
  st.observe('inference', inference);
  st.observe('prefill', r.firstTokenAt - r.admittedAt);
  st.observe('decode', decode);
  if (r.generated > 1) st.observe('tpot', decode / (r.generated - 1));
  st.observe('meanTimePerToken', inference / r.generated);
  st.observe('promptTokens', r.prompt);
  st.observe('generationTokens', r.generated);
  st.observe('maxTokens', r.maxTokens);
  st.observe('paramsN', 1);
  st.observe('prefillComputedTokens', r.prompt - r.cached);
}
