import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { childLogger, MemoryLogger } from '../logger.js';
import { createLogger } from './pinoLogger.js';

interface Line {
  level: number;
  level_name: string;
  time: number;
  name: string;
  msg: string;
  pid: number;
  err?: { type: string; message: string; stack?: string; code?: string; cause?: { type: string; message: string; code?: string } };
  [k: string]: unknown;
}
const readLines = (path: string): Line[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

test('createLogger writes JSON lines with pino fields and level_name; levels below the threshold are dropped', (t) => {
  const path = join(tempDir(t), 'agent.log');
  const log = createLogger({ level: 'info', name: 'echo-perf', file: { path } });
  log.debug('not written');
  log.info('started');
  log.warn('slow');
  log.error('broken');
  log.close();
  const lines = readLines(path);
  assert.deepEqual(
    lines.map((l) => [l.level, l.level_name, l.msg]),
    [
      [30, 'info', 'started'],
      [40, 'warn', 'slow'],
      [50, 'error', 'broken'],
    ],
  );
  for (const l of lines) {
    assert.equal(l.name, 'echo-perf');
    assert.equal(l.pid, process.pid);
    assert.ok(Math.abs(l.time - Date.now()) < 60_000, 'time is ms since the epoch');
  }
  assert.equal(log.target, path);
});

test('debug level writes debug lines; silent writes nothing; lines after close are dropped', (t) => {
  const dir = tempDir(t);
  const debug = createLogger({ level: 'debug', file: { path: join(dir, 'd.log') } });
  debug.debug('detail');
  debug.close();
  debug.info('after close');
  assert.deepEqual(readLines(join(dir, 'd.log')).map((l) => l.msg), ['detail']);
  const silent = createLogger({ level: 'silent', file: { path: join(dir, 's.log') } });
  silent.error('nothing');
  silent.close();
  assert.equal(readFileSync(join(dir, 's.log'), 'utf8'), '');
});

test('child loggers add their bindings to every line, nested children keep the parent\'s', (t) => {
  const path = join(tempDir(t), 'agent.log');
  const log = createLogger({ file: { path } });
  const collect = childLogger(log, { stage: 'collect' });
  collect.info('tick');
  childLogger(collect, { collector: 'gpu' }).warn('nvidia-smi slow');
  log.close();
  const [a, b] = readLines(path);
  assert.equal(a!.stage, 'collect');
  assert.equal(a!.msg, 'tick');
  assert.equal(b!.stage, 'collect');
  assert.equal(b!.collector, 'gpu');
});

test('childLogger on a logger without child prefixes the message, and passes errors through', () => {
  const mem = new MemoryLogger();
  const c = childLogger(childLogger(mem, { stage: 'collect' }), { collector: 'gpu' });
  const e = new Error('x');
  c.info('tick');
  c.error('failed', e);
  assert.deepEqual(mem.lines, [
    { level: 'info', msg: '[stage=collect collector=gpu] tick' },
    { level: 'error', msg: '[stage=collect collector=gpu] failed', err: e },
  ]);
});

test('an error is logged as err {type, message, stack, code, cause}', (t) => {
  const path = join(tempDir(t), 'agent.log');
  const log = createLogger({ file: { path } });
  const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  log.error('delivery failed', new TypeError('fetch failed', { cause: inner }));
  log.warn('odd value thrown', { not: 'an error' });
  log.close();
  const [a, b] = readLines(path);
  assert.equal(a!.msg, 'delivery failed');
  assert.equal(a!.err!.type, 'TypeError');
  assert.equal(a!.err!.message, 'fetch failed');
  assert.match(a!.err!.stack!, /^TypeError: fetch failed\n\s+at /);
  assert.match(a!.err!.stack!, /pinoLogger\.test\.ts/);
  assert.deepEqual({ ...a!.err!.cause, stack: undefined }, { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED', stack: undefined });
  assert.deepEqual(b!.err, { type: 'object', message: '{"not":"an error"}' });
});

test('secrets never reach the log: URLs in messages and errors, Slack keys, secret-named bindings', (t) => {
  const path = join(tempDir(t), 'agent.log');
  const log = createLogger({ file: { path } });
  log.warn('POST http://bob:hunter2@127.0.0.1:9/hook?token=tok-123&x=1 failed');
  log.error('slack down', new Error('POST https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX: 500'));
  childLogger(log, { notifier: 'pager', token: 'bind-secret-1' }).info('Authorization: Bearer abcdefgh12345678 refused');
  log.close();
  const text = readFileSync(path, 'utf8');
  for (const secret of ['hunter2', 'tok-123', 'XXXXSECRETXXXX', 'T000', 'bind-secret-1', 'abcdefgh12345678']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  const [a, b, c] = readLines(path);
  assert.equal(a!.msg, 'POST http://<secret>@127.0.0.1:9/hook?token=<secret>&x=1 failed');
  assert.equal(b!.err!.message, 'POST https://hooks.slack.com/services/<secret>: 500');
  assert.equal(c!.token, '<secret>');
  assert.equal(c!.notifier, 'pager');
});

test('a huge message is cut, not written whole', (t) => {
  const path = join(tempDir(t), 'agent.log');
  const log = createLogger({ file: { path } });
  log.info('x'.repeat(1_000_000));
  log.close();
  const [a] = readLines(path);
  assert.ok(a!.msg.length < 20_000, String(a!.msg.length));
});

test('format pretty writes human lines, not JSON; auto picks JSON when the destination is not a terminal', () => {
  const pretty: string[] = [];
  const p = createLogger({ format: 'pretty', destination: { write: (s) => pretty.push(s) } });
  p.warn('disk almost full', new Error('ENOSPC'));
  assert.equal(pretty.length, 1);
  assert.match(pretty[0]!, /WARN.*disk almost full/);
  assert.match(pretty[0]!, /Error: ENOSPC/);
  assert.throws(() => JSON.parse(pretty[0]!));
  const json: string[] = [];
  const j = createLogger({ format: 'auto', destination: { write: (s) => json.push(s), isTTY: false } });
  j.info('plain');
  assert.equal((JSON.parse(json[0]!) as Line).msg, 'plain');
  const tty: string[] = [];
  createLogger({ format: 'auto', destination: { write: (s) => tty.push(s), isTTY: true } }).info('on a terminal');
  assert.match(tty[0]!, /INFO.*on a terminal/);
});
