/**
 * @module cli/rules
 * `echo-perf rules [--config FILE] [--json]`: the rule set a config gives (the
 * defaults and the config's rules, overrides applied), one line per rule, or
 * as JSON.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile, parseConfig } from '../config/index.js';
import { listRules, showHolds, showParams, type RuleListing } from '../analyze/rules/listing.js';
import { thresholdsFromConfig } from '../monitor/thresholdsFromConfig.js';
import { parseOrUsage, RULES_USAGE, shown, usageError } from './usage.js';

export function runRules(argv: readonly string[], out: (s: string) => void): number {
  const { values, positionals } = parseOrUsage(RULES_USAGE, () =>
    parseArgs({ args: [...argv], options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length > 0) throw usageError(`rules: got ${shown(positionals.join(' '))}; expected no arguments besides --config and --json`, RULES_USAGE);
  // A bad config throws EchoPerfError (EP_ERR_CONFIG_*): main prints it and exits 2.
  const c = values.config !== undefined ? loadConfigFile(values.config) : parseConfig({});
  const rules = listRules(c, thresholdsFromConfig(c));
  if (values.json === true) {
    out(JSON.stringify(rules, null, 2) + '\n');
    return 0;
  }
  out(renderLines(rules));
  return 0;
}

/** One line per rule, columns aligned: name, kind, series, settings, holds, and what keeps it from running. */
export function renderLines(rules: readonly RuleListing[]): string {
  if (rules.length === 0) return 'no rules (default_rules is false and the config names none)\n';
  const w = (f: (r: RuleListing) => string): number => Math.min(48, Math.max(...rules.map((r) => f(r).length)));
  const nameW = w((r) => r.name);
  const kindW = w((r) => r.kind);
  const lines = rules.map((r) => {
    const tail = [showParams(r.params), showHolds(r), r.origin === 'config' ? 'from config' : '', r.state === 'active' ? '' : r.state === 'slo' ? 'SLO on engine histograms' : r.state];
    return [r.name.padEnd(nameW), r.kind.padEnd(kindW), r.series, ...tail.filter((s) => s !== '')].join('  ');
  });
  const active = rules.filter((r) => r.state === 'active' || r.state === 'slo').length;
  return `${lines.join('\n')}\n\n${active} of ${rules.length} rules active\n`;
}
