import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { componentPayload, prng } from '../../src/simulate/component.js';
import { fromJson } from '../../src/collect/components/payload.js';

const run = promisify(execFile);

test('simulated payloads of every component and scenario are valid under the component schemas', () => {
  for (const c of ['dtesn', 'echo_self', 'embodied'] as const) {
    for (const scenario of ['healthy', 'degraded'] as const) {
      const rnd = prng(7);
      for (let i = 0; i < 200; i++) {
        const r = fromJson(c, componentPayload(c, i, scenario, rnd), 0, { maxSamples: 100 });
        assert.ok(r.ok, `${c}/${scenario}/${i}: ${JSON.stringify(r)}`);
      }
    }
  }
});

test('echo-perf simulate component pushes to a running monitor; degraded values raise the seed alerts', async (t) => {
  const clock = new ManualClock(Date.now());
  const system = createIntegratedSystem(undefined, {
    // The CLI stamps pushes with the real time, which runs ahead of this ManualClock while the children start.
    config: { log_level: 'silent', server: { port: 0 }, echo_dash: { enabled: false }, push_max_future_seconds: 60, alerting: { default_for: 0 } },
    clock,
    systemCollector: false,
    logger: new MemoryLogger(),
    consoleAlerts: false,
  });
  await system.start();
  t.after(() => system.stop());
  const url = system.address!.url;
  const cli = ['--import', 'tsx', 'src/cli/main.ts', 'simulate', 'component'];
  await Promise.all(
    ['dtesn', 'echo-self', 'embodied'].map((c) => run(process.execPath, [...cli, c, '--url', url, '--count', '2', '--interval', '0.05', '--scenario', 'degraded'], { timeout: 30_000 })),
  );
  await clock.advance(1000);
  const snap = system.monitor.getCurrentMetrics()!;
  assert.ok(snap.evolutionConvergence! < 0.7);
  assert.ok(snap.sensoryMotorLatency! > 100);
  assert.ok(snap.proprioceptiveAccuracy! < 0.8);
  const metrics = new Set(system.monitor.getRecentAlerts().map((a) => a.metric));
  for (const m of ['evolution_convergence', 'sensory_motor_latency', 'proprioceptive_accuracy', 'a000081_compliance']) assert.ok(metrics.has(m), m);
  const bad = spawnSync(process.execPath, [...cli, 'robot'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /expected one of dtesn, echo-self, embodied/);
});
