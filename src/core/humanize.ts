/**
 * @module core/humanize
 * Numbers and durations the way alert messages say them: "22 %", "3 min 12 s",
 * "0.0123", "1.23e+6", never "99.50000001".
 */

/** Three significant digits, no trailing zeros, integers as they are (up to 1e6). */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6 || (a > 0 && a < 1e-3)) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(3)));
}

/** A ratio as a percentage: 0.2234 → "22.3 %". */
export function pct(ratio: number): string {
  return `${num(ratio * 100)} %`;
}

const STEPS: readonly (readonly [ms: number, unit: string])[] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** "3 min 12 s", "2 h 5 min", "4 d 3 h", "850 ms": the two largest units, rounded to the smaller. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  for (let i = 0; i < STEPS.length; i++) {
    const [size, unit] = STEPS[i]!;
    if (ms < size) continue;
    const next = STEPS[i + 1];
    if (next === undefined) {
      const r = Math.round(ms / size);
      const up = STEPS[i - 1];
      return up !== undefined && r * size >= up[0] ? `1 ${up[1]}` : `${r} ${unit}`;
    }
    let whole = Math.floor(ms / size);
    let rest = Math.round((ms - whole * size) / next[0]);
    if (rest * next[0] >= size) {
      whole++;
      rest = 0;
    }
    return rest === 0 ? `${whole} ${unit}` : `${whole} ${unit} ${rest} ${next[1]}`;
  }
  return `${Math.round(ms)} ms`;
}
