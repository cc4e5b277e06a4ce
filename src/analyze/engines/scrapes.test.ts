// Shared helpers for this folder's tests (named *.test.ts so it stays out of
// the build; it declares no tests itself): engine pages parsed with the real
// parser and written into a real SeriesStore as two (or more) scrapes 15 s
// apart, labelled as ScrapeTarget labels them, with counters, histograms and
// gauges changed by amounts the test chooses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seriesKey } from '../../core/labels.js';
import { parseExposition, type MetricFamily } from '../../core/exposition/index.js';
import type { Labels, MetricType, Sample } from '../../core/types.js';
import { SeriesStore } from '../../store/series.js';
import { deriveEngineMetrics, type EngineSource } from './derive.js';

export const FIXTURES = new URL('../../../test/fixtures/engines/', import.meta.url);
/** Scrape interval = derivation window: rate() over two samples at the window's edges is Δ / 15. */
export const STEP = 15_000;
export const T0 = 1_760_000_000_000;
export const AT = T0 + STEP;

export function fixture(file: string): string {
  return readFileSync(new URL(file, FIXTURES), 'utf8');
}

/** A change to one scraped value: returns the new value (or the old one when it does not apply). */
export type Edit = (name: string, labels: Readonly<Record<string, string>>, v: number) => number;

function matches(labels: Readonly<Record<string, string>>, where: Labels | undefined): boolean {
  if (where === undefined) return true;
  for (const k in where) if (labels[k] !== where[k]) return false;
  return true;
}

/** Adds `delta` to series `name` (those whose labels include `where`). */
export function add(name: string, delta: number, where?: Labels): Edit {
  return (n, l, v) => (n === name && matches(l, where) ? v + delta : v);
}

/** Sets series `name` to `value`. */
export function set(name: string, value: number, where?: Labels): Edit {
  return (n, l, v) => (n === name && matches(l, where) ? value : v);
}

/** Observes `values` into classic histogram `family`: its buckets with le >= v, `_count` and `_sum`. */
export function observe(family: string, values: readonly number[], where?: Labels): Edit {
  return (n, l, v) => {
    if (!matches(l, where)) return v;
    if (n === `${family}_count`) return v + values.length;
    if (n === `${family}_sum`) return v + values.reduce((a, b) => a + b, 0);
    if (n === `${family}_bucket`) {
      const le = l['le'] === '+Inf' ? Infinity : Number(l['le']);
      return v + values.filter((x) => x <= le).length;
    }
    return v;
  };
}

/** The samples of one scrape of `families` at `t`, edits applied, with ScrapeTarget's labels. */
export function scrape(families: readonly MetricFamily[], job: string, t: number, edits: readonly Edit[] = []): Sample[] {
  const target: Record<string, string> = { job, instance: `${job}:8000`, component: job };
  const out: Sample[] = [];
  for (const f of families) {
    for (const s of f.samples) {
      let v = s.value;
      for (const e of edits) v = e(s.name, s.labels, v);
      const labels: Record<string, string> = {};
      for (const k in s.labels) labels[k in target ? `exported_${k}` : k] = s.labels[k]!;
      Object.assign(labels, target);
      out.push({ name: s.name, labels, t, v });
    }
  }
  return out;
}

export function newStore(): SeriesStore {
  return new SeriesStore({ capacity: 16, maxSeries: 20_000 });
}

/** Family name → type, as a page's families in the store's latest collections hold it. */
export function familyTypes(families: readonly MetricFamily[]): Map<string, { type: MetricType }> {
  return new Map(families.map((f) => [f.name, { type: f.type }]));
}

/** One engine page (text or parsed) scraped at T0 as is and at AT with `edits`; the store and the engine's source. */
export function twoScrapes(page: string | readonly MetricFamily[], job: string, edits: readonly Edit[]): { store: SeriesStore; source: EngineSource } {
  const families = typeof page === 'string' ? parseExposition(page) : page;
  const store = newStore();
  store.append(scrape(families, job, T0));
  store.append(scrape(families, job, AT, edits));
  return { store, source: { name: job, families: familyTypes(families) } };
}

/** deriveEngineMetrics at AT over one STEP, keyed by `name{labels}`. */
export function derived(store: SeriesStore, source: EngineSource, at = AT, windowMs = STEP): Map<string, number> {
  return keyed(deriveEngineMetrics(store, [source], at, windowMs));
}

export function keyed(samples: readonly Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const key = seriesKey(s.name, s.labels);
    assert.ok(!out.has(key), `duplicate unified sample ${key}`);
    out.set(key, s.v);
  }
  return out;
}

/**
 * Equal within 1e-9 relative: the same figure up to float rounding. The pages'
 * running totals reach 1e6 (SGLang's latency `_sum`), and an increase taken
 * from them keeps only ~1e-11 of relative precision.
 */
export function close(actual: number | undefined, expected: number, msg = ''): void {
  assert.ok(actual !== undefined, `${msg} expected ${expected}, got undefined`);
  const ok = actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(ok, `${msg} expected ${expected}, got ${actual}`);
}

/**
 * Asserts the derived samples are exactly `expected` (keys `name{labels}` as
 * seriesKey writes them): nothing missing, nothing extra.
 */
export function expectExactly(actual: Map<string, number>, expected: Record<string, number>): void {
  assert.deepEqual([...actual.keys()].sort(), Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) close(actual.get(k), v, k);
}

/** `name{engine="…",model="…"}` keys for one engine and model. */
export function keysFor(engine: string, model: string | undefined, values: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const labels: Record<string, string> = { engine };
  if (model !== undefined) labels['model'] = model;
  for (const [name, v] of Object.entries(values)) out[seriesKey(name, labels)] = v;
  return out;
}

/** Histogram expectations: mean, p50, p95, p99 (ms). */
export function hist(name: string, mean: number, p50: number, p95: number, p99: number): Record<string, number> {
  return { [name]: mean, [`${name}_p50`]: p50, [`${name}_p95`]: p95, [`${name}_p99`]: p99 };
}

