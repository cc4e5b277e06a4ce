/**
 * What `echo-perf start` costs to keep running. It loads only what the agent runs: the other commands' code
 * (demo, simulator, replay, report, query, export) stays on disk. Each module
 * loaded is source, bytecode and start-up garbage the long-running process
 * keeps (BENCHMARKS.md, "where the RSS goes"). The built CLI runs for real,
 * with a module loader hook that writes down every URL it loads. The CLI is a
 * bundle (scripts/build-cli.mjs): which of our source files a loaded chunk
 * holds is read from its source map.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { tempDir } from '../helpers/tempTree.js';

const BUILT = 'dist/cli/main.js';
/** Source files of other commands that a running agent has no use for. */
const NOT_FOR_START = /(^|\/)src\/(cli\/(demo|demoSession|replay|report|query|exportCmd|silence|rules|notify|configCmd|simulateComponent)|simulate\/engine\/(index|cli|simulator|server))\.ts$/;

/** Our source files (src/...) that the loaded files of dist/ were built from. */
function sourcesOf(urls: readonly string[]): string[] {
  const out: string[] = [];
  for (const u of urls) {
    if (!u.startsWith('file:') || !u.includes('/dist/')) continue;
    const map = fileURLToPath(u) + '.map';
    assert.ok(existsSync(map), `${map} is missing: the build writes a source map beside each file`);
    const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    out.push(...sources.filter((s) => !s.includes('node_modules/')).map((s) => s.replace(/^(\.\.\/)+/, '')));
  }
  return out;
}

test('start loads none of the other commands\' modules', async (t) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  const dir = tempDir(t, 'ep-start-modules-');
  const list = join(dir, 'loaded.txt');
  const hook = join(dir, 'hook.mjs');
  writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function load(url, ctx, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, ctx); }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ echo_dash: { stats_dir: join(dir, 'echo_stats') } }));
  const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, BUILT, 'start', '--port', '0', '--config', cfg, '--data-dir', join(dir, 'data')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (out.includes('echo-perf monitoring') || child.exitCode !== null) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
  child.kill('SIGTERM');
  const code = await exited;
  clearTimeout(killer);
  assert.equal(code, 0, `start exited ${code}: ${err}`);
  const urls = readFileSync(list, 'utf8').split('\n').filter((u) => u !== '');
  const sources = sourcesOf(urls);
  // The hook saw the agent's own modules: an empty list would pass the check below for nothing.
  assert.ok(sources.includes('src/cli/start.ts'), `start.ts not among the ${sources.length} sources of ${urls.length} loaded modules`);
  assert.ok(sources.includes('src/monitor/integrated.ts'));
  assert.ok(sources.includes('src/store/disk/writer.worker.ts'), 'the writer thread runs the bundle beside the CLI');
  const extra = sources.filter((u) => NOT_FOR_START.test(u));
  assert.deepEqual(extra, [], 'modules of other commands loaded by start');
  // The CLI a start runs is the bundle: none of tsc's one-file-per-module output in dist/ is loaded.
  const unbundled = urls.filter((u) => u.includes('/dist/') && !/\/dist\/cli\/[\w.-]+\.js$/.test(u));
  assert.deepEqual(unbundled, []);
});

test('npm start runs node with the flags of the CLI\'s shebang (the V8 settings the RSS and CPU figures were measured with)', () => {
  const shebang = readFileSync('src/cli/main.ts', 'utf8').split('\n', 1)[0]!;
  const m = /^#!\/usr\/bin\/env -S node((?: --[a-z-]+(?:=\d+)?)+)$/.exec(shebang);
  assert.ok(m, `shebang ${shebang.slice(0, 100)}`);
  const flags = m[1]!.trim();
  assert.match(flags, /--max-semi-space-size=\d+/);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts['start'], `node ${flags} dist/cli/main.js start`);
});
