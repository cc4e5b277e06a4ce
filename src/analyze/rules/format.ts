/** @module analyze/rules/format  A value with its unit, the way rule messages say it: "97.2 %", "1001 ms", "48 tokens/s". */
import { num } from '../../core/humanize.js';
import { THRESHOLD_RULES } from '../thresholds.js';

export function withUnit(v: number, unit: string): string {
  if (unit === '') return num(v);
  return unit.startsWith(' ') ? `${num(v)}${unit}` : `${num(v)} ${unit}`;
}

/**
 * What a sentence calls the seed's metrics ("CPU usage back to 62 % (≤ 85 %)"):
 * the seed threshold's title without its High/Low. Other metrics go by name.
 */
const TITLES: ReadonlyMap<string, string> = new Map(THRESHOLD_RULES.map((r) => [r.metric, r.title.replace(/^(High|Low) /, '')]));

export function titleOf(metric: string): string {
  const t = TITLES.get(metric);
  return t === undefined ? metric : t.charAt(0).toUpperCase() + t.slice(1);
}
