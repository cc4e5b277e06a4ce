// Property-based bad input for the read API's query parameters: every parser
// given arbitrary query objects (strings, repeats, prototype-named keys) gives
// a value or an HttpError 400 naming the parameter with a bounded echo; nothing
// else is thrown and Object.prototype is untouched. Seeded (FC_SEED overrides).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HttpError } from '../server/index.js';
import { labelParams, metricParam, onlyParams, stepParam, timeParam, type RawQuery } from './apiParams.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16a9);
const RUN = { seed: SEED, interruptAfterTimeLimit: 4000, markInterruptAsFailure: false, numRuns: 400 } as const;
const NOW = 1_700_000_000_000;

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'now', '-1h', '-', '15s', '0', '0.0', '1e3', '2024-01-01T00:00:00Z', '9'.repeat(400), 'a=b', '__proto__=x', 'constructor=y', '=v', 'x'.repeat(5000)),
  fc.stringMatching(/^-?\d{1,14}(\.\d{1,10})?[smhdwy]?$/),
);
const value = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.array(text, { maxLength: 70 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, 1, {}) });
const name = fc.constantFrom('metric', 'label', 'start', 'end', 'step', '__proto__', 'constructor', 'polluted', 'x'.repeat(300));
const query: fc.Arbitrary<RawQuery> = fc.uniqueArray(fc.tuple(name, value), { maxLength: 5, selector: ([k]) => k }).map((pairs) => {
  const q: RawQuery = {};
  for (const [k, v] of pairs) Object.defineProperty(q, k, { value: v, enumerable: true, writable: true, configurable: true });
  return q;
});

function valueOr400(param: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof HttpError)) throw new Error(`not an HttpError: ${String(e)}`, { cause: e });
    assert.equal(e.statusCode, 400);
    assert.ok(e.message.includes(param), `names ${param}: ${e.message.slice(0, 200)}`);
    assert.match(e.message, /expected /);
    assert.ok(e.message.length <= 400, `${e.message.length} characters`);
  } finally {
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  }
}

describe('API query parameters: property-based bad input', () => {
  it('each parser: a value or a 400 naming its parameter', () => {
    fc.assert(
      fc.property(query, (q) => {
        valueOr400('metric', () => metricParam(q));
        valueOr400('label', () => labelParams(q));
        valueOr400('start', () => timeParam(q, 'start', NOW));
        valueOr400('end', () => timeParam(q, 'end', NOW));
        valueOr400('step', () => stepParam(q));
      }),
      RUN,
    );
  });

  it('labels: a prototype-free object of exactly the names given', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'job', 'a_b'), fc.string({ maxLength: 8 })), { maxLength: 6 }), (pairs) => {
        const list = pairs.map(([k, v]) => `${k}=${v}`);
        try {
          const out = labelParams({ label: list });
          assert.equal(Object.getPrototypeOf(out), null);
          for (const [k, v] of pairs) assert.equal(out[k as string], v);
          assert.deepEqual(Object.keys(out).sort(), [...new Set(pairs.map(([k]) => k))].sort());
        } catch (e) {
          assert.ok(e instanceof HttpError && /one value per label name/.test(e.message), String(e));
        }
      }),
      RUN,
    );
  });

  it('unknown parameters: a 400 naming the parameter (bounded) and the allowed ones', () => {
    fc.assert(
      fc.property(query, (q) => {
        try {
          onlyParams(q, ['metric', 'label']);
          assert.ok(Object.keys(q).every((k) => k === 'metric' || k === 'label'));
        } catch (e) {
          assert.ok(e instanceof HttpError && e.statusCode === 400, String(e));
          assert.match(e.message, /unknown parameter; expected metric, label$/);
          assert.ok(e.message.length <= 200);
        }
      }),
      RUN,
    );
  });
});
