/**
 * @module cli/replayAnalysis
 * What replay feeds: samples in time order in, alert events out, through the
 * same rule engine and alert lifecycle as the live monitor's tick
 * (monitor/unifiedMonitor.ts `_process`): the config's active rule set
 * (defaults + `rules`), evaluated at each distinct sample time, findings and
 * recoveries through the lifecycle, and each event told back to the rules
 * (a baseline freezes while its series alerts).
 */
import { AlertLifecycle } from '../alert/lifecycle.js';
import type { PerformanceAlert } from '../alert/alert.js';
import type { EchoPerfConfig } from '../config/index.js';
import type { Labels } from '../core/types.js';
import { activeRules } from '../analyze/rules/active.js';
import { RuleEngine } from '../analyze/rules/engine.js';
import { thresholdsFromConfig } from '../monitor/thresholdsFromConfig.js';

export interface Analysis {
  /** One sample; samples come in time order (equal times allowed). */
  observe(name: string, labels: Labels, t: number, v: number): void;
  /** Evaluates at `at` (ms) and returns the firing and resolved events since the last call. */
  events(at: number): PerformanceAlert[];
}

export class RuleReplayAnalysis implements Analysis {
  readonly rules: RuleEngine;
  private readonly _lifecycle: AlertLifecycle;

  constructor(config: Readonly<EchoPerfConfig>) {
    this.rules = new RuleEngine(activeRules(config, thresholdsFromConfig(config)));
    this._lifecycle = new AlertLifecycle({ repeatIntervalMs: config.alerting.repeat_interval * 1000 });
  }

  observe(name: string, labels: Labels, t: number, v: number): void {
    this.rules.observe(name, labels, t, v);
  }

  events(at: number): PerformanceAlert[] {
    const { findings, recoveries } = this.rules.findings(at);
    const events = this._lifecycle.apply(at, findings, recoveries);
    for (const e of events) this.rules.alerting(e.fingerprint, e.status === 'firing');
    return events;
  }
}
