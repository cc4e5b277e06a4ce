import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelTerms } from '../../core/a000081.js';
import { MAX_LISTED_ERRORS, parseComponentPayload, type PayloadResult } from './payload.js';

const NOW = 1_700_000_000_000;
const limits = { maxSamples: 100, window: { minMs: NOW - 3000, maxMs: NOW + 6000 } };
const json = (component: string, body: unknown): PayloadResult => parseComponentPayload(component, JSON.stringify(body), 'application/json', NOW, limits);
const text = (body: string): PayloadResult => parseComponentPayload('c', body, 'text/plain; version=0.0.4', NOW, limits);
const errorsOf = (r: PayloadResult) => (r.ok ? [] : r.errors);

test('a JSON timestamp outside the window is refused, naming timestamp, and counted per sample by reason', () => {
  const r = json('c', { a: 1, b: 2, timestamp: NOW / 1000 + 86_400 });
  assert.equal(r.ok, false);
  assert.deepEqual(
    errorsOf(r).map((e) => e.field),
    ['timestamp'],
  );
  assert.deepEqual(!r.ok && r.timestampRejected, { too_far_ahead: 2 });
  assert.ok(json('c', { a: 1, timestamp: NOW / 1000 + 5 }).ok);
  const ok = json('c', { a: 1, timestamp: NOW - 1000 });
  assert.equal(ok.ok && ok.samples[0]!.t, NOW - 1000);
});

test('Prometheus text sample timestamps are held to the same window; one error per reason', () => {
  const r = text(`a 1 ${NOW + 86_400_000}\nb 2 ${NOW + 86_400_000}\nc 3 ${NOW - 3_600_000}\nd 4 ${NOW}\n`);
  assert.equal(r.ok, false);
  assert.deepEqual(
    errorsOf(r).map((e) => [e.field, e.value]),
    [
      ['timestamp', NOW + 86_400_000],
      ['timestamp', NOW - 3_600_000],
    ],
  );
  assert.deepEqual(!r.ok && r.timestampRejected, { too_far_ahead: 2, too_old: 1 });
  const ok = text(`d 4 ${NOW - 1000}\n`);
  assert.equal(ok.ok && ok.samples[0]!.t, NOW - 1000);
});

test('__proto__ and constructor as metric or label names cannot reach a prototype', () => {
  const r = parseComponentPayload('c', '{"__proto__": 1, "constructor": 2, "labels": {"constructor": "x"}}', 'application/json', NOW, limits);
  assert.ok(r.ok);
  assert.deepEqual(
    r.samples.map((s) => s.name),
    ['__proto__', 'constructor'],
  );
  assert.equal(r.samples[0]!.labels['constructor'], 'x');
  assert.equal(Object.getPrototypeOf(r.samples[0]!.labels), Object.prototype);
  const bad = parseComponentPayload('c', '{"m": 1, "labels": {"__proto__": "x"}}', 'application/json', NOW, limits);
  assert.deepEqual(
    errorsOf(bad).map((e) => e.field),
    ['labels.__proto__'],
  );
  const t = text('m{__proto__="x"} 1\n');
  assert.equal(t.ok, false, 'label names starting __ are refused in text too');
  assert.equal(({} as Record<string, unknown>)['x'], undefined);
});

test('sizes are checked before the work they bound: keys, labels, sample lines, nesting', () => {
  const keys = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
  assert.match(errorsOf(json('c', keys))[0]!.expected, /at most 10[0-9] members|at most 100 metrics/);
  const labels = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${i}`, 'v']));
  assert.deepEqual(errorsOf(json('c', { m: 1, labels }))[0], { field: 'labels', value: '40 labels', expected: 'at most 32 labels' });
  assert.match(errorsOf(text('m 1\n'.repeat(101)))[0]!.expected, /at most 100 samples/);
  const deep = parseComponentPayload('c', '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}', 'application/json', NOW, limits);
  assert.deepEqual(errorsOf(deep)[0], { field: 'a', value: 'JSON nested deeper than 82', expected: 'JSON nested at most 82 deep' });
});

test('series identity is budgeted per push: many metrics sharing long labels, or long sample lines, are refused unread', () => {
  const limits2000 = { maxSamples: 2000 };
  const keys = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
  const labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`l${i}`, 'v'.repeat(400)]));
  const r = parseComponentPayload('c', JSON.stringify({ ...keys, labels }), 'application/json', NOW, limits2000);
  assert.equal(r.ok, false);
  assert.match(errorsOf(r)[0]!.expected, /at most 262144 \(each metric's name plus its labels/);
  assert.ok(parseComponentPayload('c', JSON.stringify({ ...keys, labels: { host: 'a' } }), 'application/json', NOW, limits2000).ok);
  const lines = Array.from({ length: 2000 }, (_, i) => `m${i}{a="${'v'.repeat(400)}"} ${i}`).join('\n');
  assert.match(errorsOf(parseComponentPayload('c', lines, 'text/plain', NOW, limits2000))[0]!.expected, /at most 262144 characters of sample lines/);
});

test('error lists are bounded and every echoed value is a short preview', () => {
  const bad = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k ${i}`, 'v'.repeat(1000)]));
  const r = json('c', bad);
  assert.ok(!r.ok);
  assert.equal(r.errors.length, MAX_LISTED_ERRORS);
  assert.equal(r.omittedErrors, 60 - MAX_LISTED_ERRORS);
  for (const e of r.errors) assert.ok(String(e.value).length <= 101);
  const long = errorsOf(json('c', { m: 'y'.repeat(200_000) }))[0]!;
  assert.equal(String(long.value).length, 101);
});

test('DTESN hierarchy: 39 exact levels are compliant; 40 levels, unsafe counts and big trees are refused naming the field and the limit', () => {
  const full = json('dtesn', { membrane_hierarchy: levelTerms() });
  assert.ok(full.ok);
  assert.equal(full.samples.find((s) => s.name === 'a000081_compliance')!.v, 1);
  for (const h of [[...levelTerms(), 1], new Array(10_000).fill(1), [], [1, -1], [1, 1.5], [1, 2 ** 60], 'x']) {
    const e = errorsOf(json('dtesn', { membrane_hierarchy: h }))[0]!;
    assert.equal(e.field, 'membrane_hierarchy');
    assert.match(e.expected, /at most 39 membrane counts per level/);
  }
  let deep: unknown[] = [];
  for (let i = 0; i < 2000; i++) deep = [deep];
  const tree = errorsOf(json('dtesn', { membrane_tree: deep }))[0]!;
  assert.equal(tree.field, 'membrane_tree');
  assert.match(tree.expected, /at most 39 levels deep with at most 10000 nodes/);
  let forty: unknown[] = [];
  for (let i = 0; i < 40; i++) forty = [forty];
  assert.match(errorsOf(json('dtesn', { membrane_tree: forty }))[0]!.expected, /deeper than 39 levels/);
  const wide = errorsOf(json('dtesn', { membrane_tree: new Array(12_000).fill([]) }))[0]!;
  assert.equal(wide.field, 'membrane_tree');
});

test('Prometheus text pushes of a declared component are range-checked like JSON ones, naming the metric, the value and the range', () => {
  const body = '# TYPE membrane_level gauge\nmembrane_level 1001\n# TYPE membrane_evolution_rate gauge\nmembrane_evolution_rate -3\n# TYPE p_system_transitions gauge\np_system_transitions 12\n';
  const r = parseComponentPayload('dtesn', body, 'text/plain; version=0.0.4', NOW, limits);
  assert.equal(r.ok, false);
  assert.deepEqual(
    errorsOf(r).map((e) => [e.field, e.value, e.expected]),
    [
      ['membrane_level', 1001, 'a value in [0, 1000] levels'],
      ['membrane_evolution_rate', -3, 'a value in [0, Infinity] evolutions/s'],
    ],
  );
  // The same values in range pass; a custom component has no declared ranges.
  assert.ok(parseComponentPayload('dtesn', 'membrane_level 1000\nmembrane_evolution_rate 0\n', 'text/plain', NOW, limits).ok);
  assert.ok(parseComponentPayload('c', 'membrane_level 1001\n', 'text/plain', NOW, limits).ok);
});
