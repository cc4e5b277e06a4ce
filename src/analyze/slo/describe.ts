/**
 * @module analyze/slo/describe
 * How an SLO is named in sentences and labels: "TTFT ≤ 500 ms and TPOT ≤ 100 ms",
 * windows as Prometheus writes durations ("5m", "1h", "3d").
 */
import { num } from '../../core/humanize.js';
import type { Criterion } from './counts.js';

const WORD: Readonly<Record<Criterion['kind'], string>> = { ttft: 'TTFT', tpot: 'TPOT', latency: 'latency', errors: 'error-free' };

/** "TTFT ≤ 500 ms and error-free" */
export function describeCriteria(criteria: readonly Criterion[]): string {
  return criteria.map((c) => (c.targetMs === undefined ? WORD[c.kind] : `${WORD[c.kind]} ≤ ${num(c.targetMs)} ms`)).join(' and ');
}

/** The default name of an SLO rule: `slo:ttft_500ms:errors`. */
export function defaultSloName(criteria: readonly Criterion[]): string {
  return ['slo', ...criteria.map((c) => (c.targetMs === undefined ? c.kind : `${c.kind}_${num(c.targetMs)}ms`))].join(':');
}

const UNITS: readonly (readonly [ms: number, unit: string])[] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];

/** A window as a PromQL duration: 300 000 → "5m", 5 400 000 → "90m" (one unit, the largest that divides it). */
export function promDuration(ms: number): string {
  for (const [size, unit] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms)}ms`;
}
