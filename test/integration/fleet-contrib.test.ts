/**
 * The deployment recipes of docs/fleet.md: the systemd unit is one systemd
 * loads without a warning and rates as hardened (`systemd-analyze verify` and
 * `security --offline`, systemd 252), and both it and the Containerfile start
 * the agent with flags `echo-perf start` has, from files the repository has
 * or the build makes. The image itself is not built here (no container engine).
 * The node config docs/fleet.md shows is one the agent accepts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { START_USAGE } from '../../src/cli/usage.js';
import { parseConfig } from '../../src/config/index.js';
import { requirePeer } from '../helpers/peers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UNIT = readFileSync(join(ROOT, 'contrib/systemd/echo-perf.service'), 'utf8');
const CONTAINERFILE = readFileSync(join(ROOT, 'contrib/container/Containerfile'), 'utf8');
/** systemd rates exposure from 0 (locked down) to 10 (exposed); below 4 it says "OK". */
const MAX_EXPOSURE = 3;

function unitValue(key: string): string {
  const m = new RegExp(`^${key}=(.*)$`, 'm').exec(UNIT);
  assert.ok(m, `${key}= in the unit`);
  return m[1]!;
}

/** Every `--flag` of `args` must be one START_USAGE documents. */
function assertStartFlags(args: readonly string[], where: string): void {
  assert.equal(args[0], 'start', `${where}: runs echo-perf start`);
  const flags = args.filter((a) => a.startsWith('--'));
  assert.ok(flags.length > 0, `${where}: passes flags`);
  for (const f of flags) assert.ok(START_USAGE.includes(` ${f} `), `${where}: ${f} is not a flag of echo-perf start`);
}

test('systemd unit: loads clean, hardened (exposure ≤ 3), history in its StateDirectory', { timeout: 30_000 }, (t) => {
  const analyze = requirePeer(t, 'systemd-analyze');
  if (analyze === undefined) return;
  const exec = unitValue('ExecStart').split(/\s+/);
  assert.equal(exec[0], '/usr/local/bin/echo-perf', 'where npm install -g puts the CLI');
  assertStartFlags(exec.slice(1), 'ExecStart');
  assert.equal(exec[exec.indexOf('--data-dir') + 1], `/var/lib/${unitValue('StateDirectory')}`);
  assert.equal(exec[exec.indexOf('--config') + 1]!.split('/').slice(0, 3).join('/'), `/etc/${unitValue('ConfigurationDirectory')}`);

  // verify checks that ExecStart's program exists and is executable: stand the built CLI there.
  const dir = mkdtempSync(join(tmpdir(), 'ep-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const shim = join(dir, 'echo-perf');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'dist/cli/main.js'))} "$@"\n`);
  chmodSync(shim, 0o755);
  const unit = join(dir, 'echo-perf.service');
  writeFileSync(unit, UNIT.replaceAll('/usr/local/bin/echo-perf', shim));
  const verify = spawnSync(analyze, ['verify', unit], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(verify.status, 0, verify.stderr);
  // Unknown keys and bad values are only warnings to systemd: any output is a mistake in the unit.
  assert.equal(verify.stderr.trim(), '');

  const security = spawnSync(analyze, ['security', '--offline=yes', '--no-pager', unit], { encoding: 'utf8', timeout: 20_000 });
  const m = /Overall exposure level for echo-perf\.service: ([\d.]+)/.exec(security.stdout);
  assert.ok(m, security.stdout.slice(-500) + security.stderr);
  assert.ok(Number(m[1]) <= MAX_EXPOSURE, `exposure ${m[1]} > ${MAX_EXPOSURE}`);

  const shown = spawnSync(shim, ['start', '--help'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /usage: echo-perf start/);
});

test('Containerfile: copies only what the repository has, runs the CLI the build makes with flags of echo-perf start', () => {
  const lines = CONTAINERFILE.split('\n').filter((l) => !l.startsWith('#'));
  const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
  assert.ok(copies.length >= 3);
  for (const c of copies) {
    const parts = c.split(/\s+/).slice(1, -1);
    for (const p of parts) assert.ok(existsSync(join(ROOT, p)), `${c}: ${p} is not in the repository`);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
  assert.ok(pkg.scripts['prepare'] !== undefined, 'npm ci builds through `prepare`');
  const workdir = /^WORKDIR (\S+)$/m.exec(CONTAINERFILE.slice(CONTAINERFILE.lastIndexOf('FROM ')))![1]!;
  const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(CONTAINERFILE)![1]!) as string[];
  assert.equal(entry.at(-1), join(workdir, pkg.bin['echo-perf']!), 'the entry point is the package\'s bin');
  // The same V8 flags as the bin's shebang (no memory reducer, a small young generation: BENCHMARKS.md).
  const shebang = readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8').split('\n')[0]!;
  assert.deepEqual(entry.slice(1, -1), shebang.split(' ').filter((w) => w.startsWith('--')), 'node flags as in the shebang');
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(CONTAINERFILE)![1]!) as string[];
  assertStartFlags(cmd, 'CMD');
  const volume = /^VOLUME (\S+)$/m.exec(CONTAINERFILE)![1]!;
  assert.equal(cmd[cmd.indexOf('--data-dir') + 1], volume, 'history on the volume');
});

test('docs/fleet.md: the node config it shows is valid and lists every Alertmanager as a notifier', () => {
  const doc = readFileSync(join(ROOT, 'docs/fleet.md'), 'utf8');
  const at = doc.indexOf('\n## The agent on each node\n');
  assert.ok(at !== -1);
  const start = doc.indexOf('\n```json\n', at) + '\n```json\n'.length;
  const cfg = parseConfig(JSON.parse(doc.slice(start, doc.indexOf('\n```\n', start))), 'docs/fleet.md');
  assert.equal(cfg.remote_write[0]!.external_labels?.['instance'], 'gpu-node-7');
  const ams = cfg.notifiers.filter((n) => n.type === 'alertmanager');
  assert.ok(ams.length >= 2, 'an Alertmanager cluster: every member a notifier');
});
