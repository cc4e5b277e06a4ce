/**
 * @module analyze/slo
 * The LLM serving figures of one tick, after the unified engine metrics:
 * goodput and tokens per joule per engine (samples for the store and
 * /metrics), and the SLOs' burn-rate alerts, budgets and burn rates.
 */
import type { Sample } from '../../core/types.js';
import type { EchoPerfConfig } from '../../config/index.js';
import type { SeriesReader } from '../../store/series.js';
import type { EngineSource } from '../engines/derive.js';
import type { Finding, Recovery } from '../finding.js';
import type { Attribution, GpuTable } from '../gpu/index.js';
import { deriveEnergy, ENGINE_POWER, TOKENS_PER_JOULE } from './energy.js';
import { deriveGoodput, GOODPUT_METRIC, goodputTargets } from './goodput.js';
import { SloTracker, type SloStatus } from './tracker.js';

export { SloTracker, SLO_BURN_METRIC, SLO_SAMPLE, type SloStatus, type WindowFigures } from './tracker.js';
export { deriveGoodput, goodputTargets, DEFAULT_GOODPUT_TARGETS, GOODPUT_METRIC, type GoodputTargets } from './goodput.js';
export { deriveEnergy, TOKENS_PER_JOULE, ENGINE_POWER, type EnergyEngine } from './energy.js';

/** Per engine, the latest serving figures; absent where unknown. */
export interface EngineServing {
  /** requests/s that met the TTFT and TPOT targets, summed over models */
  goodput?: number;
  gpuPowerWatts?: number;
  tokensPerJoule?: number;
}

export interface ServingStatus {
  readonly slos: readonly SloStatus[];
  /** engine → figures; no prototype (engine names come from the config, still). */
  readonly engines: Readonly<Record<string, EngineServing>>;
}

export class LlmServing {
  readonly slo: SloTracker;
  private _engines: Record<string, EngineServing> = Object.create(null) as Record<string, EngineServing>;

  constructor(
    private readonly _c: Readonly<EchoPerfConfig>,
    private readonly _pidsOf: (engine: string) => readonly string[] | undefined = () => undefined,
  ) {
    this.slo = new SloTracker(_c.rules);
  }

  /**
   * Goodput, power and tokens per joule at `at` (after the unified metrics of
   * `at` are in the store), and the SLO alerts. `gpus`: the tick's GPU
   * attribution, where the pipeline already made it.
   */
  evaluate(
    at: number,
    read: SeriesReader,
    engines: readonly EngineSource[],
    windowMs: number,
    gpus?: { table: GpuTable; attribution: Attribution },
  ): { samples: Sample[]; findings: Finding[] } {
    const rules = this._c.rules;
    const samples = deriveGoodput(read, engines, at, windowMs, (e) => goodputTargets(rules, e));
    const live = new Set(engines.map((e) => e.name));
    samples.push(...deriveEnergy(read, this._c.engines.filter((e) => live.has(e.name)), at, windowMs, this._pidsOf, gpus));
    const findings = this.slo.evaluate(at, read, engines);
    samples.push(...this.slo.samples(at));
    this._engines = summarize(samples);
    return { samples, findings };
  }

  /** SLO alerts that stopped in the last evaluation, with their recovery sentence. */
  recoveries(): readonly Recovery[] {
    return this.slo.recoveries();
  }

  status(): ServingStatus {
    return { slos: this.slo.status(), engines: this._engines };
  }
}

function summarize(samples: readonly Sample[]): Record<string, EngineServing> {
  const out = Object.create(null) as Record<string, EngineServing>;
  for (const s of samples) {
    const engine = s.labels['engine'];
    if (engine === undefined) continue;
    const e = (out[engine] ??= {});
    if (s.name === GOODPUT_METRIC) e.goodput = (e.goodput ?? 0) + s.v;
    else if (s.name === ENGINE_POWER) e.gpuPowerWatts = s.v;
    else if (s.name === TOKENS_PER_JOULE) e.tokensPerJoule = s.v;
  }
  return out;
}
