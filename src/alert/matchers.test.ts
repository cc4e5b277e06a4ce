import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoPerfError } from '../core/errors.js';
import { compileRegex, formatMatcher, matchesAll, parseMatchers } from './matchers.js';

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
