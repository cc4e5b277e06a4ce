/**
 * @module analyze/engines/stall
 * The stalled-engine rule, over the unified series (per-engine, not
 * per-index): an engine is stalled when, at every sample of the window, either
 * requests wait while none run (the scheduler stopped admitting work), or
 * requests run while no token is generated (the model stopped making
 * progress). Both are failures no threshold on a single metric catches:
 * waiting alone is load, 0 tokens/s alone is idleness.
 */
import { AlertSeverity } from '../../core/severity.js';
import type { SeriesReader } from '../../store/series.js';
import type { Finding } from '../finding.js';
import { ENGINE_INDEX_LABEL, ENGINE_LABEL, UnifiedMetric } from './metrics.js';

export const ENGINE_STALLED = 'engine_stalled';

/** Samples (unified-metric evaluations) the condition must hold at, at least. */
export const MIN_STALL_SAMPLES = 2;

type Reason = 'waiting_none_running' | 'running_no_tokens';

/**
 * One CRITICAL `engine_stalled` finding per stalled engine. `windowMs` is
 * stallIntervals × interval: the condition must hold at every unified sample
 * in [at − windowMs, at], and there must be at least MIN_STALL_SAMPLES of them.
 * Models of one engine are summed per timestamp. A timestamp where a needed
 * metric is missing is not a stalled one.
 * @example evaluateEngineStalls(store, [{ name: 'vllm-a' }], now, 3 * 15_000)
 */
export function evaluateEngineStalls(read: SeriesReader, engines: Iterable<{ name: string }>, at: number, windowMs: number): Finding[] {
  const out: Finding[] = [];
  for (const { name } of engines) {
    const from = at - windowMs;
    const running = sumByTime(read, UnifiedMetric.REQUESTS_RUNNING, name, from, at);
    const waiting = sumByTime(read, UnifiedMetric.REQUESTS_WAITING, name, from, at);
    const tokens = sumByTime(read, UnifiedMetric.TOKEN_THROUGHPUT, name, from, at);
    const times = [...new Set([...running.keys(), ...waiting.keys()])].sort((a, b) => a - b);
    if (times.length < MIN_STALL_SAMPLES) continue;
    const reasons = times.map((t) => stallReason(running.get(t), waiting.get(t), tokens.get(t)));
    if (reasons.some((r) => r === undefined)) continue;

    const last = times[times.length - 1]!;
    const reason = reasons[reasons.length - 1]!;
    const forS = (last - times[0]!) / 1000;
    const nRunning = running.get(last) ?? 0;
    const nWaiting = waiting.get(last) ?? 0;
    const message =
      reason === 'waiting_none_running'
        ? `Engine ${name} stalled: ${fmt(nWaiting)} requests waiting, none running for ${fmt(forS)}s`
        : `Engine ${name} stalled: ${fmt(nRunning)} requests running but 0 tokens/s for ${fmt(forS)}s`;
    out.push({
      key: `${ENGINE_STALLED}:${name}`,
      kind: 'engine',
      severity: AlertSeverity.CRITICAL,
      component: name,
      metric: ENGINE_STALLED,
      value: reason === 'waiting_none_running' ? nWaiting : nRunning,
      threshold: 0,
      message,
      metadata: { engine: name, reason, requestsRunning: nRunning, requestsWaiting: nWaiting, tokenThroughput: tokens.get(last), durationS: forS },
    });
  }
  return out;
}

function stallReason(running: number | undefined, waiting: number | undefined, tokens: number | undefined): Reason | undefined {
  if (running === 0 && waiting !== undefined && waiting > 0) return 'waiting_none_running';
  if (running !== undefined && running > 0 && tokens === 0) return 'running_no_tokens';
  return undefined;
}

/** The engine's per-engine samples of `metric` in [from, to], summed over models per timestamp. */
function sumByTime(read: SeriesReader, metric: string, engine: string, from: number, to: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of read.range(metric, { [ENGINE_LABEL]: engine }, from, to)) {
    if (s.labels[ENGINE_INDEX_LABEL] !== undefined) continue;
    out.set(s.t, (out.get(s.t) ?? 0) + s.v);
  }
  return out;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
