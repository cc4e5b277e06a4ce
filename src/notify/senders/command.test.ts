import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parse } from 'valibot';
import { alertOf, notificationOf } from '../../../test/helpers/notification.js';
import { isAlive, until } from '../../../test/helpers/processes.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { notifierSchema } from '../../config/notifiers.js';
import { MemoryLogger } from '../../core/logger.js';
import { DeliveryError } from '../notifier.js';
import { createCommandNotifier, KILL_GRACE_MS, type CommandConfig } from './command.js';

function config(argv: string[], env?: Record<string, string>): CommandConfig {
  return parse(notifierSchema, { type: 'command', argv, ...(env ? { env } : {}) }) as CommandConfig;
}
/** A real executable script in a temp dir. */
function script(t: TestContext, body: string): { path: string; dir: string } {
  const dir = tempDir(t, 'ep-cmd-');
  const path = join(dir, 'notify.mjs');
  writeFileSync(path, `#!/usr/bin/env node\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, dir };
}
async function failure(p: Promise<void>): Promise<DeliveryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DeliveryError, `expected a DeliveryError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the command to fail');
}
const signal = () => AbortSignal.timeout(10_000);
const READ_STDIN = `let s = ''; process.stdin.setEncoding('utf8'); for await (const c of process.stdin) s += c;`;

test('the command gets the webhook payload as one JSON line on stdin, an argument list and a bare environment', async (t) => {
  const { path, dir } = script(t, `${READ_STDIN}
import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], JSON.stringify({ stdin: s, args: process.argv.slice(3), env: process.env }));`);
  const out = join(dir, 'got.json');
  process.env['EP_TEST_AGENT_SECRET'] = 'must-not-leak';
  t.after(() => delete process.env['EP_TEST_AGENT_SECRET']);
  const n = createCommandNotifier(config([path, out, 'two words', '*'], { TEAM: 'infra' }), { logger: new MemoryLogger() });
  assert.equal(n.target, path);
  await n.send(notificationOf({ id: 'n-7' }), signal());
  const got = JSON.parse(readFileSync(out, 'utf8')) as { stdin: string; args: string[]; env: Record<string, string | undefined> };
  assert.ok(got.stdin.endsWith('}\n') && got.stdin.indexOf('\n') === got.stdin.length - 1, 'one line');
  const p = JSON.parse(got.stdin);
  assert.equal(p.version, '4');
  assert.equal(p.groupKey, '{component="vllm"}');
  assert.equal(p.alerts[0].labels.alertname, 'HighQueueDepth');
  assert.equal(p.alerts[0].endsAt, '0001-01-01T00:00:00Z');
  assert.deepEqual(got.args, ['two words', '*']);
  assert.equal(got.env.TEAM, 'infra');
  assert.equal(got.env.PATH, process.env['PATH']);
  assert.equal(got.env.EP_TEST_AGENT_SECRET, undefined);
});

test('a non-zero exit is a retryable error with the exit status and the last 500 characters of stderr', async (t) => {
  const { path } = script(t, `process.stderr.write('a'.repeat(2000) + 'LAST-WORDS\\n'); process.exit(3);`);
  const e = await failure(createCommandNotifier(config([path]), { logger: new MemoryLogger() }).send(notificationOf(), signal()));
  assert.equal(e.retryable, true);
  assert.match(e.message, /^command notifier "command": ".*notify\.mjs" exited with status 3; stderr: …a{490}LAST-WORDS$/);
});

test('a command that hangs is killed when the signal aborts, and the error is retryable "timed out"', async (t) => {
  const { path, dir } = script(t, `import { writeFileSync } from 'node:fs'; writeFileSync(process.argv[2], String(process.pid)); setInterval(() => {}, 1000);`);
  const pidFile = join(dir, 'pid');
  const timeout = new AbortController();
  const sent = createCommandNotifier(config([path, pidFile]), { logger: new MemoryLogger() }).send(notificationOf(), timeout.signal);
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the command to start');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  timeout.abort();
  const e = await failure(sent);
  assert.equal(e.retryable, true);
  assert.match(e.message, /timed out; stopped \(SIGTERM\)/);
  assert.equal(isAlive(pid), false, 'the command was reaped before send rejected');
});

test('a command that ignores SIGTERM gets SIGKILL after the grace period', async (t) => {
  const { path, dir } = script(t, `import { writeFileSync } from 'node:fs'; process.on('SIGTERM', () => {}); writeFileSync(process.argv[2], String(process.pid)); setInterval(() => {}, 1000);`);
  const pidFile = join(dir, 'pid');
  const timeout = new AbortController();
  const sent = createCommandNotifier(config([path, pidFile]), { logger: new MemoryLogger() }).send(notificationOf(), timeout.signal);
  // The pid is written after the SIGTERM handler is in place.
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the command to start');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  timeout.abort();
  const e = await failure(sent);
  assert.equal(e.retryable, true);
  assert.match(e.message, new RegExp(`timed out; killed \\(SIGKILL after ignoring SIGTERM for ${KILL_GRACE_MS} ms\\)`));
  // SIGKILL cannot be caught; the kernel finishes the process off right after.
  await until(() => !isAlive(pid), 'the killed command to be gone', 3000);
});

test('no shell: $(…), ; and quotes in an argument reach the program as they are', async (t) => {
  const dir = tempDir(t, 'ep-cmd-');
  const marker = join(dir, 'x');
  const logger = new MemoryLogger();
  const arg = `$(touch ${marker}); rm -rf "${dir}" \`touch ${marker}\``;
  await createCommandNotifier(config(['/bin/echo', arg]), { logger }).send(notificationOf(), signal());
  assert.equal(existsSync(marker), false);
  assert.equal(existsSync(dir), true);
  assert.ok(
    logger.lines.some((l) => l.level === 'debug' && l.msg.endsWith(`stdout: ${arg}`)),
    JSON.stringify(logger.lines),
  );
});

test('a missing or non-executable program is not retryable, and the message names argv[0]', async (t) => {
  const missing = await failure(createCommandNotifier(config(['/nonexistent/notify-ops']), { logger: new MemoryLogger() }).send(notificationOf(), signal()));
  assert.equal(missing.retryable, false);
  assert.match(missing.message, /cannot run "\/nonexistent\/notify-ops": not found \(ENOENT\); expected argv\[0\] to be an executable file/);
  const { path } = script(t, 'process.exit(0);');
  chmodSync(path, 0o644);
  const denied = await failure(createCommandNotifier(config([path]), { logger: new MemoryLogger() }).send(notificationOf(), signal()));
  assert.equal(denied.retryable, false);
  assert.match(denied.message, /permission denied \(EACCES\)/);
});

test('a command that exits without reading stdin does not crash the agent (EPIPE); its exit status decides', async (t) => {
  const { path } = script(t, 'process.exit(0);');
  // Far more than a pipe buffer, so the write is still going when the command is gone.
  const alerts = Array.from({ length: 3000 }, (_, i) => alertOf({ fingerprint: `f${i}`, annotations: { summary: 'z'.repeat(200) } }));
  const n = createCommandNotifier(config([path]), { logger: new MemoryLogger() });
  for (let i = 0; i < 3; i++) await n.send(notificationOf({ alerts }), signal());
  const { path: failing } = script(t, 'process.exit(1);');
  const e = await failure(createCommandNotifier(config([failing]), { logger: new MemoryLogger() }).send(notificationOf({ alerts }), signal()));
  assert.match(e.message, /exited with status 1$/);
});

test('a flood of output is capped and does not stall the command', async (t) => {
  const { path } = script(t, `const chunk = 'o'.repeat(1 << 16); for (let i = 0; i < 160; i++) { process.stdout.write(chunk); process.stderr.write(chunk); } process.stderr.write('END');`);
  const logger = new MemoryLogger();
  await createCommandNotifier(config([path]), { logger }).send(notificationOf(), signal());
  const line = logger.lines.find((l) => l.msg.includes('stdout: '));
  assert.ok(line !== undefined && line.msg.length < 400, 'the log quotes at most 200 characters of stdout');
});
