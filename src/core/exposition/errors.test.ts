import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EchoPerfError } from '../errors.js';
import { parseExposition } from './index.js';

const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';

/** [input, content type, exact message] */
const CASES: ReadonlyArray<readonly [string, string, string]> = [
  // Text 0.0.4: syntax.
  ['a{foo} 1\n', TEXT, `line 1, column 6: expected '=' after label name "foo", got '}'`],
  ['a 1\nb{x="1",x="2"} 1\n', TEXT, 'line 2, column 9: duplicate label name "x"'],
  ['a{__name__="x"} 1\n', TEXT, 'line 1, column 3: label name "__name__" is reserved'],
  ['1a 1\n', TEXT, "line 1, column 1: expected metric name or '#' at start of line, got '1'"],
  ['{a="b"} 1\n', TEXT, "line 1, column 1: expected metric name or '#' at start of line, got '{'"],
  ['a{1x="y"} 1\n', TEXT, `line 1, column 3: expected label name or '}' in labels of "a", got '1'`],
  ['a{x=y} 1\n', TEXT, `line 1, column 5: expected '"' to start the value of label "x", got 'y'`],
  ['a{x="y" z="w"} 1\n', TEXT, `line 1, column 9: expected ',' or '}' after the value of label "x", got 'z'`],
  ['a{x="y\n"} 1\n', TEXT, `line 1, column 7: expected '"' to close the value of label "x", got end of line`],
  ['a{x="y', TEXT, `line 1, column 7: expected '"' to close the value of label "x", got end of input`],
  ['a abc\n', TEXT, 'line 1, column 3: invalid value "abc" of "a": expected a float such as 1, -2.5e3, +Inf or NaN'],
  ['a 1e400\n', TEXT, 'line 1, column 3: invalid value "1e400" of "a": expected a float such as 1, -2.5e3, +Inf or NaN'],
  ['a 1 2 3\n', TEXT, "line 1, column 7: expected end of line after timestamp, got '3'"],
  ['a 1 -5\n', TEXT, 'line 1, column 5: invalid timestamp "-5": expected integer milliseconds'],
  ['a 1 1.5\n', TEXT, 'line 1, column 5: invalid timestamp "1.5": expected integer milliseconds'],
  ['a\n', TEXT, `line 1, column 2: expected '{' or a blank after metric name "a", got end of line`],
  ['a-1 1\n', TEXT, `line 1, column 2: expected '{' or a blank after metric name "a", got '-'`],
  ['a\r\n', TEXT, `line 1, column 2: expected '{' or a blank after metric name "a", got '\\r'`],
  ['# HELP 9a x\n', TEXT, "line 1, column 8: expected metric name after HELP, got '9'"],
  ['# TYPE a gauges\n', TEXT, 'line 1, column 10: invalid metric type "gauges": expected counter, gauge, histogram, summary or untyped'],
  ['# TYPE a  gauge\n', TEXT, 'line 1, column 10: invalid metric type " gauge": expected counter, gauge, histogram, summary or untyped'],
  ['# TYPE a info\n', TEXT, 'line 1, column 10: invalid metric type "info": expected counter, gauge, histogram, summary or untyped'],
  // Text 0.0.4: rules across lines.
  ['# TYPE a gauge\na 1\n# TYPE a gauge\n', TEXT, 'line 3, column 1: second TYPE line for metric family "a"'],
  ['a 1\n# TYPE a gauge\n', TEXT, 'line 2, column 1: TYPE line for metric family "a" after its samples'],
  ['# HELP a x\n# HELP a y\n', TEXT, 'line 2, column 1: second HELP line for metric family "a"'],
  ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket 2\n', TEXT, 'line 3, column 1: histogram sample "h_bucket" has no "le" label'],
  ['# TYPE h histogram\nh_bucket{le="one"} 1\n', TEXT, 'line 2, column 1: expected a float as value of label "le" of "h_bucket", got "one"'],
  [
    '# TYPE h histogram\nh 1\n',
    TEXT,
    'line 2, column 1: sample "h" does not belong in histogram family "h" (expected h_bucket, h_count, h_sum or h_created)',
  ],
  ['# TYPE s summary\ns 1\n', TEXT, 'line 2, column 1: summary sample "s" has no "quantile" label'],
  ['# TYPE s summary\ns{quantile="x"} 1\n', TEXT, 'line 2, column 1: expected a float as value of label "quantile" of "s", got "x"'],
  // OpenMetrics.
  ['a 1\n', OM, "line 2, column 1: expected '# EOF' as the last line of OpenMetrics input, got end of input"],
  ['a 1', OM, "line 1, column 4: expected '# EOF' as the last line of OpenMetrics input, got end of input"],
  ['a 1\n# EOF\nb 2\n', OM, "line 3, column 1: unexpected content after '# EOF'"],
  ['a 1\n# EOF\n\n', OM, "line 3, column 1: unexpected content after '# EOF'"],
  ['a 1\n# EOF \n', OM, "line 2, column 6: expected end of line after '# EOF', got ' '"],
  ['a 1\n\n# EOF\n', OM, 'line 2, column 1: unexpected empty line (OpenMetrics does not allow blank lines)'],
  ['# comment\n# EOF\n', OM, "line 1, column 3: expected HELP, TYPE, UNIT or EOF after '# ', got 'c'"],
  [
    '#TYPE a gauge\n# EOF\n',
    OM,
    "line 1, column 2: expected ' ' after '#' (OpenMetrics allows only HELP, TYPE, UNIT and EOF lines), got 'T'",
  ],
  ['# HELP a\n# EOF\n', OM, `line 1, column 9: expected ' ' after metric name "a" in HELP line, got end of line`],
  [
    '# TYPE a untyped\n# EOF\n',
    OM,
    'line 1, column 10: invalid metric type "untyped": expected counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown',
  ],
  [
    '# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n',
    OM,
    'line 2, column 18: unit "bytes" is not a suffix of metric name "a_seconds" (expected a name ending in "_bytes")',
  ],
  ['a  1\n# EOF\n', OM, `line 1, column 3: expected value of "a", got ' '`],
  ['a{x="1", y="2"} 1\n# EOF\n', OM, `line 1, column 9: expected label name or '}' in labels of "a", got ' '`],
  ['a 1 \n# EOF\n', OM, `line 1, column 5: expected timestamp or '# {' after the value of "a", got end of line`],
  ['a 1 NaN\n# EOF\n', OM, 'line 1, column 5: invalid timestamp "NaN": expected seconds as a finite float'],
  ['a 1 2 #{x="y"} 1\n# EOF\n', OM, "line 1, column 7: expected '# {' to start an exemplar, got '#'"],
  ['a 1 # {x="y"}\n# EOF\n', OM, "line 1, column 14: expected ' ' before the exemplar value, got end of line"],
  ['a 1 # {x="y"} 1 2 3\n# EOF\n', OM, "line 1, column 18: expected end of line, got ' '"],
  ['a 1 # {x="y",x="z"} 1\n# EOF\n', OM, 'line 1, column 14: duplicate label name "x"'],
  [
    '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n',
    OM,
    'line 5, column 1: sample "a" of metric family "a" after other families (OpenMetrics families may not be interleaved)',
  ],
  ['# TYPE a gauge\na 1\n# HELP a late\n# EOF\n', OM, 'line 3, column 1: HELP line for metric family "a" after its samples'],
  [
    '# TYPE a gauge\n# TYPE b gauge\n# HELP a x\n# EOF\n',
    OM,
    'line 3, column 1: HELP line for metric family "a" after other families (OpenMetrics families may not be interleaved)',
  ],
  ['# UNIT a_s s\n# UNIT a_s s\n# EOF\n', OM, 'line 2, column 1: second UNIT line for metric family "a_s"'],
];

describe('parse errors name line, column, what was expected and what was found', () => {
  for (const [input, contentType, message] of CASES) {
    it(`${contentType === OM ? 'OpenMetrics' : 'text'}: ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseExposition(input, contentType),
        (e: unknown) => {
          assert.ok(e instanceof EchoPerfError, `EchoPerfError, got ${String(e)}`);
          assert.equal(e.code, 'EP_ERR_EXPOSITION_PARSE');
          assert.equal(e.message, message);
          const m = /^line (\d+), column (\d+)/.exec(message)!;
          assert.deepEqual(e.details[0], {
            line: Number(m[1]),
            column: Number(m[2]),
            offset: (e.details[0] as { offset: number }).offset,
          });
          return true;
        },
      );
    });
  }

  it('rejects a non-string page with EP_ERR_ARGUMENT', () => {
    assert.throws(() => parseExposition(42 as unknown as string), { name: 'EchoPerfError', code: 'EP_ERR_ARGUMENT' });
  });
});
