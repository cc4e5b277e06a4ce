/**
 * `echo-perf replay` through the built CLI on NAB slices (test/fixtures/nab,
 * see its SOURCE): per-row scores in NAB's layout, alert events from the
 * live rule set (defaults, config rules, hold, hysteresis, escalation), JSONL
 * input merged by time, a data dir, and hostile input named by file:line with exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openTestStore } from '../helpers/diskStore.js';
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

test('--scores --detector context scores with the contextual detector; a bad --detector or one without --scores exits 2', (t) => {
  const out = join(tempDir(t), 'ctx');
  const f = FILES[2]!;
  const r = replay('--scores', out, '--detector', 'context', join(NAB, f));
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(join(out, f.split('/').pop()!), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(rows.length, readFileSync(join(NAB, f), 'utf8').trim().split('\n').length - 1);
  const fast = replay('--scores', join(out, 'fast'), join(NAB, f));
  assert.equal(fast.status, 0, fast.stderr);
  const fastScores = readFileSync(join(out, 'fast', f.split('/').pop()!), 'utf8');
  assert.notEqual(rows.map((x) => x[2]).join(), fastScores.trim().split('\n').slice(1).map((l) => l.split(',')[2]).join(), 'another detector, other scores');
  // The labelled jump is caught: within an hour of 2014-04-11 09:00 a score reaches CAD OSE's alarm
  // level (its rest threshold, 0.75). Not "the top score": the range grows from the first sample, so
  // the early rows that widen it score high too.
  const near = rows.filter((x) => Math.abs(Date.parse(`${x[0]!.replace(' ', 'T')}Z`) - Date.parse('2014-04-11T09:00:00Z')) <= 3600_000);
  assert.ok(near.some((x) => Number(x[2]) >= 0.75), `scores near the jump: ${near.map((x) => x[2]).join(' ')}`);
  const bad = replay('--scores', out, '--detector', 'htm', join(NAB, f));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--detector: got "htm"; expected fast or context/);
  const alone = replay('--out', join(out, 'e.jsonl'), '--detector', 'context', join(NAB, f));
  assert.equal(alone.status, 2);
  assert.match(alone.stderr, /--detector: chooses the detector of --scores/);
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

test('a CSV file whose name is not a metric name is replayed under its underscore-escaped name', (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'art-daily jumps"up.csv');
  copyFileSync(join(NAB, FILES[2]!), input);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ rules: [{ kind: 'anomaly', metric: 'art_daily_jumps_up', severity: 'warning', score: 0.3, window: 10, rate: 0.2 }] }));
  const events = join(dir, 'events.jsonl');
  const r = replay('--config', config, '--out', events, input);
  assert.equal(r.status, 0, r.stderr);
  const ev = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(ev.length >= 2, `${ev.length} events`);
  assert.ok(ev.every((e) => e['metric'] === 'art_daily_jumps_up'), JSON.stringify(ev.map((e) => e['metric'])));
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

type Event = Record<string, unknown> & { labels: Record<string, string>; metadata: Record<string, unknown> };

function eventsOf(path: string): Event[] {
  const text = readFileSync(path, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l) as Event);
}

const T0 = Date.UTC(2026, 0, 1) / 1000;

/** cpu_usage at 1 s: 50 for 2 min, then 92 for 2 min with a dip to 83 every 10 s (over the default clear line 80.75), then 60. */
function cpuValue(i: number): number {
  return i < 120 ? 50 + (i % 5) : i < 240 ? (i % 10 === 0 ? 83 : 92) : 60 + (i % 3);
}

test('--out runs the default rules: cpu_usage over 85 % for 2 min gives one firing after the 60 s hold and one resolved, hysteresis holding it through the dips', (t) => {
  const dir = tempDir(t);
  const csv = join(dir, 'cpu_usage.csv');
  const rows = ['timestamp,value'];
  for (let i = 0; i < 600; i++) rows.push(`${T0 + i},${cpuValue(i)}`);
  writeFileSync(csv, `${rows.join('\n')}\n`);
  const out = join(dir, 'events.jsonl');
  const r = replay('--out', out, csv);
  assert.equal(r.status, 0, r.stderr);
  const ev = eventsOf(out);
  assert.deepEqual(
    ev.map((e) => [e['status'], e['kind'], e['rule'], e['metric'], e['component']]),
    [
      ['firing', 'threshold', 'threshold:cpu_usage', 'cpu_usage', 'cpu_usage'],
      ['resolved', 'threshold', 'threshold:cpu_usage', 'cpu_usage', 'cpu_usage'],
    ],
  );
  const [fire, done] = ev as [Event, Event];
  // First sample over 85 at i = 121; the default hold is 60 s.
  assert.equal(fire['timestamp'], (T0 + 181) * 1000);
  assert.equal(fire.metadata['activeAt'], (T0 + 121) * 1000);
  assert.equal(fire['severity'], 'warning');
  assert.equal(fire['message'], 'CPU usage 92 % above 85 % (warning)');
  assert.deepEqual(fire.labels, {});
  assert.equal(fire['endsAt'], null);
  assert.equal(done['endsAt'], (T0 + 240) * 1000);
  assert.match(String(done['message']), /^CPU usage back to 60 % \(≤ 80\.8 %\) after 59 s$/);

  // alerting.default_for from the config sets the defaults' hold.
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ alerting: { default_for: 0 } }));
  const out0 = join(dir, 'events0.jsonl');
  assert.equal(replay('--config', config, '--out', out0, csv).status, 0);
  const ev0 = eventsOf(out0);
  assert.deepEqual(ev0.map((e) => [e['status'], e['timestamp']]), [['firing', (T0 + 121) * 1000], ['resolved', (T0 + 121) * 1000]]);
});

test('--out: a config threshold rule over JSONL inputs merged by time (one series split over two files), with escalation and its own clear level', (t) => {
  const dir = tempDir(t);
  const even: string[] = [];
  const odd: string[] = [];
  for (let i = 0; i < 200; i++) {
    const a = i >= 100 && i < 110 ? 15 : i >= 110 && i < 120 ? 25 : i >= 120 && i < 150 ? 9 : 5;
    const sample = { name: 'queue_depth', labels: { pool: 'a', component: 'pool' }, t: T0 + i, v: a };
    (i % 2 === 0 ? even : odd).push(JSON.stringify(sample));
    if (i % 2 === 1) odd.push(JSON.stringify({ name: 'queue_depth', labels: { pool: 'b', component: 'pool' }, t: T0 + i, v: 50 }));
  }
  writeFileSync(join(dir, 'even.jsonl'), `${even.join('\n')}\n`);
  writeFileSync(join(dir, 'odd.jsonl'), `${odd.join('\n')}\n`);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ rules: [{ kind: 'threshold', name: 'deep_queue', metric: 'queue_depth', match: { pool: 'a' }, above: { warning: 10, critical: 20 }, clear: 8, for: 0 }] }));
  const out = join(dir, 'events.jsonl');
  const r = replay('--config', config, '--out', out, join(dir, 'even.jsonl'), join(dir, 'odd.jsonl'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /replayed 300 rows from 2 input\(s\), 3 alert event\(s\)/);
  const ev = eventsOf(out);
  assert.deepEqual(
    ev.map((e) => [e['status'], e['severity'], e['timestamp'], e['rule'], e.labels]),
    [
      ['firing', 'warning', (T0 + 100) * 1000, 'deep_queue', { pool: 'a' }],
      ['firing', 'critical', (T0 + 100) * 1000, 'deep_queue', { pool: 'a' }],
      ['resolved', 'critical', (T0 + 100) * 1000, 'deep_queue', { pool: 'a' }],
    ],
  );
  // The escalation is an event of the same incident (its start time), sent when the value passed 20.
  assert.equal(ev[1]!.metadata['escalated'], true);
  assert.equal(ev[1]!.metadata['lastEvaluatedAt'], (T0 + 110) * 1000);
  // 9 is under the warning line but over the clear level: the alert holds until the value is at or under 8.
  assert.equal(ev[2]!['endsAt'], (T0 + 150) * 1000);
  assert.equal(ev[0]!['component'], 'pool');
});

test('--out reads a data dir written by a real DiskStore: every series, or those of --metric', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const { store } = openTestStore(t, data);
  store.defineSeries(0, { key: 'cpu_usage{component="system"}', name: 'cpu_usage', labels: { component: 'system' } });
  store.defineSeries(1, { key: 'memory_usage{component="system"}', name: 'memory_usage', labels: { component: 'system' } });
  for (let i = 0; i < 600; i++) {
    store.append(0, (T0 + i) * 1000, cpuValue(i));
    store.append(1, (T0 + i) * 1000, 40);
  }
  await store.flush();
  const out = join(dir, 'events.jsonl');
  const r = replay('--out', out, data);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /replayed 1200 rows from 1 input/);
  const ev = eventsOf(out);
  assert.deepEqual(
    ev.map((e) => [e['status'], e['rule'], e['component'], e['timestamp']]),
    [
      ['firing', 'threshold:cpu_usage', 'system', (T0 + 181) * 1000],
      ['resolved', 'threshold:cpu_usage', 'system', (T0 + 181) * 1000],
    ],
  );
  const only = replay('--metric', 'memory_usage', '--out', out, data);
  assert.equal(only.status, 0, only.stderr);
  assert.match(only.stderr, /replayed 600 rows from 1 input\(s\), 0 alert event/);
  assert.deepEqual(eventsOf(out), []);

  const scores = replay('--scores', join(dir, 's'), data);
  assert.equal(scores.status, 2);
  assert.match(scores.stderr, /data: a data dir; --scores expected CSV or JSONL files/);
  const notDir = replay('--out', out, dir);
  assert.equal(notDir.status, 2);
  assert.match(notDir.stderr, /not a file nor a data dir; expected a CSV \(timestamp,value\) or JSONL file, or a directory holding echo-perf\.db/);
});
