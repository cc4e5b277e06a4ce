import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../errors.js';
import type { MetricType } from '../types.js';
import { formatExposition, parseExposition } from './index.js';
import type { Exemplar, ExpositionSample, MetricFamily } from './index.js';

const OM = 'application/openmetrics-text; version=1.0.0';
const TEXT = 'text/plain; version=0.0.4';

function violations(page: string): string[] {
  const seen: string[] = [];
  parseExposition(page, OM, { strict: false, onViolation: (m) => seen.push(m) });
  return seen;
}

/** [page without "# EOF", the one violation strict mode throws and lenient mode reports] */
const RULES: ReadonlyArray<readonly [string, string]> = [
  ['# TYPE a counter\na 1', 'line 2, column 1: sample "a" does not belong in counter family "a" (expected a_total or a_created)'],
  ['# TYPE a info\na 1', 'line 2, column 1: sample "a" does not belong in info family "a" (expected a_info)'],
  [
    '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum{le="1"} 1',
    'line 4, column 1: sample "h_sum" of histogram "h" has an "le" label, which only its _bucket samples may have',
  ],
  ['# TYPE s summary\ns_count{quantile="1"} 1', 'line 2, column 1: sample "s_count" of summary "s" has a "quantile" label, which only its quantile samples may have'],
  ['a{_x="1"} 1', 'line 1, column 1: label name "_x" of "a" starts with "_", which OpenMetrics reserves'],
  ['_a 1', 'line 1, column 1: metric family name "_a" starts with "_", which OpenMetrics reserves'],
  ['# TYPE c counter\nc_total 1 # {_t="x"} 1', 'line 2, column 1: exemplar label name "_t" of "c_total" starts with "_", which OpenMetrics reserves'],
  [
    '# TYPE h histogram\nh_bucket{le="1"} 1 # {t="x"} 1.5\nh_bucket{le="+Inf"} 1',
    `line 2, column 1: exemplar value 1.5 of "h_bucket" is above the bucket's le (1)`,
  ],
  ['# TYPE h histogram\nh_bucket{le="+Inf"} 1.5', `line 2, column 1: value of "h_bucket" is 1.5: a histogram's bucket must be an integer`],
  ['# TYPE s summary\ns_count 2.5\ns_sum 1', `line 2, column 1: value of "s_count" is 2.5: a summary's _count must be an integer`],
  ['# TYPE s stateset\ns{s="on"} 0.5', 'line 2, column 1: value of stateset sample "s" is 0.5: a state is 1 (true) or 0 (false)'],
  ['# TYPE s summary\ns{quantile="+Inf"} 1', 'line 2, column 1: expected a float from 0 to 1 as value of label "quantile" of "s", got "+Inf"'],
  ['# UNIT a_u u\n# TYPE a_u info', 'line 2, column 1: info metric family "a_u" has a unit (OpenMetrics info families have none)'],
  [
    '# TYPE h histogram\nh_bucket{le="+Inf"} 0\n# TYPE h_count gauge',
    'line 3, column 1: metric family "h_count" clashes with an earlier family over the sample name "h_count"',
  ],
  [
    '# TYPE c counter\nc_total 1\n# TYPE c_total gauge',
    'line 3, column 1: metric family "c_total" clashes with an earlier family over the sample name "c_total"',
  ],
  [
    '# TYPE a gauge\na{x="1"} 1\na{x="2"} 1\na{x="1"} 2',
    'line 4, column 1: sample "a" returns to a metric of "a" after another one (OpenMetrics metrics may not be interleaved)',
  ],
  ['a 1\na 2', 'line 2, column 1: sample "a" repeats a series of its metric without timestamps (more than one MetricPoint needs increasing timestamps)'],
  [
    '# TYPE h histogram\nh_bucket{le="1"} 1 5\nh_bucket{le="1"} 1 5',
    'line 3, column 1: bucket le="1" of "h_bucket" does not follow a smaller le (buckets are sorted by increasing le, each once)',
  ],
  [
    '# TYPE h histogram\nh_bucket{x="1",le="+Inf"} 1\nh_bucket{x="2",le="1"} 1',
    'line 3, column 1: histogram "h" has a MetricPoint without a bucket le="+Inf" as its last bucket',
  ],
];

describe('OpenMetrics rules beyond the suite', () => {
  for (const [page, message] of RULES) {
    it(message.replace(/^line \d+, column \d+: /, ''), () => {
      assert.throws(() => parseExposition(page + '\n# EOF\n', OM), (e: unknown) => {
        assert.ok(e instanceof EchoPerfError);
        assert.equal(e.code, 'EP_ERR_EXPOSITION_PARSE');
        assert.equal(e.message, message);
        return true;
      });
      // Lenient mode reports the same breach first (some pages break a second rule after it).
      assert.equal(violations(page + '\n# EOF\n')[0], message);
    });
  }

  it('accepts what the rules allow', () => {
    const pages = [
      'a 1 5\na 2 5', // equal timestamps: the suite's duplicate_timestamps
      '# TYPE s summary\ns{quantile="0.5"} NaN\ns_count 0\ns_sum 0', // a quantile with no events is NaN
      '# TYPE c counter\nc_total +Inf\nc_created 1',
      '# TYPE h histogram\nh_bucket{le="1"} 1 # {t="x"} 1\nh_bucket{le="+Inf"} 1 # {t="y"} 7 1.5\nh_count 1\nh_sum 1',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1 5\nh_bucket{le="+Inf"} 2 6', // one MetricPoint per timestamp
      `# TYPE c counter\nc_total 1 # {t="${'😀'.repeat(127)}"} 1`, // 128 code points in 255 UTF-16 units
      '# TYPE s stateset\ns{s="a"} 1\ns{s="b"} 0',
      '# TYPE i info\ni_info{v="1"} 1',
    ];
    for (const p of pages) assert.deepEqual(violations(p + '\n# EOF\n'), [], p);
  });

  it('leaves text 0.0.4 alone, in both modes', () => {
    const page = '# TYPE a counter\na -1\na 2\n_b{_x="1"} NaN\n';
    for (const strict of [true, false]) {
      assert.equal(parseExposition(page, TEXT, { strict }).length, 2);
      assert.throws(() => parseExposition('# TYPE h histogram\nh 1\n', TEXT, { strict }), /does not belong in histogram family/);
    }
  });

  it('tells apart metrics whose label sets hash alike, and still finds one that returns', () => {
    // x="v1079599" and x="v1262382" have the same 32-bit label-set hash (FNV-1a, found by search).
    const page = '# TYPE a gauge\na{x="v1079599"} 1\na{x="v1262382"} 2\na{x="v3"} 3\n';
    assert.deepEqual(violations(page + '# EOF\n'), []);
    assert.deepEqual(violations(page + 'a{x="v1079599"} 4\na{x="v1262382"} 5\n# EOF\n'), [
      'line 5, column 1: sample "a" returns to a metric of "a" after another one (OpenMetrics metrics may not be interleaved)',
      'line 6, column 1: sample "a" returns to a metric of "a" after another one (OpenMetrics metrics may not be interleaved)',
    ]);
  });

  it('wraps an exception thrown by onViolation', () => {
    const boom = new Error('boom');
    assert.throws(
      () =>
        parseExposition('a 1\na 2\n# EOF\n', OM, {
          strict: false,
          onViolation: () => {
            throw boom;
          },
        }),
      (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && e.message === 'parseExposition options.onViolation threw: boom' && e.cause === boom,
    );
  });

  it('reports violations with the right line on a long page, in linear time', () => {
    const n = 100_000;
    const page = '# TYPE a gauge\n' + 'a 1\n'.repeat(n) + '# EOF\n';
    const seen: string[] = [];
    const t0 = performance.now();
    parseExposition(page, OM, { strict: false, onViolation: (m) => seen.push(m) });
    const ms = performance.now() - t0;
    assert.equal(seen.length, n - 1);
    assert.match(seen[0]!, /^line 3, column 1: /);
    assert.match(seen.at(-1)!, new RegExp(`^line ${n + 1}, column 1: `));
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  });
});

// ---- Valid OpenMetrics families by construction: strict parsing gives them back, with no violation. ----

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const labelName = fc
  .oneof({ weight: 8, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,7}$/) }, { weight: 1, arbitrary: fc.constantFrom('constructor', 'toString') })
  .filter((n) => n !== 'le' && n !== 'quantile');
const labelValue = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('', '\\', '"', '\n', 'a\\"b', '\u00e9\ud83d\ude00'));
const labelSet = fc
  .uniqueArray(fc.tuple(labelName, labelValue), { maxLength: 3, selector: ([k]) => k })
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);
const labelSets = fc.uniqueArray(labelSet, { maxLength: 3, selector: (l) => JSON.stringify(Object.entries(l).sort()) });
const anyValue = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, 0.5));
const nonNegative = fc.oneof(fc.double({ min: 0, noNaN: true }), fc.nat());
const ts = fc.option(fc.integer({ min: -1e12, max: 4_102_444_800_000 }), { nil: undefined, freq: 3 });
const exemplarLabels = fc
  .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 20 })), { maxLength: 2, selector: ([k]) => k })
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

function sample(name: string, labels: Record<string, string>, value: number, timestamp?: number, exemplar?: Exemplar): ExpositionSample {
  const s: Record<string, unknown> = { name, labels, value };
  if (timestamp !== undefined) s.timestamp = timestamp;
  if (exemplar !== undefined) s.exemplar = exemplar;
  return s as unknown as ExpositionSample;
}

/** One Metric's samples for `type`, valid by construction. */
const metricArb = (type: MetricType, base: string) =>
  fc
    .record({
      t: ts,
      bounds: fc.uniqueArray(fc.double({ noNaN: true, noDefaultInfinity: true, min: type === 'histogram' ? 0 : -1e6, max: 1e6 }), {
        maxLength: 3,
        // -0 and 0 both print as le="0": one bucket, not two.
        comparator: 'SameValueZero',
      }),
      steps: fc.array(fc.nat({ max: 1000 }), { minLength: 4, maxLength: 4 }),
      value: anyValue,
      total: nonNegative,
      sum: nonNegative,
      quantiles: fc.uniqueArray(fc.constantFrom('0', '0.25', '0.5', '0.99', '1'), { maxLength: 3 }),
      states: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
      flags: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      ex: fc.option(
        fc.tuple(exemplarLabels, fc.double({ noNaN: true, min: -1e6, max: 1e6 })).map(([labels, value]): Exemplar => ({ labels, value })),
        { nil: undefined },
      ),
    })
    .map(({ t, bounds, steps, value, total, sum, quantiles, states, flags, ex }) => (labels: Record<string, string>) => {
      const out: ExpositionSample[] = [];
      const [withCreated, withSum, on] = flags as [boolean, boolean, boolean];
      switch (type) {
        case 'counter':
          out.push(sample(base + '_total', labels, total, t, ex));
          if (withCreated) out.push(sample(base + '_created', labels, 1.5e9, t));
          break;
        case 'histogram':
        case 'gaugehistogram': {
          const les = [...bounds].sort((a, b) => a - b).map(String);
          les.push('+Inf');
          let cum = 0;
          les.forEach((le, i) => {
            cum += steps[i] ?? 0;
            const e = ex !== undefined && (le === '+Inf' || ex.value <= Number(le)) ? ex : undefined;
            out.push(sample(base + '_bucket', { ...labels, le }, cum, t, e));
          });
          if (withSum) {
            const gh = type === 'gaugehistogram';
            out.push(sample(base + (gh ? '_gcount' : '_count'), labels, cum, t));
            const negative = bounds.some((b) => b < 0);
            if (!negative || gh) out.push(sample(base + (gh ? '_gsum' : '_sum'), labels, negative ? -sum : sum, t));
            else out.pop();
          }
          break;
        }
        case 'summary':
          for (const q of quantiles) out.push(sample(base, { ...labels, quantile: q }, Number.isNaN(value) ? NaN : Math.abs(value), t));
          if (withSum) out.push(sample(base + '_count', labels, steps[0]!, t), sample(base + '_sum', labels, sum, t));
          break;
        case 'info':
          out.push(sample(base + '_info', labels, 1, t));
          break;
        case 'stateset':
          for (const s of states) out.push(sample(base, { ...labels, [base]: s }, on && s === states[0] ? 1 : 0, t));
          break;
        default:
          out.push(sample(base, labels, value, t));
      }
      return out;
    });

const TYPES: MetricType[] = ['counter', 'gauge', 'unknown', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];
const validFamilies: fc.Arbitrary<MetricFamily[]> = fc
  .array(fc.record({ type: fc.constantFrom(...TYPES), word, sets: labelSets, help: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }), {
    maxLength: 5,
  })
  .chain((specs) =>
    fc.tuple(
      ...specs.map((spec, i) => {
        const name = `f${i}_${spec.word}${spec.type === 'stateset' ? '_state' : ''}`;
        return fc.tuple(...spec.sets.map(() => metricArb(spec.type, name))).map((makers) => {
          const f: { name: string; type: MetricType; help?: string; samples: ExpositionSample[] } = {
            name,
            type: spec.type,
            samples: makers.flatMap((make, k) => make(spec.sets[k]!)),
          };
          if (spec.help !== undefined) f.help = spec.help;
          return f;
        });
      }),
    ),
  );

describe('valid OpenMetrics families', () => {
  it('round-trip through strict parsing without a violation', () => {
    fc.assert(
      fc.property(validFamilies, (families) => {
        const page = formatExposition(families, 'openmetrics');
        assert.deepStrictEqual(parseExposition(page, OM), families, page);
        assert.deepEqual(violations(page), [], page);
      }),
      { numRuns: 300 },
    );
  });
});
