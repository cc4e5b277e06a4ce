import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { EchoPerfError } from '../errors.js';
import type { MetricType } from '../types.js';
import { formatExposition, parseExposition } from './index.js';
import type { Exemplar, ExpositionFormat, ExpositionSample, MetricFamily } from './index.js';

const CONTENT_TYPE: Record<ExpositionFormat, string> = {
  text: 'text/plain; version=0.0.4',
  openmetrics: 'application/openmetrics-text; version=1.0.0',
};

// ---- Generators of families that are canonical for a format (what the parser gives back). ----

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const labelName = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,7}$/) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty') },
).filter((n) => n !== '__name__' && n !== 'le' && n !== 'quantile');
const labelValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', '\\', '"', '\n', '\\n', 'a\\"b\\\\c\nd', 'Qwen/Qwen2.5-0.5B-Instruct', '\u00e9\u4e2d\ud83d\ude00'),
);
const labelSet = fc
  .uniqueArray(fc.tuple(labelName, labelValue), { maxLength: 4, selector: ([k]) => k })
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);
const value = fc.oneof(fc.double(), fc.integer().map((n) => n), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.1, 1e21));
const floatLabel = fc.oneof(fc.double({ noNaN: true }).map(formatGoodFloat), fc.constantFrom('+Inf', '-Inf', '0.5', '1', '2.5e-3', 'NaN'));
const help = fc.option(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('a\\b', 'line\nbreak', 'say "hi"', '\\n')), {
  nil: undefined,
});

function formatGoodFloat(v: number): string {
  return v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

function tsArb(format: ExpositionFormat): fc.Arbitrary<number | undefined> {
  const ms = format === 'text' ? fc.integer({ min: 0, max: 4_102_444_800_000 }) : fc.integer({ min: -1e12, max: 4_102_444_800_000 });
  return fc.option(ms, { nil: undefined, freq: 3 });
}

function mk(name: string, labels: Record<string, string>, v: number, timestamp?: number, exemplar?: Exemplar): ExpositionSample {
  const s: { name: string; labels: Record<string, string>; value: number; timestamp?: number; exemplar?: Exemplar } = {
    name,
    labels,
    value: v,
  };
  if (timestamp !== undefined) s.timestamp = timestamp;
  if (exemplar !== undefined) s.exemplar = exemplar;
  return s;
}

const exemplarArb: fc.Arbitrary<Exemplar | undefined> = fc.option(
  fc.record({ labels: labelSet, value, ts: tsArb('openmetrics') }).map(({ labels, value: v, ts }) =>
    ts === undefined ? { labels, value: v } : { labels, value: v, timestamp: ts },
  ),
  { nil: undefined, freq: 2 },
);

/** One series of a family: labels, timestamp, and per-sample values / exemplars. */
function seriesArb(format: ExpositionFormat) {
  return fc.record({
    labels: labelSet,
    ts: tsArb(format),
    values: fc.array(value, { minLength: 4, maxLength: 4 }),
    bounds: fc.uniqueArray(floatLabel, { minLength: 1, maxLength: 3 }),
    created: fc.boolean(),
    exemplar: format === 'openmetrics' ? exemplarArb : fc.constant(undefined),
  });
}

type Series = ReturnType<typeof seriesArb> extends fc.Arbitrary<infer S> ? S : never;

function samplesFor(type: MetricType, base: string, format: ExpositionFormat, series: Series[]): ExpositionSample[] {
  const out: ExpositionSample[] = [];
  const om = format === 'openmetrics';
  for (const s of series) {
    const [a, b, c, d] = s.values as [number, number, number, number];
    const L = s.labels;
    switch (type) {
      case 'counter':
        out.push(mk(om ? base + '_total' : base, L, a, s.ts, s.exemplar));
        if (om && s.created) out.push(mk(base + '_created', L, b, s.ts));
        break;
      case 'histogram':
      case 'gaugehistogram':
        for (const le of s.bounds) out.push(mk(base + '_bucket', { ...L, le }, a, s.ts, s.exemplar));
        out.push(mk(base + (type === 'histogram' ? '_sum' : '_gsum'), L, b, s.ts));
        out.push(mk(base + (type === 'histogram' ? '_count' : '_gcount'), L, c, s.ts));
        if (om && type === 'histogram' && s.created) out.push(mk(base + '_created', L, d, s.ts));
        break;
      case 'summary':
        for (const q of s.bounds) out.push(mk(base, { ...L, quantile: q }, a, s.ts));
        out.push(mk(base + '_sum', L, b, s.ts));
        out.push(mk(base + '_count', L, c, s.ts));
        if (om && s.created) out.push(mk(base + '_created', L, d, s.ts));
        break;
      case 'info':
        out.push(mk(base + '_info', L, 1, s.ts));
        break;
      case 'stateset':
        for (const state of s.bounds) out.push(mk(base, { ...L, [base]: state }, a === 0 ? 0 : 1, s.ts));
        break;
      default:
        out.push(mk(base, L, a, s.ts));
    }
  }
  return out;
}

function familiesArb(format: ExpositionFormat): fc.Arbitrary<MetricFamily[]> {
  const types: MetricType[] =
    format === 'text'
      ? ['counter', 'gauge', 'untyped', 'histogram', 'summary']
      : ['counter', 'gauge', 'unknown', 'histogram', 'summary', 'gaugehistogram', 'info', 'stateset'];
  const one = fc.record({
    type: fc.constantFrom(...types),
    word,
    totalSuffix: fc.boolean(),
    unit: fc.option(fc.constantFrom('seconds', 'bytes', 'ratio'), { nil: undefined }),
    help,
    series: fc.array(seriesArb(format), { maxLength: 3 }),
  });
  return fc.array(one, { maxLength: 6 }).map((specs) =>
    specs.map((spec, i) => {
      let name = `f${i}_${spec.word}`;
      // A stateset's label is named after the family; keep it clear of the generated label names.
      if (spec.type === 'stateset') name += '_state';
      if (format === 'openmetrics' && spec.unit !== undefined) name += '_' + spec.unit;
      if (format === 'text' && spec.type === 'counter' && spec.totalSuffix) name += '_total';
      const f: { name: string; type: MetricType; help?: string; unit?: string; samples: ExpositionSample[] } = {
        name,
        type: spec.type,
        samples: samplesFor(spec.type, name, format, spec.series),
      };
      if (spec.help !== undefined) f.help = spec.help;
      if (format === 'openmetrics' && spec.unit !== undefined) f.unit = spec.unit;
      return f;
    }),
  );
}

describe('round trip: formatExposition then parseExposition gives the families back', () => {
  // The values and bounds drawn here break OpenMetrics' semantic MUSTs (negative
  // counters, unsorted buckets…), so this checks the syntax with the lenient reader;
  // om-rules.test.ts round-trips valid families strictly.
  const lenient = { strict: false } as const;
  for (const format of ['text', 'openmetrics'] as const) {
    it(`in ${format}`, () => {
      fc.assert(
        fc.property(familiesArb(format), (families) => {
          const page = formatExposition(families, format);
          assert.deepStrictEqual(parseExposition(page, CONTENT_TYPE[format], lenient), families, page);
          assert.deepStrictEqual(parseExposition(page, undefined, lenient), families, 'format detection');
        }),
        { numRuns: 400 },
      );
    });
  }
});

// ---- Robustness: random and mutated input throws nothing but EchoPerfError, and ends. ----

function parsesOrThrowsParseError(text: string, contentType: string | undefined): void {
  let families: MetricFamily[];
  try {
    families = parseExposition(text, contentType);
  } catch (e) {
    assert.ok(e instanceof EchoPerfError, `only EchoPerfError is thrown, got ${String(e)}`);
    assert.equal(e.code, 'EP_ERR_EXPOSITION_PARSE');
    assert.match(e.message, /^line \d+, column \d+: \S/);
    return;
  }
  assert.ok(Array.isArray(families));
  for (const format of ['text', 'openmetrics'] as const) {
    try {
      formatExposition(families, format);
    } catch (e) {
      assert.ok(e instanceof EchoPerfError, `formatExposition throws only EchoPerfError, got ${String(e)}`);
    }
  }
}

const FIXTURE = readFileSync(
  fileURLToPath(new URL('../../../test/fixtures/engines/sglang-docs-example.metrics.txt', import.meta.url)),
  'utf8',
);
const SEED_OM =
  '# TYPE a counter\n# HELP a h \\"x\\"\na_total{x="1"} 1 1.5 # {t="a"} 1 2\na_created{x="1"} 3\n' +
  '# TYPE h histogram\n# UNIT h_s s\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n# TYPE i info\ni_info{v="1"} 1\n# EOF\n';
const NOISE = fc.constantFrom('{', '}', '"', ',', '=', '\n', ' ', '\t', '#', '\\', 'e', '.', '-', '+', 'Inf', '_', ':', '\r', '\0', 'é', '# EOF', '# TYPE ', 'le');
const CONTENT_TYPES = fc.constantFrom(undefined, CONTENT_TYPE.text, CONTENT_TYPE.openmetrics);

type Mutation = { at: number; del: number; insert: string };
const mutation = fc.record({ at: fc.nat(), del: fc.nat({ max: 6 }), insert: fc.array(NOISE, { maxLength: 3 }).map((a) => a.join('')) });

function mutate(text: string, muts: Mutation[]): string {
  let t = text;
  for (const m of muts) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    t = t.slice(0, at) + m.insert + t.slice(at + m.del);
  }
  return t;
}

describe('robustness', () => {
  it('random strings throw only EchoPerfError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(NOISE).map((a) => a.join(''))), CONTENT_TYPES, (text, ct) => {
        parsesOrThrowsParseError(text, ct);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid pages throw only EchoPerfError', () => {
    const seeds = fc.oneof(
      fc.constantFrom(FIXTURE, SEED_OM),
      familiesArb('text').map((f) => formatExposition(f, 'text')),
      familiesArb('openmetrics').map((f) => formatExposition(f, 'openmetrics')),
    );
    fc.assert(
      fc.property(seeds, fc.array(mutation, { minLength: 1, maxLength: 4 }), CONTENT_TYPES, (seed, muts, ct) => {
        parsesOrThrowsParseError(mutate(seed, muts), ct);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on pathological 1 MB inputs', () => {
    const MB = 1_000_000;
    const inputs: Array<[string, string]> = [
      ['many labels in one sample', 'a{' + 'x'.repeat(0) + Array.from({ length: 60_000 }, (_, i) => `l${i}="v"`).join(',') + '} 1\n'],
      ['duplicate label at the end of many', 'a{' + Array.from({ length: 60_000 }, (_, i) => `l${i}="v"`).join(',') + ',l7="v"} 1\n'],
      ['one long label value full of escapes', 'a{x="' + '\\"\\\\\\n'.repeat(MB / 6) + '"} 1\n'],
      ['unterminated label value', 'a{x="' + 'y'.repeat(MB)],
      ['a long metric name', 'a'.repeat(MB) + ' 1\n'],
      ['many short lines', 'a 1\n'.repeat(MB / 4)],
      ['many comment lines', '#\n'.repeat(MB / 2)],
      ['many HELP lines for new families', Array.from({ length: 50_000 }, (_, i) => `# HELP m${i} x`).join('\n')],
      ['a long value token', 'a ' + '1'.repeat(MB) + '\n'],
      ['a long exponent', 'a 1e' + '9'.repeat(MB) + '\n'],
      ['many quotes', '"'.repeat(MB)],
      ['many backslashes in HELP', '# HELP a ' + '\\'.repeat(MB) + '\n'],
      ['many # EOF-like lines', '# EOF\n'.repeat(MB / 6)],
    ];
    for (const [what, text] of inputs) {
      for (const ct of [CONTENT_TYPE.text, CONTENT_TYPE.openmetrics]) {
        const t0 = performance.now();
        parsesOrThrowsParseError(text, ct);
        const ms = performance.now() - t0;
        assert.ok(ms < 2000, `${what} (${ct}) took ${ms.toFixed(0)} ms`);
      }
    }
  });
});
