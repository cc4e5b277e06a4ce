// Shared helpers for this folder's tests (named *.test.ts so it stays out of
// the build; it declares no tests itself): promqltest's `load` notation, an
// evaluator for `fn(x[range])` with 2.42's closed range, and a float compare.
import assert from 'node:assert/strict';
import { selectRange, type Point } from './point.js';

/**
 * Expands promqltest `load <step>` values into points at 0, step, 2·step, …:
 * `a+bxN` / `a-bxN` are N+1 samples, `vxN` is `v+0xN`, `_` skips a step,
 * `Inf`, `-Inf` and `NaN` as Prometheus spells them.
 * @example load(5 * 60_000, '0+10x2') // (0m, 0) (5m, 10) (10m, 20)
 */
export function load(stepMs: number, values: string): Point[] {
  const out: Point[] = [];
  let i = 0;
  for (const tok of values.trim().split(/\s+/)) {
    const m = /^([^+x]+?)(?:([+-])([^x]+))?x(\d+)$/.exec(tok);
    if (tok === '_') i++;
    else if (m) {
      const step = m[3] === undefined ? 0 : num(m[3]) * (m[2] === '-' ? -1 : 1);
      for (let k = 0; k <= Number(m[4]); k++) out.push({ t: i++ * stepMs, v: num(m[1]!) + step * k });
    } else out.push({ t: i++ * stepMs, v: num(tok) });
  }
  return out;
}

function num(s: string): number {
  if (/^[+-]?inf$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`bad promqltest value ${s}`);
  return v;
}

/** `fn(x[rangeMs])` evaluated at `atMs`, the range closed as in 2.42. */
export function at<R>(points: readonly Point[], atMs: number, rangeMs: number, fn: (p: Point[], startMs: number, endMs: number) => R): R {
  return fn(selectRange(points, atMs - rangeMs, atMs), atMs - rangeMs, atMs);
}

/** Equal within 1e-12 relative (promqltest allows 1e-6), or the same ±Inf/NaN. */
export function close(actual: number | undefined, expected: number, msg = ''): void {
  assert.ok(actual !== undefined, `${msg} expected ${expected}, got undefined`);
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${msg} expected NaN, got ${actual}`);
    return;
  }
  const ok = actual === expected || Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  assert.ok(ok, `${msg} expected ${expected}, got ${actual}`);
}
