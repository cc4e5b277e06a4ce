import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelTerms, MAX_TREE_NODES } from '../../core/a000081.js';
import { previewValue } from '../../core/preview.js';
import { HIERARCHY_EXPECTED, TREE_EXPECTED } from './hierarchy.js';
import { EMPTY_FIELD, fromJson, MAX_LISTED_ERRORS, MAX_SERIES_CHARS, parseComponentPayload, type PayloadLimits, type PayloadResult } from './payload.js';

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

const small = { maxSamples: 3 };
const pushJson = (body: string, l: PayloadLimits = small, component = 'c'): PayloadResult => parseComponentPayload(component, body, 'application/json', NOW, l);
const pushText = (body: string, l: PayloadLimits = small): PayloadResult => parseComponentPayload('c', body, 'text/plain; version=0.0.4', NOW, l);

test('a JSON body that is not an object, or not JSON, is refused as a whole: one (body) error and nothing else in the result', () => {
  for (const body of ['null', '[1,2]', '5', '"m"', 'true']) {
    const r = pushJson(body);
    assert.deepEqual(r, { ok: false, errors: [{ field: '(body)', value: previewValue(JSON.parse(body)), expected: 'a JSON object {"metric": number, ...}' }] }, body);
  }
  const bad = pushJson('{"m": 1,');
  assert.equal(bad.ok, false);
  assert.deepEqual(
    errorsOf(bad).map((e) => [e.field, e.value]),
    [['(body)', '{"m": 1,']],
  );
  assert.match(errorsOf(bad)[0]!.expected, /^valid JSON: /);
  assert.deepEqual(pushJson('{"m": 1}'), { ok: true, samples: [{ name: 'm', labels: { component: 'c' }, t: NOW, v: 1 }] });
});

test('max_samples_per_collector in JSON: exactly the limit is taken, one more is refused naming the count; keys past it by more than the reserved ones are refused before the hierarchy is read', () => {
  const three = { a: 1, b: 2, c: 3, timestamp: NOW, labels: { host: 'h' } };
  const ok = fromJson('c', three, NOW, small);
  assert.ok(ok.ok);
  assert.equal(ok.samples.length, 3);
  // timestamp and labels are not metrics; the body may hold maxSamples + 2 hierarchy keys + those two.
  const sevenKeys = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 };
  assert.deepEqual(fromJson('c', sevenKeys, NOW, small), {
    ok: false,
    errors: [{ field: '(body)', value: '7 metrics', expected: 'at most 3 metrics (config max_samples_per_collector)' }],
  });
  assert.deepEqual(fromJson('c', { ...sevenKeys, h: 8 }, NOW, small), {
    ok: false,
    errors: [{ field: '(body)', value: '8 keys', expected: 'at most 3 metrics (config max_samples_per_collector)' }],
  });
  assert.deepEqual(errorsOf(fromJson('c', { a: 1, b: 2, c: 3, d: 4 }, NOW, small))[0]!.value, '4 metrics');
});

test('the series-identity budget in JSON is inclusive: names plus 24 + (name + value + 4) per label, times the metrics', () => {
  // One metric with labels {a: "b"}: its name plus 24 + (1 + 1 + 4) characters.
  const name = (n: number) => 'm' + 'x'.repeat(n - 1);
  const at = name(MAX_SERIES_CHARS - 30);
  assert.ok(pushJson(JSON.stringify({ [at]: 1, labels: { a: 'b' } })).ok);
  const over = pushJson(JSON.stringify({ [at + 'x']: 1, labels: { a: 'b' } }));
  assert.deepEqual(
    errorsOf(over).map((e) => [e.field, e.value]),
    [['(body)', `${MAX_SERIES_CHARS + 1} characters of metric names and labels`]],
  );
  // Without labels the component label alone costs 24.
  assert.ok(pushJson(JSON.stringify({ [name(MAX_SERIES_CHARS - 24)]: 1 })).ok);
  assert.equal(pushJson(JSON.stringify({ [name(MAX_SERIES_CHARS - 23)]: 1 })).ok, false);
  // Two metrics: each pays for the labels.
  const half = MAX_SERIES_CHARS / 2 - 30;
  assert.ok(pushJson(JSON.stringify({ [name(half)]: 1, [name(half - 1) + 'y']: 2, labels: { a: 'b' } })).ok);
  assert.equal(pushJson(JSON.stringify({ [name(half + 1)]: 1, [name(half - 1) + 'y']: 2, labels: { a: 'b' } })).ok, false);
});

test('a JSON body without metrics is refused once; a body whose only field is bad gets only that field named', () => {
  for (const body of [{}, { labels: { a: 'b' } }, { timestamp: NOW }]) {
    assert.deepEqual(errorsOf(json('c', body)), [{ field: '(body)', value: previewValue(body), expected: 'at least one metric' }]);
  }
  assert.deepEqual(
    errorsOf(json('c', { timestamp: 'x' })).map((e) => [e.field, e.value]),
    [['timestamp', 'x']],
  );
  assert.deepEqual(
    errorsOf(json('c', { labels: 'x' })).map((e) => e.field),
    ['labels'],
  );
});

test('JSON metric names and values: a bad name is refused even with a number, a non-finite or non-number value is refused, declared ranges are held', () => {
  assert.deepEqual(errorsOf(json('c', { 'bad-name': 1, ok: 2 })), [{ field: 'bad-name', value: 1, expected: 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*' }]);
  assert.deepEqual(errorsOf(json('c', { '': 1 })), [{ field: EMPTY_FIELD, value: 1, expected: 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*' }]);
  // 1e999 is valid JSON text and parses to Infinity.
  assert.deepEqual(errorsOf(pushJson('{"m": 1e999, "n": "1", "o": true, "p": null}', { maxSamples: 4 })), [
    { field: 'm', value: Infinity, expected: 'a finite number' },
    { field: 'n', value: '1', expected: 'a finite number' },
    { field: 'o', value: true, expected: 'a finite number' },
    { field: 'p', value: null, expected: 'a finite number' },
  ]);
  assert.deepEqual(errorsOf(json('dtesn', { membrane_level: 1001 })), [{ field: 'membrane_level', value: 1001, expected: 'a value in [0, 1000] levels' }]);
  assert.ok(json('dtesn', { membrane_level: 1000 }).ok);
});

test('JSON labels: an object of valid names to strings; a non-object, "component", a name starting "__" or a non-string value is refused naming the label', () => {
  for (const l of [null, 'x', ['a'], 5]) {
    assert.deepEqual(errorsOf(json('c', { m: 1, labels: l })), [{ field: 'labels', value: previewValue(l), expected: 'an object of label name to string value' }], JSON.stringify(l));
  }
  const expected = 'a label name matching [a-zA-Z_][a-zA-Z0-9_]* (not "component", not starting "__")';
  assert.deepEqual(errorsOf(json('c', { m: 1, labels: { component: 'x', __a: 'y', 'a-b': 'z', n: 1 } })), [
    { field: 'labels.component', value: 'x', expected },
    { field: 'labels.__a', value: 'y', expected },
    { field: 'labels.a-b', value: 'z', expected },
    { field: 'labels.n', value: 1, expected: 'a string' },
  ]);
  const ok = json('c', { m: 1, labels: { a__: 'x', _b: 'y' } });
  assert.deepEqual(ok.ok && ok.samples[0]!.labels, { a__: 'x', _b: 'y', component: 'c' });
  const two = { maxSamples: 3, maxLabels: 2 };
  assert.ok(pushJson(JSON.stringify({ m: 1, labels: { a: '1', b: '2' } }), two).ok);
  assert.deepEqual(errorsOf(pushJson(JSON.stringify({ m: 1, labels: { a: '1', b: '2', c: '3' } }), two)), [{ field: 'labels', value: '3 labels', expected: 'at most 2 labels' }]);
  assert.ok(json('c', { m: 1, labels: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`l${i}`, 'v'])) }).ok, '32 labels by default');
});

test('the error count is listed plus omitted: 40 bad fields are 20 listed and 20 omitted, still a refusal', () => {
  const bad = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x']));
  const r = fromJson('c', bad, NOW, { maxSamples: 100 });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.errors.length, MAX_LISTED_ERRORS);
  assert.equal(!r.ok && r.omittedErrors, 20);
  const one = fromJson('c', { k: 'x' }, NOW, { maxSamples: 100 });
  assert.deepEqual(one, { ok: false, errors: [{ field: 'k', value: 'x', expected: 'a finite number' }] }, 'no omittedErrors or timestampRejected when there are none');
});

test('the JSON scan bounds a body to what a full payload can use: maxSamples metrics less the 3 the hierarchy adds, labels, 39 levels and a 10,000-node tree pass', () => {
  const metrics = Object.fromEntries(Array.from({ length: 97 }, (_, i) => [`m${i}`, i]));
  const labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`l${i}`, 'v']));
  // A root of 9,999 leaves, every node as {children: [...]}: the form that costs the most values per node.
  const tree = { children: Array.from({ length: MAX_TREE_NODES - 1 }, () => ({ children: [] })) };
  const r = parseComponentPayload('dtesn', JSON.stringify({ ...metrics, labels, membrane_hierarchy: levelTerms(), membrane_tree: tree }), 'application/json', NOW, { maxSamples: 100 });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.samples.find((s) => s.name === 'membrane_count')!.v, levelTerms().reduce((a, b) => a + b, 0), 'the hierarchy wins over the tree');
  // A hierarchy array past the value bound is refused with the hierarchy's own expectation.
  const huge = errorsOf(parseComponentPayload('dtesn', JSON.stringify({ membrane_hierarchy: new Array(40_000).fill(0) }), 'application/json', NOW, { maxSamples: 100 }));
  assert.deepEqual(
    huge.map((e) => [e.field, e.expected]),
    [['membrane_hierarchy', HIERARCHY_EXPECTED]],
  );
  const hugeTree = errorsOf(parseComponentPayload('dtesn', JSON.stringify({ membrane_tree: new Array(40_000).fill(0) }), 'application/json', NOW, { maxSamples: 100 }));
  assert.deepEqual(
    hugeTree.map((e) => [e.field, e.expected]),
    [['membrane_tree', TREE_EXPECTED]],
  );
  const other = errorsOf(parseComponentPayload('dtesn', JSON.stringify({ m: new Array(40_000).fill(0) }), 'application/json', NOW, { maxSamples: 100 }));
  assert.match(other[0]!.expected, /^at most \d+ JSON values in a body$/);
});

test('Prometheus text sample lines are counted without comments, blank or whitespace-only lines and leading blanks: exactly max_samples lines pass, one more is refused unread', () => {
  const page = '# HELP a x\n# TYPE a gauge\n\n   \n\t\n  a 1\n\tb 2\nc 3\n';
  const ok = pushText(page);
  assert.ok(ok.ok);
  assert.deepEqual(
    ok.samples.map((s) => [s.name, s.t]),
    [
      ['a', NOW],
      ['b', NOW],
      ['c', NOW],
    ],
    'a sample without a timestamp takes the time of the push',
  );
  assert.deepEqual(pushText(page + 'd 4\n'), {
    ok: false,
    errors: [{ field: '(body)', value: 'more than 3 sample lines', expected: 'at most 3 samples (config max_samples_per_collector)' }],
  });
  assert.deepEqual(errorsOf(pushText('a 1\na 1\na 1\na 1')).map((e) => e.value), ['more than 3 sample lines'], 'repeated lines count; no final newline needed');
  assert.deepEqual(errorsOf(pushText('')), [{ field: '(body)', value: '', expected: 'at least one sample' }]);
  assert.deepEqual(errorsOf(pushText('# TYPE a gauge\n')), [{ field: '(body)', value: '# TYPE a gauge\n', expected: 'at least one sample' }]);
});

test('Prometheus text characters of sample lines are budgeted inclusively, leading blanks not counted', () => {
  // `m{a="…"} 1` of exactly MAX_SERIES_CHARS characters, after a comment and indented.
  const line = (n: number) => `m{a="${'v'.repeat(n - 9)}"} 1`;
  assert.equal(line(MAX_SERIES_CHARS).length, MAX_SERIES_CHARS);
  assert.ok(pushText(`# TYPE m gauge\n  ${line(MAX_SERIES_CHARS)}\n`).ok);
  assert.deepEqual(errorsOf(pushText(`# TYPE m gauge\n  ${line(MAX_SERIES_CHARS + 1)}\n`)).map((e) => [e.field, e.value]), [['(body)', `${MAX_SERIES_CHARS + 1} characters of sample lines`]]);
  const half = MAX_SERIES_CHARS / 2;
  assert.ok(pushText(`${line(half)}\n${line(half)}\n`).ok);
  assert.equal(pushText(`${line(half)}\n${line(half + 1)}\n`).ok, false);
});

test('Prometheus text values, labels and the component label: non-finite values and too many or reserved labels are refused naming the metric; a sample\'s own component label is kept as exported_component', () => {
  assert.deepEqual(errorsOf(pushText('m NaN\nn +Inf\no 1\n')), [
    { field: 'm', value: 'NaN', expected: 'a finite number' },
    { field: 'n', value: 'Infinity', expected: 'a finite number' },
  ]);
  const two = { maxSamples: 3, maxLabels: 2 };
  assert.ok(pushText('m{a="1",b="2"} 1\n', two).ok);
  assert.deepEqual(errorsOf(pushText('m{a="1",b="2",c="3"} 1\n', two)), [{ field: 'm', value: '3 labels', expected: 'at most 2 labels, none starting "__"' }]);
  assert.deepEqual(errorsOf(pushText('m{__x="1"} 1\n')), [{ field: 'm', value: '__x', expected: 'at most 32 labels, none starting "__"' }]);
  const ok = pushText('m{x__="1"} 1\n');
  assert.deepEqual(ok.ok && ok.samples[0]!.labels, { x__: '1', component: 'c' });
  const clash = pushText('m{component="x",a="b"} 1\n');
  assert.deepEqual(clash.ok && clash.samples[0]!.labels, { a: 'b', exported_component: 'x', component: 'c' });
  const plain = pushText('m{a="b"} 1\n');
  assert.ok(plain.ok);
  assert.deepEqual(Object.keys(plain.samples[0]!.labels), ['a', 'component'], 'no exported_component without a clash');
  const unparsable = errorsOf(pushText('m{a="b" 1\n'));
  assert.deepEqual(unparsable.map((e) => [e.field, e.value]), [['(body)', 'm{a="b" 1\n']]);
  assert.match(unparsable[0]!.expected, /^Prometheus text: /);
});
