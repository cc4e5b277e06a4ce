// Property-based bad input for component payloads at unit level: arbitrary JSON
// (prototype-named keys, hierarchies and trees, timestamps in every unit) and
// arbitrary text through parseComponentPayload, readTimestamp and
// checkJsonBounds. Each gives samples or a bounded list of errors, each naming
// a field, a short echo of the value and what was expected; nothing throws and
// Object.prototype is untouched. Seeded (FC_SEED overrides); a failure prints
// the seed and path that replay it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { COMPONENT_SCHEMAS } from '../../core/components.js';
import { METRIC_NAME_RE } from '../../core/labels.js';
import { checkJsonBounds } from './jsonBounds.js';
import { EMPTY_FIELD, MAX_LISTED_ERRORS, parseComponentPayload, type PayloadLimits, type PayloadResult } from './payload.js';
import { readTimestamp } from './timestamps.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16c3);
const RUN = { seed: SEED, interruptAfterTimeLimit: 3000, markInterruptAsFailure: false, numRuns: 400 } as const;
const NOW = 1_700_000_000_000;
const WINDOW = { minMs: NOW - 3000, maxMs: NOW + 6000 };

const SPECIAL = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'polluted', 'timestamp', 'labels', 'membrane_hierarchy', 'membrane_tree', 'component'];
const schemaMetrics = [...COMPONENT_SCHEMAS.values()].flatMap((c) => c.metrics.map((m) => m.name));
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL, ...schemaMetrics) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(400), 'a-b', '', ' ', '__name__', '9lives') },
);
const leaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, 5e-324, NOW, NOW / 1000, NOW * 1000, NOW * 1e6, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('x'.repeat(5000), 'NaN', 'Infinity'),
  fc.boolean(),
  fc.constant(null),
);

/** Objects with own prototype-named keys, as JSON.parse makes them. */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map((pairs) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  }),
})).value;

const hierarchy = fc.oneof(
  fc.array(fc.nat({ max: 500 }), { maxLength: 45 }),
  fc.constant([1, 1, 2, 4, 9, 20, 48]),
  fc.array(fc.oneof(fc.double(), fc.string({ maxLength: 3 })), { maxLength: 5 }),
  fc.constant(Array.from({ length: 5000 }, () => 1)),
);
const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constant([]), fc.array(tie('node'), { maxLength: 4 }), tie('obj'), leaf),
  obj: fc.record({ children: fc.array(tie('node'), { maxLength: 4 }) }),
})).node;

/** A payload object: metrics, maybe labels, a timestamp, a hierarchy. */
const payloadObject = fc
  .record(
    {
      metrics: fc.array(fc.tuple(key, leaf), { maxLength: 12 }),
      labels: jsonValue,
      timestamp: leaf,
      membrane_hierarchy: hierarchy,
      membrane_tree: tree,
    },
    { requiredKeys: ['metrics'] },
  )
  .map(({ metrics, ...rest }) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of [...metrics, ...Object.entries(rest)]) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });

const component = fc.constantFrom(...COMPONENT_SCHEMAS.keys(), 'custom', '__proto__');
const limits: fc.Arbitrary<PayloadLimits> = fc.record(
  { maxSamples: fc.integer({ min: 1, max: 50 }), maxLabels: fc.integer({ min: 0, max: 8 }), window: fc.constant(WINDOW) },
  { requiredKeys: ['maxSamples', 'maxLabels'] },
);

/** Text bodies: exposition-like lines, garbage, huge lines. */
const textBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.oneof(
        fc.tuple(key, fc.oneof(fc.double().map(String), fc.constantFrom('NaN', '+Inf', '-Inf', '1e999', 'x')), fc.option(fc.constantFrom(String(NOW), String(NOW * 1000), '-1', '1e30'))).map(
          ([k, v, ts]) => `${k} ${v}${ts === null ? '' : ` ${ts}`}`,
        ),
        fc.tuple(key, key, fc.string({ maxLength: 8 })).map(([m, l, v]) => `${m}{${l}="${v.replace(/["\\\n]/g, '')}"} 1`),
        fc.constantFrom('# TYPE a counter', '# HELP a x', '# EOF', '', '\r', 'a{__proto__="x"} 1', `a${' 1'.repeat(3000)}`, `${'x'.repeat(300_000)} 1`),
      ),
      { maxLength: 60 },
    )
    .map((ls) => ls.join('\n')),
);

function assertBounded(r: PayloadResult, maxSamples: number): void {
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype is untouched');
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  if (r.ok) {
    assert.ok(r.samples.length >= 1 && r.samples.length <= maxSamples, `${r.samples.length} samples`);
    for (const s of r.samples) {
      assert.ok(Number.isFinite(s.v), `${s.name} = ${s.v}`);
      assert.ok(METRIC_NAME_RE.test(s.name), s.name.slice(0, 100));
      assert.equal(typeof s.labels['component'], 'string');
      assert.ok(Number.isFinite(s.t) && s.t > 0, `t = ${s.t}`);
    }
    return;
  }
  assert.ok(r.errors.length >= 1 && r.errors.length <= MAX_LISTED_ERRORS, `${r.errors.length} errors`);
  for (const e of r.errors) {
    assert.equal(typeof e.field, 'string');
    assert.ok(e.field.length >= 1 && e.field.length <= 110, `field of ${e.field.length} characters`);
    assert.ok(typeof e.expected === 'string' && e.expected.length >= 5 && e.expected.length <= 600, `expected: ${String(e.expected).slice(0, 100)}`);
    const echo = typeof e.value === 'string' ? e.value : JSON.stringify(e.value) ?? '';
    assert.ok(echo.length <= 110, `value echo of ${echo.length} characters`);
  }
}

describe('component payloads: property-based bad input', () => {
  it('JSON bodies: samples or a bounded list of named errors', () => {
    fc.assert(
      fc.property(component, fc.oneof(payloadObject, jsonValue), limits, (c, body, l) => {
        assertBounded(parseComponentPayload(c, JSON.stringify(body) ?? 'undefined', 'application/json', NOW, l), l.maxSamples);
      }),
      RUN,
    );
  });

  it('arbitrary text as JSON or as Prometheus text: samples or a bounded list of named errors', () => {
    fc.assert(
      fc.property(component, textBody, fc.constantFrom('application/json', 'text/plain; version=0.0.4', 'application/openmetrics-text; version=1.0.0', 'TEXT/PLAIN'), limits, (c, body, ct, l) => {
        assertBounded(parseComponentPayload(c, body, ct, NOW, l), l.maxSamples);
      }),
      RUN,
    );
  });

  it('an empty key is named as one, not as an empty field', () => {
    const r = parseComponentPayload('c', '{"": 1, "labels": {"": "x"}}', 'application/json', NOW, { maxSamples: 5 });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors.map((e) => e.field), ['labels.', EMPTY_FIELD]);
  });

  it('readTimestamp: a time in the window or a rejection saying what was expected', () => {
    fc.assert(
      fc.property(fc.oneof(leaf, jsonValue), fc.option(fc.constant(WINDOW), { nil: undefined }), (raw, w) => {
        const r = readTimestamp(raw, w);
        if (r.ok) {
          assert.ok(Number.isFinite(r.ms) && r.ms > 0);
          if (w !== undefined) assert.ok(r.ms >= w.minMs && r.ms <= w.maxMs);
        } else {
          assert.ok(['bad_timestamp', 'too_far_ahead', 'too_old'].includes(r.reason));
          assert.ok(r.expected.length > 10 && r.expected.length < 300, r.expected);
        }
      }),
      RUN,
    );
  });

  it('checkJsonBounds: no body deeper or wider than its bounds passes; none within them is refused', () => {
    const bounds = fc.record({ maxDepth: fc.integer({ min: 1, max: 6 }), maxObjectMembers: fc.integer({ min: 1, max: 6 }), maxValues: fc.integer({ min: 1, max: 400 }) });
    fc.assert(
      fc.property(jsonValue, bounds, (v, b) => {
        const text = JSON.stringify(v) ?? 'null';
        const shape = measure(v);
        const problem = checkJsonBounds(text, b);
        if (shape.depth > b.maxDepth || shape.members > b.maxObjectMembers || shape.values > b.maxValues) assert.notEqual(problem, undefined, `${text.slice(0, 200)} passed`);
        else if (shape.depth <= b.maxDepth && shape.members <= b.maxObjectMembers && shape.values <= b.maxValues) {
          assert.equal(problem, undefined, `${text.slice(0, 200)} refused: ${problem?.found}`);
        }
        if (problem !== undefined) assert.ok(problem.field.length <= 100 && problem.found.length < 200 && problem.expected.length < 200);
      }),
      RUN,
    );
  });

  it('checkJsonBounds on arbitrary text never throws and stays linear', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('"'.repeat(10_000), '\\'.repeat(10_000) + '"', '['.repeat(100_000), '{"a":'.repeat(20_000))), (text) => {
        const p = checkJsonBounds(text, { maxDepth: 82, maxObjectMembers: 100, maxValues: 30_000 });
        if (p !== undefined) assert.ok(['depth', 'members', 'values'].includes(p.limit));
      }),
      RUN,
    );
  });
});

/**
 * Depth, widest object and values as the scan counts them: each array or object
 * opened, and each separator between elements or members (so an element after
 * the first counts once, a container counts once).
 */
function measure(v: unknown, depth = 1): { depth: number; members: number; values: number } {
  if (v === null || typeof v !== 'object') return { depth: depth - 1, members: 0, values: 0 };
  const items = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
  const out = { depth, members: Array.isArray(v) ? 0 : items.length, values: 1 + Math.max(0, items.length - 1) };
  for (const x of items) {
    const m = measure(x, depth + 1);
    out.depth = Math.max(out.depth, m.depth);
    out.members = Math.max(out.members, m.members);
    out.values += m.values;
  }
  return out;
}
