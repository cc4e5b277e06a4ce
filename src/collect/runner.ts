/**
 * @module collect/runner
 * Runs every collector of a tick concurrently, each bounded by a timeout, and
 * contains whatever goes wrong: a collector that throws, hangs or returns
 * garbage changes only its own status and counters.
 */
import type { Clock, Timer } from '../core/clock.js';
import { describeError, TimeoutError } from '../core/errors.js';
import { seriesKey } from '../core/labels.js';
import type { Collector, CollectorFn, Sample } from '../core/types.js';
import { normalizeResult, type NormalizeLimits } from './normalize.js';
import { expandHierarchy } from './components/hierarchy.js';
import { checkRanges } from './components/validate.js';

/** What `componentCollectors` holds: the seed's plain function, or a built-in Collector. */
export type CollectorEntry = CollectorFn | Collector;

export type CollectorState = 'pending' | 'ok' | 'error' | 'timeout';

export interface CollectorStatus {
  status: CollectorState;
  /** Last error or timeout message; undefined after a clean run. */
  lastError: string | undefined;
  /** Wall milliseconds the last completed run took. */
  lastDurationMs: number | undefined;
  /** Clock time of the last run start. */
  lastRunAt: number | undefined;
  /** Clock time of the last run that produced samples without error. */
  lastSuccessAt: number | undefined;
  /** Samples accepted from the last run. */
  lastSamples: number;
  runsTotal: number;
  errorsTotal: number;
  timeoutsTotal: number;
  /** Ticks skipped because the previous call had not settled yet. */
  skippedTotal: number;
  /** Entries rejected as invalid (NaN, strings, nested objects, over the limit). */
  rejectedSamplesTotal: number;
}

export interface RunnerOptions {
  clock: Clock;
  /** Per-collector timeout in ms. */
  timeoutMs: number;
  limits: NormalizeLimits;
}

type Outcome = { kind: 'ok'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'stopped' };

interface InFlight {
  controller: AbortController;
  timer: Timer | undefined;
  /** Settles the call's outcome now (used by stop); the call itself stays in flight until it really settles. */
  settle: (o: Outcome) => void;
}

export class CollectorRunner {
  private readonly _status = new Map<string, CollectorStatus>();
  private readonly _inFlight = new Map<string, InFlight>();
  private _timeoutMs: number;

  constructor(private readonly _opts: RunnerOptions) {
    this._timeoutMs = _opts.timeoutMs;
  }

  set timeoutMs(ms: number) {
    this._timeoutMs = ms;
  }

  get timeoutMs(): number {
    return this._timeoutMs;
  }

  /** Status of each collector seen so far, by name. */
  statuses(): ReadonlyMap<string, Readonly<CollectorStatus>> {
    return this._status;
  }

  /** Drops the status of collectors no longer registered. */
  forget(names: Iterable<string>): void {
    for (const n of names) this._status.delete(n);
  }

  /**
   * Runs one tick; never rejects. Resolves with what each collector produced in
   * this tick, by name (an empty list for one that failed, timed out or was skipped).
   */
  async runTick(at: number, collectors: ReadonlyMap<string, CollectorEntry>): Promise<Map<string, Sample[]>> {
    const names: string[] = [];
    const runs: Promise<Sample[]>[] = [];
    for (const [name, entry] of collectors) {
      names.push(name);
      runs.push(this._runOne(name, entry, at));
    }
    for (const gone of [...this._status.keys()]) if (!collectors.has(gone)) this._status.delete(gone);
    const results = await Promise.all(runs);
    const out = new Map<string, Sample[]>();
    for (let i = 0; i < names.length; i++) out.set(names[i]!, results[i]!);
    return out;
  }

  /**
   * Aborts every collector still running, cancels their timers and settles
   * their pending runs at once, so a tick waiting on a collector that ignores
   * its abort signal ends now. Such a collector stays marked in flight until
   * its call really returns: it is not called again meanwhile, even after a
   * restart (calls would pile up without bound).
   */
  stop(): void {
    for (const f of this._inFlight.values()) {
      f.timer?.stop();
      f.controller.abort(new Error('monitor stopped'));
      f.settle({ kind: 'stopped' });
    }
  }

  /** Names of collectors whose call has not returned yet. */
  inFlight(): string[] {
    return [...this._inFlight.keys()];
  }

  /** Self-metrics in Prometheus naming (counters end in _total). */
  selfSamples(at: number): Sample[] {
    const out: Sample[] = [];
    for (const [collector, s] of this._status) {
      const l = { collector };
      out.push(
        { name: 'echo_perf_collector_up', labels: l, t: at, v: s.status === 'ok' ? 1 : 0 },
        { name: 'echo_perf_collector_runs_total', labels: l, t: at, v: s.runsTotal },
        { name: 'echo_perf_collector_errors_total', labels: l, t: at, v: s.errorsTotal },
        { name: 'echo_perf_collector_timeouts_total', labels: l, t: at, v: s.timeoutsTotal },
        { name: 'echo_perf_collector_skipped_total', labels: l, t: at, v: s.skippedTotal },
        { name: 'echo_perf_collector_rejected_samples_total', labels: l, t: at, v: s.rejectedSamplesTotal },
      );
      if (s.lastDurationMs !== undefined) {
        out.push({ name: 'echo_perf_collector_duration_seconds', labels: l, t: at, v: s.lastDurationMs / 1000 });
      }
    }
    return out;
  }

  private _statusOf(name: string): CollectorStatus {
    let s = this._status.get(name);
    if (s === undefined) {
      s = {
        status: 'pending',
        lastError: undefined,
        lastDurationMs: undefined,
        lastRunAt: undefined,
        lastSuccessAt: undefined,
        lastSamples: 0,
        runsTotal: 0,
        errorsTotal: 0,
        timeoutsTotal: 0,
        skippedTotal: 0,
        rejectedSamplesTotal: 0,
      };
      this._status.set(name, s);
    }
    return s;
  }

  private async _runOne(name: string, entry: CollectorEntry, at: number): Promise<Sample[]> {
    const st = this._statusOf(name);
    if (this._inFlight.has(name)) {
      // A hung call is not started again: calls would pile up without bound.
      st.skippedTotal++;
      st.status = 'timeout';
      st.lastError = 'still running since an earlier tick; this tick skipped';
      return [];
    }
    st.runsTotal++;
    st.lastRunAt = at;
    const started = performance.now();
    const outcome = await this._call(name, entry, at);
    st.lastDurationMs = performance.now() - started;
    if (outcome.kind === 'stopped') {
      st.status = 'timeout';
      st.lastError = 'aborted: the monitor stopped while it ran';
      st.lastSamples = 0;
      return [];
    }
    if (outcome.kind === 'timeout') {
      st.status = 'timeout';
      st.timeoutsTotal++;
      st.lastError = new TimeoutError(`collector "${name}"`, this._timeoutMs).message;
      st.lastSamples = 0;
      return [];
    }
    if (outcome.kind === 'error') {
      st.status = 'error';
      st.errorsTotal++;
      st.lastError = `threw: ${describeError(outcome.error)}`;
      st.lastSamples = 0;
      return [];
    }
    const expanded = expandHierarchy(name, typeof entry === 'function' ? outcome.value : toCollected(outcome.value));
    const n = normalizeResult(name, expanded.result, at, this._opts.limits);
    // A list may name one series twice; the first is kept, as a store keeps one sample per series and time.
    if (Array.isArray(expanded.result)) n.samples = uniqueSeries(n.samples);
    const ranged = checkRanges(n.samples);
    n.samples = ranged.kept;
    n.problems.unshift(...expanded.problems.map((p) => `"${p.field}": expected ${p.expected}, got ${JSON.stringify(p.value)?.slice(0, 60)}`), ...ranged.problems);
    n.rejected += expanded.problems.length + ranged.problems.length;
    st.lastSamples = n.samples.length;
    st.rejectedSamplesTotal += n.rejected;
    if (n.rejected > 0) {
      st.status = 'error';
      st.errorsTotal++;
      const more = n.rejected > n.problems.length ? `; and ${n.rejected - n.problems.length} more` : '';
      st.lastError = `rejected ${n.rejected} invalid entr${n.rejected === 1 ? 'y' : 'ies'}: ${n.problems.join('; ')}${more}`;
    } else {
      st.status = 'ok';
      st.lastError = undefined;
      st.lastSuccessAt = at;
    }
    return n.samples;
  }

  private _call(name: string, entry: CollectorEntry, at: number): Promise<Outcome> {
    const controller = new AbortController();
    const flight: InFlight = { controller, timer: undefined, settle: () => undefined };
    this._inFlight.set(name, flight);
    return new Promise<Outcome>((resolve) => {
      let done = false;
      const finish = (o: Outcome): void => {
        if (done) return;
        done = true;
        flight.timer?.stop();
        resolve(o);
      };
      flight.settle = finish;
      flight.timer = this._opts.clock.after(this._timeoutMs, () => {
        controller.abort(new TimeoutError(`collector "${name}"`, this._timeoutMs));
        finish({ kind: 'timeout' });
      });
      let p: Promise<unknown>;
      try {
        p = Promise.resolve(typeof entry === 'function' ? entry(controller.signal) : entry.collect(at, controller.signal));
      } catch (e) {
        p = Promise.reject(e instanceof Error ? e : new Error(describeError(e)));
      }
      p.then(
        (value) => finish({ kind: 'ok', value }),
        (error: unknown) => finish({ kind: 'error', error }),
      ).finally(() => {
        // The call is in flight until it really settles, even past its timeout.
        if (this._inFlight.get(name) === flight) this._inFlight.delete(name);
      });
    });
  }
}

/** Built-in collectors return Samples; they go through the same checks as user results. */
function toCollected(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((s: Sample) => {
    // The runner sets `component` to the collector's name; a built-in's own copy would clash.
    const { component: _c, ...labels } = s.labels;
    return { name: s.name, value: s.v, labels, timestamp: s.t };
  });
}

function uniqueSeries(samples: Sample[]): Sample[] {
  if (samples.length < 2) return samples;
  const seen = new Set<string>();
  const out: Sample[] = [];
  for (const s of samples) {
    const k = seriesKey(s.name, s.labels);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(s);
  }
  return out;
}
