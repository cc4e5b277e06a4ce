/**
 * The official OpenMetrics parser test suite (test/fixtures/openmetrics/parsers.json,
 * see SOURCES.md there): parseExposition must agree with every case's
 * `shouldParse`, and lenient mode must keep rejecting what Prometheus rejects
 * while reporting, not throwing, what it accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EchoPerfError } from '../errors.js';
import { parseExposition } from './index.js';

interface SuiteCase {
  readonly name: string;
  readonly shouldParse: boolean;
  readonly metrics: string;
}

const CASES = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/openmetrics/parsers.json', import.meta.url), 'utf8'),
) as SuiteCase[];
const OM = 'application/openmetrics-text; version=1.0.0';

/** The cases echo-perf cannot agree with, and why; each is checked to still disagree. */
const DISAGREE = new Map<string, string>([
  [
    'bad_counter_values_20',
    'the stored page (`a_total 1.1`) is valid OpenMetrics 1.0: a counter total is any non-negative, non-NaN float ("Counter"), and client_python accepts it too',
  ],
  [
    'negative_bucket_histogram',
    'this vendored copy still has `a_count 3` without `a_sum`, which "Histogram" forbids ("_count if and only if _sum"); client_python and the suite later dropped that line',
  ],
]);

function outcome(text: string): EchoPerfError | undefined {
  try {
    parseExposition(text, OM);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof EchoPerfError, `EchoPerfError, got ${String(e)}`);
    return e;
  }
}

describe('OpenMetrics test suite', () => {
  it('has the stored cases, good and bad', () => {
    assert.ok(CASES.length >= 200, `${CASES.length} cases`);
    assert.ok(CASES.filter((c) => c.shouldParse).length >= 40);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'names are unique');
    for (const name of DISAGREE.keys()) assert.ok(CASES.some((c) => c.name === name), `${name} is a case`);
  });

  for (const c of CASES) {
    const reason = DISAGREE.get(c.name);
    it(`${c.name}: ${c.shouldParse ? 'parses' : 'is rejected'}${reason === undefined ? '' : ' (allow-listed: we disagree)'}`, () => {
      const err = outcome(c.metrics);
      const agrees = (err === undefined) === c.shouldParse;
      if (reason !== undefined) {
        assert.ok(!agrees, `${c.name} is allow-listed but now agrees: remove it from the list (${reason})`);
        return;
      }
      if (c.shouldParse) {
        assert.equal(err, undefined, `${c.name}: ${err?.message}`);
        return;
      }
      assert.ok(err !== undefined, `${c.name} parsed, but the suite says it must not`);
      assert.equal(err.code, 'EP_ERR_EXPOSITION_PARSE');
      const m = /^line (\d+), column (\d+): \S/.exec(err.message);
      assert.ok(m, err.message);
      assert.deepEqual(err.details[0], { line: Number(m[1]), column: Number(m[2]), offset: (err.details[0] as { offset: number }).offset });
    });
  }
});

describe('OpenMetrics test suite, lenient', () => {
  const lenient = (text: string): { threw: EchoPerfError | undefined; violations: string[] } => {
    const violations: string[] = [];
    try {
      parseExposition(text, OM, { strict: false, onViolation: (m) => violations.push(m) });
      return { threw: undefined, violations };
    } catch (e) {
      assert.ok(e instanceof EchoPerfError);
      return { threw: e, violations };
    }
  };

  it('reads every good case without a violation', () => {
    for (const c of CASES.filter((x) => x.shouldParse && !DISAGREE.has(x.name))) {
      const r = lenient(c.metrics);
      assert.equal(r.threw, undefined, c.name);
      assert.deepEqual(r.violations, [], c.name);
    }
  });

  it('throws on a bad case exactly when strict mode throws a syntax error, and reports the others', () => {
    let reported = 0;
    let thrown = 0;
    for (const c of CASES.filter((x) => !x.shouldParse && !DISAGREE.has(x.name))) {
      const strictErr = outcome(c.metrics)!;
      const r = lenient(c.metrics);
      if (r.threw !== undefined) {
        thrown++;
        // Strict mode stops at the first breach; lenient mode reports semantic ones and stops at a syntax error.
        assert.equal(r.violations.length === 0 ? r.threw.message : r.violations[0], strictErr.message, c.name);
      } else {
        reported++;
        assert.ok(r.violations.length > 0, `${c.name}: accepted without a violation`);
        assert.equal(r.violations[0], strictErr.message, `${c.name}: the first violation is what strict mode throws`);
      }
    }
    // Prometheus 2.42 rejects about half of the bad cases (syntax) and scrapes the rest.
    assert.ok(thrown > 80 && reported > 60, `thrown ${thrown}, reported ${reported}`);
  });

  it('keeps the families it reads despite violations', () => {
    const page = '# TYPE a counter\na_total -1\na_total 2\n# HELP a late\n# EOF\n';
    const seen: string[] = [];
    const fams = parseExposition(page, OM, { strict: false, onViolation: (m) => seen.push(m) });
    assert.deepEqual(seen, [
      'line 2, column 1: value of "a_total" is negative (-1), which a counter\'s total may not be',
      'line 3, column 1: sample "a_total" repeats a series of its metric without timestamps (more than one MetricPoint needs increasing timestamps)',
      'line 4, column 1: HELP line for metric family "a" after its samples',
    ]);
    assert.deepEqual(fams, [
      {
        name: 'a',
        type: 'counter',
        help: 'late',
        samples: [
          { name: 'a_total', labels: {}, value: -1 },
          { name: 'a_total', labels: {}, value: 2 },
        ],
      },
    ]);
  });
});
