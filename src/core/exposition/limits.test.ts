import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EchoPerfError } from '../errors.js';
import { parseExposition, readExposition } from './index.js';
import type { ExpositionVisitor, ParseOptions } from './index.js';

const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';

function page(samples: number, om: boolean): string {
  const lines: string[] = ['# TYPE req counter'];
  for (let k = 0; k < samples; k++) lines.push(`req_total{path="/p${k}"} ${k}`);
  if (om) lines.push('# EOF');
  return lines.join('\n') + '\n';
}

function limitError(fn: () => unknown, message: string, details: Record<string, unknown>): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EchoPerfError, `EchoPerfError, got ${String(e)}`);
    assert.equal(e.code, 'EP_ERR_EXPOSITION_LIMIT');
    assert.equal(e.message, message);
    assert.deepEqual(e.details[0], details);
    return true;
  });
}

describe('parse limits (Prometheus sample_limit, label_limit, label name/value length)', () => {
  for (const [format, contentType] of [
    ['text', TEXT],
    ['openmetrics', OM],
  ] as const) {
    it(`${format}: sample_limit stops reading at the first sample past the limit`, () => {
      const big = page(200_000, format === 'openmetrics');
      let seen = 0;
      const visitor: ExpositionVisitor = { help() {}, type() {}, unit() {}, sample: () => void seen++ };
      limitError(
        () => readExposition(big, format, visitor, { limits: { maxSamples: 10 } }),
        'sample_limit exceeded (samples: 11, limit: 10)',
        { limit: 'sample_limit', value: 11, max: 10, line: 12, column: 1 },
      );
      assert.equal(seen, 10, 'the visitor saw only the samples within the limit');
      limitError(
        () => parseExposition(big, contentType, { limits: { maxSamples: 10 } }),
        'sample_limit exceeded (samples: 11, limit: 10)',
        { limit: 'sample_limit', value: 11, max: 10, line: 12, column: 1 },
      );
    });

    it(`${format}: a page at exactly the limits parses, and 0 means no limit`, () => {
      const p = page(5, format === 'openmetrics');
      const limits = { maxSamples: 5, maxLabels: 2, maxLabelNameLength: 8, maxLabelValueLength: 9 };
      assert.equal(parseExposition(p, contentType, { limits })[0]!.samples.length, 5);
      const none = { maxSamples: 0, maxLabels: 0, maxLabelNameLength: 0, maxLabelValueLength: 0 };
      assert.equal(parseExposition(p, contentType, { limits: none })[0]!.samples.length, 5);
    });

    it(`${format}: label_limit counts __name__ as a label, as Prometheus does`, () => {
      const p = `a 1\nb{x="1",y="2"} 1\n${format === 'openmetrics' ? '# EOF\n' : ''}`;
      limitError(
        () => parseExposition(p, contentType, { limits: { maxLabels: 2 } }),
        'label_limit exceeded (metric: b, number of labels: 3, limit: 2)',
        { limit: 'label_limit', value: 3, max: 2, line: 2, column: 1 },
      );
      assert.equal(parseExposition(p, contentType, { limits: { maxLabels: 3 } }).length, 2);
    });

    it(`${format}: label_name_length_limit names the metric and the label`, () => {
      const p = `ok{short="1"} 1\nm{a_rather_long_name="v"} 1\n${format === 'openmetrics' ? '# EOF\n' : ''}`;
      limitError(
        () => parseExposition(p, contentType, { limits: { maxLabelNameLength: 10 } }),
        'label_name_length_limit exceeded (metric: m, label name: a_rather_long_name, length: 18, limit: 10)',
        { limit: 'label_name_length_limit', value: 18, max: 10, line: 2, column: 1 },
      );
    });

    it(`${format}: label_value_length_limit counts UTF-8 bytes and cuts what it prints to 50 characters`, () => {
      const long = 'é'.repeat(60);
      const p = `m{v="${long}"} 1\n${format === 'openmetrics' ? '# EOF\n' : ''}`;
      limitError(
        () => parseExposition(p, contentType, { limits: { maxLabelValueLength: 100 } }),
        `label_value_length_limit exceeded (metric: m, label: {v ${'é'.repeat(50)}}, value length: 120, limit: 100)`,
        { limit: 'label_value_length_limit', value: 120, max: 100, line: 1, column: 1 },
      );
      assert.equal(parseExposition(p, contentType, { limits: { maxLabelValueLength: 120 } }).length, 1);
    });

    it(`${format}: the metric name is the value of __name__ for the value length limit`, () => {
      const name = `m${'x'.repeat(59)}`;
      const p = `${name} 1\n${format === 'openmetrics' ? '# EOF\n' : ''}`;
      limitError(
        () => parseExposition(p, contentType, { limits: { maxLabelValueLength: 20 } }),
        `label_value_length_limit exceeded (metric: ${name.slice(0, 50)}, label: {__name__ ${name.slice(0, 50)}}, value length: 60, limit: 20)`,
        { limit: 'label_value_length_limit', value: 60, max: 20, line: 1, column: 1 },
      );
    });
  }

  it('a label named __proto__ is measured like any other', () => {
    limitError(
      () => parseExposition('m{__proto__="abcdef"} 1\n', TEXT, { limits: { maxLabelValueLength: 3 } }),
      'label_value_length_limit exceeded (metric: m, label: {__proto__ abcdef}, value length: 6, limit: 3)',
      { limit: 'label_value_length_limit', value: 6, max: 3, line: 1, column: 1 },
    );
  });

  it('rejects bad options with EP_ERR_ARGUMENT naming the field, the value and what was expected', () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ limits: { maxSamples: -1 } }, 'parseExposition options.limits.maxSamples: expected a non-negative integer (0 = no limit), got -1'],
      [{ limits: { maxLabels: 1.5 } }, 'parseExposition options.limits.maxLabels: expected a non-negative integer (0 = no limit), got 1.5'],
      [{ limits: { maxLabel: 3 } }, 'parseExposition options.limits: expected only the keys maxSamples, maxLabels, maxLabelNameLength, maxLabelValueLength; got the key "maxLabel"'],
      [{ limits: 'x'.repeat(300) }, `parseExposition options.limits: expected an object, got "${'x'.repeat(99)}…`],
      [{ strict: 'no' }, 'parseExposition options.strict: expected true or false, got "no"'],
      [{ onViolation: 1 }, 'parseExposition options.onViolation: expected a function (message: string) => void, got 1'],
      [{ strictness: true }, 'parseExposition options: expected only the keys strict, onViolation, limits; got the key "strictness"'],
      [7, 'parseExposition options: expected an object, got 7'],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => parseExposition('a 1\n', TEXT, options as ParseOptions), { code: 'EP_ERR_ARGUMENT', message });
    }
  });
});
