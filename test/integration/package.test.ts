/**
 * The published entry points, used from projects outside the repository:
 * ES modules everywhere, CommonJS `require()` where Node loads ES modules
 * synchronously (20.19+, 22.12+, 23+).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { consumerProject, REPO } from '../helpers/consumerProject.js';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

// Calls that exercise the package for real: config validation, its error class, a monitor.
const USE = `
const c = ep.parseConfig({ monitoring_interval: 2 });
let code;
try { ep.parseConfig({ monitoring_interval: -1 }); } catch (e) { code = e instanceof ep.EchoPerfError ? e.code : 'other'; }
const monitor = ep.createDefaultMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: false });
console.log(JSON.stringify({ interval: c.monitoring_interval, code, monitorInterval: monitor.monitorInterval, version }));
`;

function runIn(dir: string, file: string): { interval: number; code: string; monitorInterval: number; version: string } {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { interval: number; code: string; monitorInterval: number; version: string };
}

test('require("echo-perf") from a CommonJS project', { skip: requireEsm ? false : `Node ${process.versions.node} cannot require() ES modules (needs 20.19+, 22.12+ or 23+)` }, (t) => {
  const dir = consumerProject(t, {
    // No "type": "module": .js files here are CommonJS.
    'package.json': JSON.stringify({ name: 'cjs-consumer', private: true }),
    'index.js': `const ep = require('echo-perf');\nconst { version } = require('echo-perf/package.json');\n${USE}`,
  });
  assert.deepEqual(runIn(dir, 'index.js'), { interval: 2, code: 'EP_ERR_CONFIG_INVALID', monitorInterval: 1, version });
});

test('import from an ES module project', (t) => {
  const dir = consumerProject(t, {
    'package.json': JSON.stringify({ name: 'esm-consumer', private: true, type: 'module' }),
    'index.js': `import * as ep from 'echo-perf';\nimport { createRequire } from 'node:module';\nconst { version } = createRequire(import.meta.url)('echo-perf/package.json');\n${USE}`,
  });
  assert.deepEqual(runIn(dir, 'index.js'), { interval: 2, code: 'EP_ERR_CONFIG_INVALID', monitorInterval: 1, version });
});

test('package.json exports: types, import and a default condition for require()', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
  assert.deepEqual(Object.keys(pkg.exports['.']!), ['types', 'import', 'default'], 'types first, default last (conditions match in order)');
});
