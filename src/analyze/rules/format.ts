/** @module analyze/rules/format  A value with its unit, the way rule messages say it: "97.2 %", "1001 ms", "48 tokens/s". */
import { num } from '../../core/humanize.js';

export function withUnit(v: number, unit: string): string {
  if (unit === '') return num(v);
  return unit.startsWith(' ') ? `${num(v)}${unit}` : `${num(v)} ${unit}`;
}
