import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { MemoryLogger } from '../../core/logger.js';
import { describeExit, Supervisor, type ChildExit, type ExitDecision } from './supervisor.js';
import { isAlive, until } from '../../../test/helpers/processes.js';



function harness(script: string, onExit: (e: ChildExit) => ExitDecision = () => 'backoff') {
  const clock = new ManualClock(0);
  const logger = new MemoryLogger();
  const lines: string[] = [];
  const exits: ChildExit[] = [];
  const sup = new Supervisor({
    label: 'child',
    command: process.execPath,
    args: () => ['-e', script],
    env: process.env,
    clock,
    logger,
    onLine: (l) => {
      if (l.startsWith('data ')) {
        lines.push(l);
        return true;
      }
      return false;
    },
    onExit: (e) => {
      exits.push(e);
      return onExit(e);
    },
  });
  return { clock, logger, lines, exits, sup };
}

void test('a dying child is restarted after 1 s, then 2 s, on the injected clock; stderr and non-data stdout land in lastError', async (t) => {
  const h = harness(`console.log('data 1'); console.log('oops on stdout'); console.error('boom on stderr'); process.exit(3)`);
  t.after(() => h.sup.close());
  h.sup.start();
  await until(() => h.exits.length === 1, 'first exit');
  assert.deepEqual(h.lines, ['data 1']);
  let s = h.sup.status();
  assert.equal(s.state, 'backoff');
  assert.equal(s.restarts, 0);
  assert.equal(s.nextStartAt, 1000);
  assert.match(s.lastError ?? '', /^child exited with code 3: /);
  assert.match(s.lastError ?? '', /oops on stdout/);
  assert.match(s.lastError ?? '', /boom on stderr/);
  assert.deepEqual(h.exits[0]!.tail, ['oops on stdout', 'boom on stderr']);
  await h.clock.advance(999);
  assert.equal(h.sup.status().state, 'backoff');
  await h.clock.advance(1);
  assert.equal(h.sup.status().restarts, 1);
  await until(() => h.exits.length === 2, 'second exit');
  s = h.sup.status();
  assert.equal(s.nextStartAt, 1000 + 2000);
  // the same failure is logged once at warn, then at debug
  assert.equal(h.logger.lines.filter((l) => l.level === 'warn').length, 1);
  assert.equal(h.logger.lines.filter((l) => l.level === 'debug').length, 1);
  await h.clock.advance(2000);
  await until(() => h.exits.length === 3, 'third exit');
  assert.equal(h.sup.status().nextStartAt, 3000 + 4000);
  assert.equal(h.sup.status().restarts, 2);
});

void test('the delay doubles up to the maximum and starts again at 1 s after a long healthy run', async (t) => {
  const clock = new ManualClock(0);
  const exits: number[] = [];
  const sup = new Supervisor({
    label: 'child',
    command: process.execPath,
    args: () => ['-e', 'process.exit(1)'],
    env: undefined,
    clock,
    logger: new MemoryLogger(),
    backoff: { initialMs: 100, maxMs: 400 },
    onLine: () => true,
    onExit: () => {
      exits.push(clock.now());
      return 'backoff';
    },
  });
  t.after(() => sup.close());
  sup.start();
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    await until(() => exits.length === i + 1, `exit ${i + 1}`);
    const next = sup.status().nextStartAt!;
    delays.push(next - clock.now());
    await clock.advance(next - clock.now());
  }
  assert.deepEqual(delays, [100, 200, 400, 400, 400]);
});

void test('close() kills a running child (its pid is gone) and cancels a pending restart', async () => {
  const h = harness(`setInterval(() => console.log('data tick'), 20)`);
  h.sup.start();
  await until(() => h.lines.length >= 2, 'two lines');
  const pid = h.sup.status().pid!;
  assert.ok(isAlive(pid));
  await h.sup.close();
  assert.equal(isAlive(pid), false);
  assert.equal(h.sup.status().state, 'closed');
  assert.equal(h.sup.status().pid, undefined);
  assert.equal(h.exits.length, 0, 'a requested stop is not a failure');

  const d = harness('process.exit(1)');
  d.sup.start();
  await until(() => d.exits.length === 1, 'exit');
  assert.equal(d.clock.pendingTimers, 1);
  await d.sup.close();
  assert.equal(d.clock.pendingTimers, 0);
  await d.sup.close(); // idempotent
});

void test("'retry-now' restarts at once without counting a restart", async (t) => {
  let n = 0;
  const h = harness(`console.log('data x'); process.exit(2)`, () => (++n < 3 ? 'retry-now' : 'backoff'));
  t.after(() => h.sup.close());
  h.sup.start();
  await until(() => h.exits.length === 3, 'three exits');
  assert.equal(h.sup.status().restarts, 0);
  assert.equal(h.sup.status().state, 'backoff');
  assert.equal(h.lines.length, 3);
});

void test('a binary that cannot be started is a failure with the reason, then retried with backoff', async (t) => {
  const clock = new ManualClock(0);
  const exits: ChildExit[] = [];
  const sup = new Supervisor({
    label: 'nvidia-smi --query-gpu',
    command: '/nonexistent/nvidia-smi',
    args: () => [],
    env: undefined,
    clock,
    logger: new MemoryLogger(),
    onLine: () => true,
    onExit: (e) => {
      exits.push(e);
      return 'backoff';
    },
  });
  t.after(() => sup.close());
  sup.start();
  await until(() => exits.length === 1, 'spawn failure');
  assert.match(sup.status().lastError ?? '', /^nvidia-smi --query-gpu could not be started \(.*ENOENT/);
  assert.equal(sup.status().state, 'backoff');
});

void test('describeExit names the signal', () => {
  assert.equal(describeExit('x', { code: null, signal: 'SIGKILL', spawnError: undefined, tail: [] }), 'x was killed by SIGKILL');
});
