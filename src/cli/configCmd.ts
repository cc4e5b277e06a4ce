/** @module cli/configCmd  `echo-perf config check FILE` and `echo-perf config schema`. */
import { EchoPerfError } from '../core/errors.js';
import { configJsonSchema, loadConfigFile } from '../config/index.js';

export function runConfigCheck(file: string, out: (s: string) => void, err: (s: string) => void): number {
  try {
    const c = loadConfigFile(file);
    out(`${file}: OK (monitoring_interval ${c.monitoring_interval}s, max_metrics_history ${c.max_metrics_history})\n`);
    return 0;
  } catch (e) {
    if (e instanceof EchoPerfError) {
      err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export function runConfigSchema(out: (s: string) => void): number {
  out(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  return 0;
}
