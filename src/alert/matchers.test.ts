import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoPerfError } from '../core/errors.js';
import { compileRegex, formatMatcher, makeMatcher, matches, matchesAll, parseMatchers } from './matchers.js';

const refused = (...parts: string[]) => (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && parts.every((p) => e.message.includes(p));

test('Alertmanager matcher syntax: the four operators, quoted and bare values, lists in braces and separate arguments', () => {
  const ms = parseMatchers('{alertname="HighCpuUsage", severity!=info, engine=~"vllm-.*", model!~"llama\\\\d+"}');
  assert.deepEqual(ms.map(formatMatcher), ['alertname="HighCpuUsage"', 'severity!="info"', 'engine=~"vllm-.*"', 'model!~"llama\\\\d+"']);
  assert.deepEqual(parseMatchers(['alertname=Foo', 'engine=~"a|b"']).map(formatMatcher), ['alertname="Foo"', 'engine=~"a|b"']);
  assert.equal(parseMatchers('msg="say \\"hi\\", then go"')[0]!.value, 'say "hi", then go');
  const labels = { alertname: 'HighCpuUsage', severity: 'warning', engine: 'vllm-0', model: 'qwen' };
  assert.ok(matchesAll(ms, labels));
  assert.ok(!matchesAll(ms, { ...labels, engine: 'xvllm-0' }), 'regexes are anchored at both ends');
  assert.ok(!matchesAll(ms, { ...labels, model: 'llama3' }));
  assert.ok(matchesAll(parseMatchers('gpu=""'), labels), 'a missing label is the empty string');
});

test('bad matchers are refused naming the matcher, the position and what was expected', () => {
  assert.throws(() => parseMatchers('alertname'), refused('position 10', 'expected an operator'));
  assert.throws(() => parseMatchers('{a="b" c="d"}'), refused('position 8', '"," or "}"'));
  assert.throws(() => parseMatchers('a="open'), refused('position 3', 'closing quote'));
  assert.throws(() => parseMatchers('1a="x"'), refused('position 1', 'label name'));
  assert.throws(() => parseMatchers('{a="b"'), refused('"}"'));
  assert.throws(() => parseMatchers(''), refused('at least one matcher'));
  assert.throws(() => parseMatchers(Array.from({ length: 33 }, (_, i) => `l${i}=x`)), refused('at most 32'));
  assert.throws(() => parseMatchers(`a="${'x'.repeat(1100)}"`), refused('at most 1024 characters'));
  assert.throws(() => parseMatchers('a=~"(unclosed"'), refused('compiles'));
});

test('regexes that could backtrack for long are refused before they run; ordinary ones pass', () => {
  for (const ok of ['.*', 'vllm-.*', '.*foo.*', 'a|b|c', '(?:gpu|cpu)[0-9]{1,3}', 'x{2,5}y?', '[(+*)]+']) assert.ok(compileRegex(ok) instanceof RegExp, ok);
  assert.throws(() => compileRegex('(a+)+$'), refused('quantified group'));
  assert.throws(() => compileRegex('(a|aa)*b'), refused('quantified group'));
  assert.throws(() => compileRegex('(?:x*y)*'), refused('quantified group'));
  assert.throws(() => compileRegex('.*.*.*x'), refused('fewer quantifiers'));
  assert.throws(() => compileRegex('a{0,1000}a{0,1000}a?b'), refused('fewer quantifiers'));
  assert.throws(() => compileRegex('a{1001}'), refused('repeat counts up to 1000'));
  assert.throws(() => compileRegex('(a)\\1'), refused('back references'));
  assert.throws(() => compileRegex('(?=a)a'), refused('lookahead'));
  assert.throws(() => compileRegex('x'.repeat(2000)), refused('at most 1024'));
});

test('makeMatcher checks each part of the API shape and keeps a matcher to 1024 characters', () => {
  const detail = (field: string) => (e: unknown) =>
    e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && (e.details[0] as { path: string }).path === field;
  assert.throws(() => makeMatcher('a-b', 'x', false, true), detail('matcher.name'), 'a label name is anchored at its end');
  assert.throws(() => makeMatcher('a'.repeat(257), 'x', false, true), detail('matcher.name'));
  assert.equal(makeMatcher('a'.repeat(256), 'x', false, true).name.length, 256);
  assert.throws(() => makeMatcher('a', 5 as unknown as string, false, true), detail('matcher.value'));
  assert.throws(() => makeMatcher('a', 'x', 'yes' as unknown as boolean, true), detail('matcher.isRegex'));
  assert.throws(() => makeMatcher('a', 'x', false, 1 as unknown as boolean, 'silence.matchers[0]'), detail('silence.matchers[0].isEqual'));
  // name + operator + value: `a` + `="…"` counts 1024 with a 1020-character value.
  assert.equal(makeMatcher('a', 'x'.repeat(1020), false, true).value.length, 1020);
  assert.throws(() => makeMatcher('a', 'x'.repeat(1021), false, true), refused('at most 1024 characters'));
  assert.equal(parseMatchers(`a="${'x'.repeat(1020)}"`)[0]!.value.length, 1020);
  assert.throws(() => parseMatchers(`a="${'x'.repeat(1021)}"`), refused('at most 1024 characters'));
  assert.equal(makeMatcher('a', '(', false, true).value, '(', 'an equality value is not a regex');
});

test('matching: equality is not a regex test, and a regex matcher built by hand compiles when first used', () => {
  const eq = makeMatcher('gpu', 'a.c', false, true);
  assert.ok(matches(eq, 'a.c'));
  assert.ok(!matches(eq, 'abc'));
  assert.ok(matches(makeMatcher('gpu', 'a.c', false, false), 'abc'));
  const byHand = { name: 'engine', value: 'vllm-.*', isRegex: true, isEqual: true };
  assert.ok(matches(byHand, 'vllm-0'));
  assert.ok(!matches(byHand, 'sglang'));
  assert.ok(matches({ ...byHand, isEqual: false }, 'sglang'));
});

test('parseMatchers bounds: matchers per list and in all, text size, and each argument named in errors', () => {
  const list = (n: number) => `{${Array.from({ length: n }, (_, i) => `l${i}="x"`).join(', ')}}`;
  assert.equal(parseMatchers(list(32)).length, 32);
  assert.throws(() => parseMatchers(list(33)), refused('expected at most 32 matchers'));
  assert.throws(() => parseMatchers(`a="${'x'.repeat(40_000)}"`), refused('at most 32768 characters'));
  assert.throws(() => parseMatchers(['a=b', 5 as unknown as string]), refused('matchers[1]', 'a matcher string'));
  assert.throws(() => parseMatchers(['a=b', 'c=~"(x+)+"']), refused('matchers[1] (matcher 1, c)', 'quantified group'));
  assert.throws(() => parseMatchers('{a="b", c=~"(x+)+"}'), refused('matchers (matcher 2, c)'));
  assert.throws(() => parseMatchers(5 as unknown as string), refused('a string or a list of strings'));
  assert.throws(() => parseMatchers([]), refused('at least one matcher'));
  assert.throws(() => parseMatchers('{}'), refused('at least one matcher'));
});

test('parseMatchers syntax: trailing comma, what may follow a list, escapes, and where an error points', () => {
  assert.deepEqual(parseMatchers('{a="b",}').map(formatMatcher), ['a="b"']);
  assert.throws(() => parseMatchers('{a="b"} x'), refused('nothing after "}"'));
  assert.throws(() => parseMatchers('{a="b",'), refused('"}" closing the list', '(the end)'));
  assert.throws(() => parseMatchers('a="b" c="d"'), refused('"," between matchers', 'position 7', '(at "c=\\"d\\"")'));
  assert.throws(
    () => parseMatchers('alertname'),
    (e: unknown) => e instanceof EchoPerfError && e.message.includes('(the end)') && (e.details[0] as { position: number }).position === 10,
  );
  assert.equal(parseMatchers('a="x\\ny"')[0]!.value, 'x\ny');
  assert.equal(parseMatchers('a=~"x\\.y"')[0]!.value, 'x\\.y');
  assert.throws(() => parseMatchers('a="x\\'), refused('closing quote', 'position 3'));
});

test('a class that opens with ] holds it as a literal, as RE2 (Alertmanager) reads it', () => {
  // RE2: "[]a]" is the class of "]" and "a"; V8 alone would read an empty class followed by "a]".
  const [m] = parseMatchers(['gpu=~"[]a]"']);
  assert.ok(matches(m!, 'a'));
  assert.ok(matches(m!, ']'));
  assert.ok(!matches(m!, 'a]'));
  assert.ok(!matches(m!, 'b'));
  const not = compileRegex('[^]a]x');
  assert.ok(not.test('bx'));
  assert.ok(!not.test(']x') && !not.test('ax'), 'the negated class excludes ] and a');
  const both = compileRegex('[]][^]]+');
  assert.ok(both.test(']abc') && !both.test(']]') && !both.test('a'));
  assert.ok(compileRegex('[\\]a]').test(']'), 'an escaped ] is left as it was');
  assert.ok(compileRegex('[a]]').test('a]'), 'a ] after the first character closes the class');
  assert.ok(compileRegex('[]*+]{2}.*').test('*+x'), 'quantifier characters inside the class are literals');
  assert.equal(m!.value, '[]a]', 'the matcher keeps its text as written');
});

test('regex checks: classes, escapes, groups, repeat counts and lazy marks are read as RE2 reads them', () => {
  for (const ok of [
    'a\\.b', // an escape that is not a back reference
    '[\\]*+]+.*', // an escaped ] inside a class does not end it, so *+ are literals
    '(!x|y)', // a group, not a lookaround
    '(ab)+x', // a quantified group holding neither quantifier nor alternation
    'a{1000}', // the largest repeat count
    'x'.repeat(1024),
    '.*?x.*?', // a lazy mark is part of its quantifier, not a third choice
    'a?'.repeat(20), // 2^20 ways to split: the limit
    `${'('.repeat(32)}a${')'.repeat(32)}`,
  ]) assert.ok(compileRegex(ok) instanceof RegExp, ok);
  assert.throws(() => compileRegex('a?'.repeat(21)), refused('fewer quantifiers'));
  assert.throws(() => compileRegex(`a{0,1}${'a?'.repeat(20)}`), refused('fewer quantifiers'), '{0,1} counts as two choices');
  assert.throws(() => compileRegex('x{2}.*.*.*'), refused('fewer quantifiers'), 'an exact repeat is one choice, not none');
  assert.throws(() => compileRegex('a{2,}.*.*'), refused('fewer quantifiers'), '{n,} is unbounded');
  assert.throws(() => compileRegex('a{0,1001}'), refused('repeat counts up to 1000'));
  assert.throws(() => compileRegex('a{1001,}'), refused('repeat counts up to 1000'));
  assert.throws(() => compileRegex('(?<=a)b'), refused('lookbehind'));
  assert.throws(() => compileRegex('(?<!a)b'), refused('lookbehind'));
  assert.throws(() => compileRegex('(?!a)b'), refused('lookahead'));
  assert.throws(() => compileRegex(`${'('.repeat(33)}a${')'.repeat(33)}`), refused('at most 32 nested groups'));
  assert.throws(() => compileRegex('a)b'), refused('compiles'));
  assert.throws(() => compileRegex('x'.repeat(1025)), refused('at most 1024'));
});
