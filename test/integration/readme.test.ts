/**
 * The README's library quick start runs as written: its TypeScript block is
 * copied into a project outside the repository, type-checked, and run with tsx
 * against the built package. Only its waits, its port and its stats directory
 * are changed, so that the test is short and touches nothing shared.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { consumerProject, REPO } from '../helpers/consumerProject.js';

/** The first ```ts block after `heading`. */
function codeBlock(markdown: string, heading: string): string {
  const at = markdown.indexOf(`\n${heading}\n`);
  assert.ok(at !== -1, `README has no "${heading}" section`);
  const start = markdown.indexOf('\n```ts\n', at);
  const end = markdown.indexOf('\n```\n', start + 1);
  assert.ok(start !== -1 && end !== -1, `no \`\`\`ts block under "${heading}"`);
  return markdown.slice(start + '\n```ts\n'.length, end + 1);
}

/** Replaces `from`, which must occur exactly once, so that an edit of the README cannot silently skip it. */
function replaceOnce(text: string, from: string, to: string): string {
  const n = text.split(from).length - 1;
  assert.equal(n, 1, `the quick start should contain ${JSON.stringify(from)} once; found ${n}`);
  return text.replace(from, () => to);
}

test('the README library quick start type-checks and runs against the built package', (t) => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const original = codeBlock(readme, '## Library quick start');
  let code = replaceOnce(original, 'sleep(10_000)', 'sleep(1_500)');
  code = replaceOnce(code, 'sleep(3_000)', 'sleep(1_500)');
  code = replaceOnce(code, 'port: 9464', 'port: 0');
  // Relative: the project's own directory, the script's working directory.
  code = replaceOnce(code, "'/tmp/echo_stats'", "'echo_stats'");
  const dir = consumerProject(
    t,
    { 'package.json': JSON.stringify({ name: 'readme-quick-start', private: true, type: 'module' }), 'quickstart.ts': code },
    ['tsx', '@types'],
  );
  const stats = join(dir, 'echo_stats');

  const tsc = spawnSync(
    process.execPath,
    [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', 'quickstart.ts'],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(tsc.status, 0, `tsc: ${tsc.stdout}${tsc.stderr}`);

  const r = spawnSync(process.execPath, ['--import', 'tsx', 'quickstart.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^CPU Usage: \d+(\.\d+)?%$/m);
  assert.match(r.stdout, /^Token Throughput: undefined tokens\/s$/m);
  const counted = /^(\d+) snapshots in metricsHistory from (\d+) collectors$/m.exec(r.stdout);
  assert.ok(counted, r.stdout);
  assert.ok(Number(counted[1]) >= 1 && Number(counted[2]) >= 1, counted[0]);
  assert.ok(existsSync(join(dir, 'echo-perf.json')), 'the quick start writes its config file');
  assert.ok(existsSync(join(stats, 'performance_metrics.json')), 'the integrated system wrote its echo.dash file');
});
