/**
 * @module cli/demoSession
 * One run of `echo-perf demo`: the two simulated engines, the integrated system
 * watching them, the in-process component pushes, the listeners that print the
 * status line and every alert event, and the phases of demoPhases.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PerformanceAlert } from '../alert/alert.js';
import type { EchoPerfConfigInput } from '../config/index.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { activeRules } from '../analyze/rules/active.js';
import { IntegratedPerformanceSystem } from '../monitor/integrated.js';
import { formatAlertLine } from '../notify/console.js';
import { componentPayload, prng, type ComponentScenario, type SimComponent } from '../simulate/component.js';
import { startEngineSimulator, type EngineSimulator } from '../simulate/engine/index.js';
import { DEMO_PHASES, RESTART_DOWN_MS, UNTIL_MAX_S, demoSeconds, type DemoPhase } from './demoPhases.js';
import { DEMO_DEGRADATION, DEMO_FOR_S, DEMO_RULES, describeEngineRules } from './demoRules.js';
import { formatSummary, type DemoEvent, type PhaseRun } from './demoSummary.js';
import { clock, formatDemoStatus, readEngine, type EngineReading, type Terminal } from './demoView.js';
import { formatGpu, readGpu } from './demoGpu.js';
import { h200ReplayCollector, REPLAYED_GPU } from '../simulate/gpu/h200Replay.js';

const COMPONENTS: readonly SimComponent[] = ['dtesn', 'echo_self', 'embodied'];
/** Echo-Self's convergence curve starts at ~0.49 (below its 0.7 threshold): start the components converged. */
const FIRST_COMPONENT_STEP = 100;
/** The engines have been serving this long when the demo starts (model time, simulated instantly). */
const WARM_MS = 120_000;
/**
 * 20 s, not 10: over 10-s windows the simulated Poisson load alone moves an engine's
 * tokens/s by ±20 % (and its 10-sample trend by up to 35 %); over 20 s, by ±10 %.
 */
export const RATE_WINDOW_S = 20;
export interface DemoOptions {
  readonly phaseS: number;
  readonly intervalS: number;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted || ms <= 0) return done();
    const finish = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}

/** Polls `cond` every 250 ms for at most `maxMs`; resolves whether it held. */
async function waitUntil(cond: () => boolean, maxMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (!cond()) {
    if (signal.aborted || Date.now() >= deadline) return false;
    await sleep(250, signal);
  }
  return true;
}

function demoConfig(a: EngineSimulator, v: EngineSimulator, intervalS: number, statsDir: string): EchoPerfConfigInput {
  return {
    monitoring_interval: intervalS,
    engines: [
      { name: 'aphrodite', url: a.metricsUrl, flavor: 'aphrodite', interval: intervalS },
      { name: 'vllm', url: v.metricsUrl, flavor: 'vllm', interval: intervalS },
    ],
    rate_window: RATE_WINDOW_S,
    engine_stall_intervals: 5,
    degradation_detection: DEMO_DEGRADATION,
    // The default rules, with holds and two rules fitted to phases of tens of seconds (demoRules.ts).
    // A down target keeps firing DEMO_FOR_S after it is back (60 s by default), so the recovery fits the script.
    alerting: { default_for: DEMO_FOR_S, target_keep_firing_for: DEMO_FOR_S },
    rules: DEMO_RULES,
    server: { host: '127.0.0.1', port: 0 },
    echo_dash: { stats_dir: statsDir },
    // The host and its GPUs are not part of the script: every alert comes from the simulated stack,
    // and the GPU the screens show is a replayed H200 (registered as `gpu` in _wire).
    system: { enabled: false },
    gpu: { enabled: false },
    log_level: 'warn',
  };
}

export class DemoSession {
  private _phase = 0;
  private _components: ComponentScenario = 'healthy';
  private _step = FIRST_COMPONENT_STEP;
  private readonly _rnd = prng(7);
  private readonly _events: DemoEvent[] = [];
  private readonly _runs: PhaseRun[] = [];
  private readonly _t0 = Date.now();
  private readonly _system: IntegratedPerformanceSystem;

  private constructor(
    private readonly _o: DemoOptions,
    private readonly _term: Terminal,
    private readonly _sims: { aphrodite: EngineSimulator; vllm: EngineSimulator },
    private readonly _statsDir: string,
  ) {
    const warn = (m: string): void => _term.line(`⚠ ${m}`);
    const logger: Logger = { debug: () => {}, info: () => {}, warn, error: warn };
    this._system = new IntegratedPerformanceSystem({ config: demoConfig(_sims.aphrodite, _sims.vllm, _o.intervalS, _statsDir), consoleAlerts: false, logger });
    this._wire();
  }

  /** Starts the engines (warmed up) and the monitor; on failure stops what it started and rethrows. */
  static async start(o: DemoOptions, term: Terminal): Promise<DemoSession> {
    const sims: EngineSimulator[] = [];
    let session: DemoSession | undefined;
    try {
      const aphrodite = await startEngineSimulator({ flavor: 'aphrodite', port: 0, seed: 42 });
      sims.push(aphrodite);
      const vllm = await startEngineSimulator({ flavor: 'vllm', port: 0, seed: 43 });
      sims.push(vllm);
      await Promise.all(sims.map((s) => s.advance(WARM_MS)));
      session = new DemoSession(o, term, { aphrodite, vllm }, mkdtempSync(join(tmpdir(), 'echo-perf-demo-')));
      session._pushComponents();
      await session._system.start();
    } catch (e) {
      await (session !== undefined ? session.stop() : Promise.all(sims.map((s) => s.close())));
      throw e;
    }
    session._intro();
    return session;
  }

  /** Runs the phases in order until the end or `signal`. */
  async run(signal: AbortSignal): Promise<void> {
    for (; this._phase < DEMO_PHASES.length && !signal.aborted; this._phase++) {
      const ph = DEMO_PHASES[this._phase]!;
      const started = Date.now();
      await this._runPhase(ph, signal);
      this._runs.push({ name: ph.name, ranS: (Date.now() - started) / 1000 });
      if (this._phase === 0 && !signal.aborted) this._showRules();
    }
  }

  /** Stops the monitor (delivering queued alert events) and the engines. Idempotent. */
  async stop(): Promise<void> {
    this._term.clear();
    if (this._system.monitor.isMonitoring) await this._system.stop();
    await Promise.all([this._sims.aphrodite.close(), this._sims.vllm.close()]);
  }

  /** Prints the summary and writes the report; resolves the exit code. */
  finish(reportPath: string, interrupted: boolean): number {
    const m = this._system.monitor;
    for (const l of formatSummary(this._runs, this._events, m.firingAlerts(), interrupted)) this._term.line(l);
    try {
      this._system.exportPerformanceReport(reportPath);
    } catch (e) {
      this._term.line(`report: could not write ${reportPath}: ${describeError(e)}`);
      return 1;
    }
    this._term.line(`report: ${reportPath} (${m.metricsHistory.length} snapshots, ${m.alertsHistory.length} alerts)`);
    return 0;
  }

  private get _elapsed(): number {
    return Date.now() - this._t0;
  }

  private _wire(): void {
    const m = this._system.monitor;
    m.registerCollector('gpu', h200ReplayCollector());
    m.registerAlertHandler((a: PerformanceAlert) => {
      const atMs = this._elapsed;
      this._events.push({ phase: this._phase, atMs, alert: a });
      this._term.line(`[${clock(atMs)}] ${formatAlertLine(a)}  (${a.component}/${a.metric})`);
    });
    m.onTick((snap) => {
      this._pushComponents();
      const readings = (['aphrodite', 'vllm'] as const).map((n): [string, EngineReading] => [n, readEngine(m.store, n, snap.timestamp)]);
      const name = DEMO_PHASES[this._phase]?.name ?? 'done';
      const gpu = readGpu(m.store, snap.timestamp);
      this._term.status(formatDemoStatus(this._elapsed, name, readings, snap, m.firingAlerts().length, gpu === undefined ? undefined : formatGpu(gpu)), this._elapsed);
    });
  }

  /** One push per component per tick, as the components would do from their own processes. */
  private _pushComponents(): void {
    for (const c of COMPONENTS) {
      const r = this._system.monitor.acceptPush(c, JSON.stringify(componentPayload(c, this._step, this._components, this._rnd)), 'application/json');
      if (!r.ok) this._term.line(`⚠ push ${c} rejected: ${JSON.stringify(r.errors)}`);
    }
    this._step++;
  }

  private _intro(): void {
    const { aphrodite, vllm } = this._sims;
    const total = demoSeconds(this._o.phaseS);
    this._term.line(`echo-perf demo: ${DEMO_PHASES.length} phases of ≥ ${this._o.phaseS} s, each until its alert fired: ≥ ${clock(total * 1000)}. Ctrl-C stops early with the summary.`);
    this._term.line(`  engines   aphrodite ${aphrodite.metricsUrl} (scenario switched live) · vllm ${vllm.metricsUrl} (steady throughout)`);
    this._term.line(`  monitor   ${this._system.address?.url ?? '(not served)'}/metrics, every ${this._o.intervalS} s; rate window ${RATE_WINDOW_S} s; components dtesn, echo_self, embodied pushed in-process`);
    this._term.line(`  gpu       replayed ${REPLAYED_GPU} readings (driver 580, a bf16 matmul load held at its 700 W cap), not this machine's GPU; its alerts are off in the demo`);
    this._term.line(`  echo.dash ${this._statsDir}`);
  }

  private async _runPhase(ph: DemoPhase, signal: AbortSignal): Promise<void> {
    const seconds = ph.seconds(this._o.phaseS);
    const started = Date.now();
    this._term.line(`▶ phase ${this._phase + 1}/${DEMO_PHASES.length}: ${ph.name} — ${ph.what} (${ph.until === undefined ? '' : '≥ '}${seconds} s)`);
    this._term.line(`    expect: ${ph.expect}`);
    this._components = ph.components;
    if (ph.restart === true) await this._restartAphrodite(signal);
    if (this._sims.aphrodite.scenario !== ph.engine) this._sims.aphrodite.scenario = ph.engine;
    await sleep(seconds * 1000 - (Date.now() - started), signal);
    const until = ph.until;
    if (until === undefined) return;
    const maxS = ph.untilMaxS ?? UNTIL_MAX_S;
    const reached = await waitUntil(() => until(this._system.monitor.firingAlerts()), maxS * 1000, signal);
    if (!reached && !signal.aborted) this._term.line(`    (not reached within ${maxS} s more: moving on)`);
  }

  /** Restarts the aphrodite process: closes it, waits RESTART_DOWN_MS, starts a cold one on the same port. */
  private async _restartAphrodite(signal: AbortSignal): Promise<void> {
    const old = this._sims.aphrodite;
    await old.close();
    await sleep(RESTART_DOWN_MS, signal);
    try {
      this._sims.aphrodite = await startEngineSimulator({ flavor: 'aphrodite', port: old.port, seed: 44 });
    } catch (e) {
      this._term.line(`⚠ aphrodite could not be restarted on port ${old.port}: ${describeError(e)}; it stays down`);
    }
  }

  /** After the baseline: what the per-engine rules watch, so that each alert that follows can be read against them. */
  private _showRules(): void {
    const m = this._system.monitor;
    this._term.line(`  rules in force (default rules; holds ${DEMO_FOR_S} s): ${describeEngineRules(activeRules(m.config, m.thresholds))}`);
  }
}
