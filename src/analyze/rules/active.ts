/** @module analyze/rules/active  The active rule set of a config: the defaults (when `default_rules`) and the config's rules. */
import type { EchoPerfConfig } from '../../config/index.js';
import type { PerformanceThresholds } from '../thresholds.js';
import { defaultRules } from './defaults.js';
import { resolveRules, type ResolvedRule } from './resolve.js';

export function activeRules(c: Readonly<EchoPerfConfig>, t: PerformanceThresholds): ResolvedRule[] {
  return resolveRules(c.default_rules ? defaultRules(t, c) : [], c.rules);
}
