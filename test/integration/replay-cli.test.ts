/**
 * `echo-perf replay` through the built CLI on NAB slices (test/fixtures/nab,
 * see its SOURCE): per-row scores in NAB's layout, alert events, JSONL input,
 * and hostile input named by file:line with exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tempTree.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const NAB = fileURLToPath(new URL('../fixtures/nab/', import.meta.url));
const FILES = ['realKnownCause/rogue_agent_key_hold.csv', 'realKnownCause/ec2_request_latency_system_failure.csv', 'artificialWithAnomaly/art_daily_jumpsup.csv'];

function replay(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'replay', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('--scores writes one row per input row, in order, under the inputs\' category folders', (t) => {
  const out = join(tempDir(t), 'echo');
  const r = replay('--scores', out, ...FILES.map((f) => join(NAB, f)));
  assert.equal(r.status, 0, r.stderr);
  for (const f of FILES) {
    const input = readFileSync(join(NAB, f), 'utf8').trim().split('\n');
    const scored = readFileSync(join(out, f), 'utf8').trim().split('\n');
    assert.equal(scored[0], 'timestamp,value,anomaly_score');
    assert.equal(scored.length, input.length, f);
    for (let i = 1; i < input.length; i++) {
      const [ts, v] = input[i]!.split(',');
      const [ts2, v2, s] = scored[i]!.split(',');
      assert.equal(ts2, ts, `${f}:${i + 1}`);
      assert.equal(Number(v2), Number(v));
      const score = Number(s);
      assert.ok(score >= 0 && score <= 1, `${f}:${i + 1} score ${s}`);
    }
  }
  // The jump in art_daily_jumpsup (NAB's label: 2014-04-11 09:00) scores as the most anomalous row after the warm-up.
  const rows = readFileSync(join(out, FILES[2]!), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const top = rows.reduce((a, b) => (Number(b[2]) > Number(a[2]) ? b : a));
  const at = Date.parse(`${top[0]!.replace(' ', 'T')}Z`);
  assert.ok(Math.abs(at - Date.parse('2014-04-11T09:00:00Z')) < 12 * 3600_000, `top score at ${top[0]}`);
});

test('--out writes firing and resolved anomaly events for a config with an anomaly rule', (t) => {
  const dir = tempDir(t);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ rules: [{ kind: 'anomaly', metric: 'jumps', severity: 'warning', score: 0.3, window: 10, rate: 0.2 }] }));
  const events = join(dir, 'events.jsonl');
  const r = replay('--config', config, '--metric', 'jumps', '--out', events, join(NAB, FILES[2]!));
  assert.equal(r.status, 0, r.stderr);
  const ev = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(ev.length >= 2, `${ev.length} events`);
  assert.equal(ev[0]!['status'], 'firing');
  assert.equal(ev[0]!['kind'], 'anomaly');
  assert.equal(ev[0]!['metric'], 'jumps');
  assert.equal(ev[0]!['severity'], 'warning');
  assert.match(String(ev[0]!['message']), /^jumps anomalous: \d+ of the last 10 samples scored ≥ 0\.3 \(latest [\d.]+\)$/);
  assert.ok(ev.some((e) => e['status'] === 'resolved'));
});

test('JSONL samples with labels and epoch seconds', (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'samples.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    lines.push(JSON.stringify({ name: 'ttft_ms_p95', labels: { engine: 'a' }, t: 1_700_000_000 + i, v: 200 + (i % 7) }));
    lines.push(JSON.stringify({ name: 'ttft_ms_p95', labels: { engine: 'b' }, timestamp: new Date((1_700_000_000 + i) * 1000).toISOString(), value: 100 }));
  }
  writeFileSync(input, `${lines.join('\n')}\n`);
  const r = replay('--scores', join(dir, 'out'), input);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(join(dir, 'out', 'samples.jsonl'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 801);
  assert.equal(rows[1]!.split(',')[0], '1700000000');
  assert.equal(rows[2]!.split(',')[0], new Date(1_700_000_000_000).toISOString());
});

test('bad input is named by file:line, field, value and what was expected, with exit 2', (t) => {
  const dir = tempDir(t);
  const cases: [string, string, RegExp][] = [
    ['bad-ts.csv', 'timestamp,value\n2015-02-26 21:42:53,1\nyesterday,2\n', /bad-ts\.csv:3: timestamp "yesterday"; expected ISO-8601/],
    ['bad-v.csv', 'timestamp,value\n2015-02-26 21:42:53,abc\n', /bad-v\.csv:2: value "abc"; expected a finite number/],
    ['bad-head.csv', 'time,val\n1,2\n', /bad-head\.csv:1: header "time,val"; expected the columns timestamp and value/],
    ['long.csv', `timestamp,value\n${'9'.repeat(70_000)},1\n`, /long\.csv:2: line of 70002 characters; expected at most 65536/],
    ['bad.jsonl', '{"name":"x","t":1,"v":"high"}\n', /bad\.jsonl:1: v "\\"high\\""; expected a finite number/],
  ];
  for (const [name, text, want] of cases) {
    writeFileSync(join(dir, name), text);
    const r = replay('--scores', join(dir, 'out'), join(dir, name));
    assert.equal(r.status, 2, name);
    assert.match(r.stderr, want, name);
    assert.match(r.stderr, /EP_ERR_REPLAY_INPUT|echo-perf:/);
  }
  const none = replay('--scores', join(dir, 'out'));
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no INPUT/);
});
