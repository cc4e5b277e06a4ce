/**
 * @module monitor/ruleState
 * What the rules learnt (baselines) kept in the data dir's `state` table,
 * namespace `rules`: saved at most once per storage flush and only when it
 * changed, taken back at open before the first tick, so a restart does not
 * start every baseline's warm-up again.
 */
import type { Logger } from '../core/logger.js';
import type { RuleEngine } from '../analyze/rules/engine.js';
import type { MonitorStorage } from './storage.js';

export const RULES_NAMESPACE = 'rules';
/** The state table's key limit (store/disk/options.ts): a longer finding key is not saved. */
const MAX_KEY = 512;

export class RuleStateSaver {
  private _lastAt = -Infinity;
  private _last = '';
  private _version = 0;

  constructor(
    private readonly _rules: RuleEngine,
    private readonly _storage: MonitorStorage | undefined,
    private readonly _everyMs: number,
  ) {}

  /** Saves the rules' state when a flush period passed since the last save (or `force`) and it changed. */
  maybeSave(at: number, force = false): void {
    const s = this._storage;
    if (s === undefined || !s.open || (!force && at - this._lastAt < this._everyMs)) return;
    this._lastAt = at;
    const entries = this._rules.saveState().filter(([k]) => k.length <= MAX_KEY);
    const text = entries.join('\n');
    if (text === this._last) return;
    this._last = text;
    s.saveState(RULES_NAMESPACE, ++this._version, () => entries);
  }

  /** Takes back what the last run saved; problems (a hostile or outdated row) are logged, a few at most. */
  restore(entries: unknown, logger: Logger): number {
    const r = this._rules.restoreState(entries);
    for (const p of r.problems.slice(0, 5)) logger.warn(`saved rule state not restored: ${p}`);
    return r.restored;
  }
}
