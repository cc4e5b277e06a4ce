/**
 * @module analyze/rules/quantity
 * A value with its unit, the way a sentence says it: "86 %", "780 ms",
 * "2.4 s" (milliseconds past a second read better in seconds), "512 tokens/s";
 * and a rate of change in the unit that gives a readable figure ("1.3 %/h").
 */
import { num } from '../../core/humanize.js';

/** `v` in `unit` (Subject.unit: '%', 'ms', ' tokens/s', ''). */
export function quantity(v: number, unit: string): string {
  if (unit === 'ms' && Math.abs(v) >= 1000) return `${num(v / 1000)} s`;
  if (unit === '%') return `${num(v)} %`;
  if (unit === '' || unit.startsWith(' ')) return `${num(v)}${unit}`;
  return `${num(v)} ${unit}`;
}

const PER: readonly (readonly [seconds: number, name: string])[] = [
  [1, 's'],
  [60, 'min'],
  [3600, 'h'],
  [86400, 'd'],
];

/**
 * A slope in units per second said per second, minute, hour or day: the
 * smallest period over which it amounts to at least 1 (else per day).
 */
export function rate(perSecond: number, unit: string): string {
  const a = Math.abs(perSecond);
  let i = 0;
  while (i < PER.length - 1 && a * PER[i]![0] < 1) i++;
  const [s, name] = PER[i]!;
  const figure = num(perSecond * s);
  const u = unit === '' ? '' : unit.startsWith(' ') ? unit : unit === '%' ? ' %' : ` ${unit}`;
  return `${figure}${u}/${name}`;
}
