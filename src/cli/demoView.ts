/**
 * @module cli/demoView
 * What `echo-perf demo` reads back from the monitor each tick (per-engine
 * unified metrics from the store), the compact status line it prints, and the
 * terminal it prints to.
 */
import type { Sample } from '../core/types.js';
import type { PerformanceMetrics } from '../core/snapshot.js';

/** The per-engine figures of one tick; a field the engine did not report this tick is undefined. */
export interface EngineReading {
  tokens: number | undefined;
  p95Ms: number | undefined;
  kvPct: number | undefined;
  running: number | undefined;
  waiting: number | undefined;
  /** requests/s that met the TTFT and TPOT targets */
  goodput: number | undefined;
  /** undefined where no GPU serves it (the simulated engines have none) */
  tokensPerJoule: number | undefined;
}

interface LatestReader {
  latest(name: string, match?: Readonly<Record<string, string>>): Sample[];
}

/**
 * Reads the unified metrics of `engine` derived at the tick `at` (per engine, not per
 * data-parallel index; summed over models, KV and p95 as the maximum). A series whose
 * newest sample is older than the tick is gone (engine down), so it reads undefined.
 */
export function readEngine(store: LatestReader, engine: string, at: number): EngineReading {
  const get = (name: string, combine: 'sum' | 'max'): number | undefined => {
    let v: number | undefined;
    for (const s of store.latest(name, { engine })) {
      if (s.labels['engine_index'] !== undefined || s.t < at) continue;
      v = v === undefined ? s.v : combine === 'sum' ? v + s.v : Math.max(v, s.v);
    }
    return v;
  };
  return {
    tokens: get('token_throughput', 'sum'),
    p95Ms: get('request_latency_ms_p95', 'max'),
    kvPct: get('kv_cache_usage', 'max'),
    running: get('requests_running', 'sum'),
    waiting: get('requests_waiting', 'sum'),
    goodput: get('goodput', 'sum'),
    tokensPerJoule: get('tokens_per_joule', 'sum'),
  };
}

const int = (v: number | undefined): string => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const secs = (ms: number | undefined): string => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)}s`);

/** `m:ss` since the start. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function formatEngine(name: string, r: EngineReading): string {
  if (r.tokens === undefined && r.running === undefined) return `${name} down`;
  const good = r.goodput === undefined ? '–' : r.goodput.toFixed(1);
  const perJoule = r.tokensPerJoule === undefined ? 'n/a' : r.tokensPerJoule.toPrecision(3);
  return `${name} ${int(r.tokens)} tok/s p95 ${secs(r.p95Ms)} kv ${int(r.kvPct)}% ${int(r.running)} run ${int(r.waiting)} wait goodput ${good} req/s ${perJoule} tok/J`;
}

/** The status line: time, phase, each engine, the fleet aggregate the seed thresholds see, alerts firing. */
export function formatDemoStatus(
  elapsedMs: number,
  phase: string,
  engines: readonly [string, EngineReading][],
  snap: PerformanceMetrics,
  firing: number,
  gpu?: string,
): string {
  const parts = [`${clock(elapsedMs)} ${phase}`, ...engines.map(([n, r]) => formatEngine(n, r)), `fleet ${int(snap.tokenThroughput)} tok/s`];
  if (gpu !== undefined) parts.push(gpu);
  parts.push(firing === 0 ? 'no alert firing' : `${firing} firing`);
  return parts.join(' │ ');
}

/** Prints whole lines, and the status line: rewritten in place on a terminal, one line every 5 s otherwise. */
export class Terminal {
  private _shown = false;
  private _lastPlainMs = -Infinity;
  constructor(
    private readonly _out: (s: string) => void,
    private readonly _tty: boolean,
    private readonly _columns: number,
  ) {}

  line(s: string): void {
    this.clear();
    this._out(s + '\n');
  }

  status(s: string, elapsedMs: number): void {
    if (this._tty) {
      // Cut to the width: a wrapped line cannot be rewritten with \r.
      this._out('\r\x1b[2K' + [...s].slice(0, Math.max(20, this._columns - 1)).join(''));
      this._shown = true;
    } else if (elapsedMs - this._lastPlainMs >= 5000) {
      this._lastPlainMs = elapsedMs;
      this._out(s + '\n');
    }
  }

  clear(): void {
    if (this._shown) this._out('\r\x1b[2K');
    this._shown = false;
  }
}
