/**
 * @module simulate/engine/simulation
 * The engines of one simulated server, stepped in fixed steps of model time.
 * Model time follows the clock: every step boundary the clock has passed is
 * simulated before a page is rendered, so a scrape always sees the present,
 * and the same seed gives the same pages however often they are read.
 */
import { engineConfig, type EngineConfig } from './engine-config.js';
import type { EngineView, FamilySpec } from './flavors/types.js';
import { EngineModel } from './model.js';
import type { ResolvedOptions } from './options.js';
import { Prng } from '../prng.js';
import { familyNames, histogramBindings, renderPage } from './render.js';
import { phaseAt, type HttpMode, type Phase, type ScenarioName } from './scenarios.js';
import { EngineStats, type HistogramBinding } from './stats.js';

/** Catching up further than this simulates only its last part (a suspended laptop does not cost hours of CPU). */
const MAX_CATCH_UP_MS = 10 * 60_000;

/** One rank's numbers, as `state()` reports them. */
export interface EngineRankState {
  readonly engine: number;
  readonly running: number;
  readonly waiting: number;
  /** 0..1. */
  readonly kvUsage: number;
  /** Generation tokens/s over the last second. */
  readonly tokenRate: number;
  readonly generationTokens: number;
  readonly promptTokens: number;
  readonly preemptions: number;
  readonly finished: number;
}

export interface EngineSimState {
  readonly scenario: ScenarioName;
  /** Model time, ms since the epoch (the clock's time, plus any `advance` lead). */
  readonly time: number;
  /** What the HTTP server does now: `ok`, `unavailable` (503) or `dropped` (connection closed). */
  readonly http: HttpMode;
  /** Times the simulated process restarted (engine-restart). */
  readonly restarts: number;
  readonly running: number;
  readonly waiting: number;
  /** Highest KV usage of any rank, 0..1. */
  readonly kvUsage: number;
  readonly tokenRate: number;
  readonly generationTokens: number;
  readonly preemptions: number;
  readonly engines: readonly EngineRankState[];
}

export class Simulation {
  private readonly families: readonly FamilySpec[];
  private readonly bindings: readonly HistogramBinding[];
  private readonly cfg: EngineConfig;
  private readonly rngs: Prng[];
  private views: EngineView[] = [];
  /** Model time of the next step, ms. */
  private t: number;
  private scenarioStart: number;
  private current: ScenarioName;
  private down = false;
  private restartCount = 0;
  /** How far `advance` has moved model time ahead of a clock that cannot be advanced. */
  lead = 0;

  constructor(private readonly o: ResolvedOptions) {
    this.families = o.spec.families(o.maxModelLen);
    this.bindings = histogramBindings(this.families);
    this.cfg = engineConfig(o.maxModelLen);
    this.rngs = Array.from({ length: o.engines }, (_, i) => new Prng((o.seed + Math.imul(i, 0x9e3779b1)) >>> 0));
    this.t = o.clock.now();
    this.scenarioStart = this.t;
    this.current = o.scenario;
    this.startProcess();
  }

  get scenario(): ScenarioName {
    return this.current;
  }

  /** Switches live: steps up to now under the old scenario, then the new one starts its own timeline. */
  set scenario(s: ScenarioName) {
    this.catchUp();
    this.current = s;
    this.scenarioStart = this.t;
    this.syncProcess();
  }

  get familyNames(): string[] {
    return familyNames(this.o.spec, this.families);
  }

  /** Simulates every step boundary up to the clock's time (plus the lead). */
  catchUp(): void {
    const target = this.o.clock.now() + this.lead;
    const step = this.o.stepMs;
    if (target - this.t > MAX_CATCH_UP_MS) this.t += Math.floor((target - this.t - MAX_CATCH_UP_MS) / step) * step;
    while (this.t + step <= target) this.stepOnce();
    this.syncProcess();
  }

  http(): HttpMode {
    return this.phase().http;
  }

  render(): string {
    return renderPage(this.o.spec, this.families, this.views);
  }

  /** Start of the simulated process, seconds since the epoch. */
  get startedAt(): number {
    return this.views[0]!.startedAt;
  }

  state(): EngineSimState {
    const engines = this.views.map((v): EngineRankState => {
      const c = v.stats.counters;
      return {
        engine: v.index,
        running: v.model.running.length,
        waiting: v.model.waiting.length,
        kvUsage: v.model.kvUsage,
        tokenRate: v.model.tokenRate,
        generationTokens: c.generationTokens,
        promptTokens: c.promptTokens,
        preemptions: c.preemptions,
        finished: c.successStop + c.successLength + c.successAbort,
      };
    });
    const total = (f: (e: EngineRankState) => number): number => engines.reduce((s, e) => s + f(e), 0);
    return {
      scenario: this.current,
      time: this.t,
      http: this.http(),
      restarts: this.restartCount,
      running: total((e) => e.running),
      waiting: total((e) => e.waiting),
      kvUsage: Math.max(...engines.map((e) => e.kvUsage)),
      tokenRate: total((e) => e.tokenRate),
      generationTokens: total((e) => e.generationTokens),
      preemptions: total((e) => e.preemptions),
      engines,
    };
  }

  private phase(): Phase {
    return phaseAt(this.current, (this.t - this.scenarioStart) / 1000);
  }

  /** Kills or revives the simulated process to match the phase at the current model time. */
  private syncProcess(): void {
    const down = this.phase().engine === 'down';
    if (down && !this.down) {
      // The process died: everything it counted is gone with it.
      this.down = true;
      this.startProcess();
    } else if (!down && this.down) {
      this.up();
    }
  }

  private stepOnce(): void {
    this.syncProcess();
    const phase = this.phase();
    const step = this.o.stepMs;
    for (const v of this.views) v.model.step(this.t / 1000, (this.t + step) / 1000, phase);
    this.t += step;
  }

  /** The process is back: new start time, counters from 0. */
  private up(): void {
    this.down = false;
    this.restartCount++;
    this.startProcess();
  }

  private startProcess(): void {
    const startedAt = this.t / 1000;
    this.views = this.rngs.map((rng, index) => {
      const stats = new EngineStats(this.bindings);
      const model = new EngineModel(this.cfg, stats, rng, this.o.stepMs / 1000);
      return { index, model, stats, cfg: this.cfg, modelName: this.o.model, startedAt };
    });
  }
}
