/**
 * @module cli/demoRules
 * Two per-engine rules the demo adds through `monitor.raiseCondition`, because
 * the seed's thresholds only see the fleet aggregate and have no KV-cache or
 * queue threshold: KV cache ≥ 90 % for 3 ticks in a row, and ≥ 100 requests
 * waiting. They fire and resolve through the monitor's own alert lifecycle
 * (handlers, echo.dash files, report), one tick after the condition is seen.
 */
import { AlertSeverity } from '../core/severity.js';
import type { Finding } from '../analyze/finding.js';
import type { EngineReading } from './demoView.js';

/** KV-cache usage, %, held for KV_TICKS ticks in a row. */
export const KV_LIMIT_PCT = 90;
export const KV_TICKS = 3;
/** Requests waiting; the alert clears below QUEUE_CLEAR (hysteresis against flapping). */
export const QUEUE_LIMIT = 100;
export const QUEUE_CLEAR = 80;

/** What the rules need of the monitor. */
interface ConditionSink {
  raiseCondition(key: string, c: Omit<Finding, 'key' | 'kind'>): void;
  clearCondition(key: string): void;
}

export class EngineRules {
  private readonly _kv = new Map<string, number[]>();
  private readonly _queueFiring = new Set<string>();

  constructor(private readonly _sink: ConditionSink) {}

  /** Evaluates both rules for one engine's reading of this tick. */
  evaluate(engine: string, r: EngineReading): void {
    this._kvRule(engine, r.kvPct);
    this._queueRule(engine, r.waiting);
  }

  private _kvRule(engine: string, kv: number | undefined): void {
    const key = `demo_kv:${engine}`;
    const recent = this._kv.get(engine) ?? [];
    // An engine that reports nothing has no KV reading: the condition cannot be said to hold.
    if (kv === undefined) recent.length = 0;
    else recent.push(kv);
    if (recent.length > KV_TICKS) recent.shift();
    this._kv.set(engine, recent);
    if (recent.length === KV_TICKS && recent.every((v) => v >= KV_LIMIT_PCT)) {
      this._sink.raiseCondition(key, {
        severity: AlertSeverity.WARNING,
        component: engine,
        metric: 'kv_cache_usage',
        value: kv!,
        threshold: KV_LIMIT_PCT,
        message: `KV cache of ${engine} at ${kv!.toFixed(1)}% for ${KV_TICKS} s (≥ ${KV_LIMIT_PCT}%): preemptions and queueing follow`,
        metadata: { rule: 'demo', ticks: KV_TICKS },
      });
    } else if (recent.length === 0 || recent.every((v) => v < KV_LIMIT_PCT)) {
      this._sink.clearCondition(key);
    }
  }

  private _queueRule(engine: string, waiting: number | undefined): void {
    const key = `demo_queue:${engine}`;
    if (waiting !== undefined && (waiting >= QUEUE_LIMIT || (this._queueFiring.has(engine) && waiting >= QUEUE_CLEAR))) {
      this._queueFiring.add(engine);
      this._sink.raiseCondition(key, {
        severity: AlertSeverity.WARNING,
        component: engine,
        metric: 'requests_waiting',
        value: waiting,
        threshold: QUEUE_LIMIT,
        message: `Queue building on ${engine}: ${Math.round(waiting)} requests waiting (≥ ${QUEUE_LIMIT})`,
        metadata: { rule: 'demo' },
      });
    } else {
      this._queueFiring.delete(engine);
      this._sink.clearCondition(key);
    }
  }
}
