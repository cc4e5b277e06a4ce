/**
 * The GPU collector against real child processes: fake nvidia-smi and
 * rocm-smi (test/fixtures/bin, replaying real captures from
 * test/fixtures/engines) found through the `path` option, and a DCGM
 * exporter page served on 127.0.0.1. Restart backoff runs on a ManualClock;
 * waits for child output are bounded (each test ends itself in seconds).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGpuCollector, type GpuCollector, type GpuCollectorOptions } from '../../src/collect/gpu/index.js';
import { ROCM_SMI_ARGS } from '../../src/collect/gpu/rocmSmi.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { Sample } from '../../src/core/types.js';
import { isAlive, until } from '../helpers/processes.js';
import { invocations, tempLog } from '../helpers/fakeTool.js';

const BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));
const FIXTURES = new URL('../fixtures/engines/', import.meta.url);
const MIB = 1048576;
const H100 = 'NVIDIA H100 80GB HBM3';
const UUID0 = 'GPU-00000000-0000-0000-0000-000000000000';
const UUID1 = 'GPU-00000000-0000-0000-0000-000000000001';





/** A collector closed after the test. The first collect may wait up to 8 s for a (slow-starting, on a busy CI) fake tool. */
function open(t: TestContext, o: GpuCollectorOptions): GpuCollector {
  const c = createGpuCollector({ startupWaitMs: 8000, ...o });
  t.after(() => c.close());
  return c;
}

const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const find = (ss: Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  ss.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const value = (ss: Sample[], name: string, labels: Record<string, string> = {}): number | undefined => {
  const m = find(ss, name, labels);
  assert.ok(m.length <= 1, `${name} ${JSON.stringify(labels)} is one series`);
  return m[0]?.v;
};

void test('no tool on PATH and no dcgm_url: unavailable, said once at info, collect() returns nothing', async (t) => {
  const logger = new MemoryLogger();
  const c = open(t, { path: '', logger });
  assert.equal(c.name, 'gpu');
  const s = c.status();
  assert.equal(s.state, 'unavailable');
  assert.equal(s.reason, 'no nvidia-smi or rocm-smi on PATH and no dcgm_url configured');
  assert.deepEqual(s.sources, []);
  assert.deepEqual(await c.collect(Date.now(), signal()), []);
  assert.deepEqual(await c.collect(Date.now(), signal()), []);
  assert.deepEqual(
    logger.lines.map((l) => [l.level, l.msg]),
    [['info', 'gpu: unavailable: no nvidia-smi or rocm-smi on PATH and no dcgm_url configured; GPU metrics are left out']],
  );
  const off = open(t, { path: BIN, nvidiaSmi: false, rocmSmi: '/nonexistent/rocm-smi' });
  assert.equal(off.status().state, 'unavailable');
  assert.equal(off.status().reason, 'nvidia-smi turned off and rocm-smi at /nonexistent/rocm-smi is not an executable file and no dcgm_url configured');
});

void test('nvidia-smi on PATH: three long-lived loop processes (query-gpu, compute-apps, dmon at 10 s), figures in base units, per-process memory, close() leaves no child', async (t) => {
  const log = tempLog(t);
  const c = open(t, {
    path: BIN,
    rocmSmi: false,
    intervalMs: 100,
    env: { ...process.env, FAKE_NVIDIA_SMI_GPUS: '2', FAKE_NVIDIA_SMI_LOG: log },
  });
  assert.equal(c.status().state, 'idle');
  const first = await c.collect(Date.now(), signal());
  assert.ok(first.length > 0, 'the first collect waits for the first rows');

  let ss: Sample[] = [];
  await until(async () => {
    ss = await c.collect(Date.now(), signal());
    return find(ss, 'gpu_process_memory_bytes').length === 3 && find(ss, 'gpu_utilization').length === 2;
  }, 'both GPUs and the three processes');

  const g0 = { gpu: '0', uuid: UUID0, name: H100 };
  const g1 = { gpu: '1', uuid: UUID1, name: H100 };
  assert.deepEqual(find(ss, 'gpu_utilization', { gpu: '0' })[0]!.labels, g0);
  assert.equal(value(ss, 'gpu_utilization', g0), 100);
  assert.equal(value(ss, 'gpu_utilization', g1), 0);
  assert.equal(value(ss, 'gpu_memory_used_bytes', g0), 19818 * MIB);
  assert.equal(value(ss, 'gpu_memory_total_bytes', g0), 81559 * MIB);
  assert.ok(Math.abs(value(ss, 'gpu_memory_usage', g0)! - (19818 / 81559) * 100) < 1e-9);
  assert.equal(value(ss, 'gpu_memory_utilization', g0), 11);
  assert.equal(value(ss, 'gpu_temperature_celsius', g0), 59);
  assert.equal(value(ss, 'gpu_temperature_celsius', g1), 41);
  assert.equal(value(ss, 'gpu_power_draw_watts', g0), 631.95);
  assert.equal(value(ss, 'gpu_power_limit_watts', g0), 700);
  assert.equal(value(ss, 'gpu_sm_clock_hz', g0), 1980e6);
  assert.equal(value(ss, 'gpu_sm_clock_hz', g1), 345e6);
  assert.equal(value(ss, 'gpu_memory_clock_hz', g0), 2619e6);
  assert.equal(value(ss, 'gpu_fan_speed', g0), undefined, '[N/A] on the H100 is absent, not 0');
  assert.deepEqual(find(ss, 'gpu_throttle_active', { gpu: '0' }), []);
  assert.deepEqual(
    find(ss, 'gpu_throttle_active', { gpu: '1' }).map((s) => [s.labels['reason'], s.v]),
    [['gpu_idle', 1]],
  );
  assert.equal(value(ss, 'gpu_ecc_errors', { ...g0, type: 'corrected' }), 0);
  assert.equal(value(ss, 'gpu_ecc_errors', { ...g0, type: 'uncorrected' }), 0);
  assert.deepEqual(
    find(ss, 'gpu_process_memory_bytes').map((s) => [s.labels, s.v]),
    [
      [{ gpu: '0', uuid: UUID0, pid: '11327', process: '/root/tools/memhog' }, 2566 * MIB],
      [{ gpu: '0', uuid: UUID0, pid: '11328', process: '/root/tools/memhog' }, 1542 * MIB],
      [{ gpu: '0', uuid: UUID0, pid: '11345', process: './gpu_burn' }, 15690 * MIB],
    ],
  );
  assert.deepEqual(find(ss, 'gpu_count'), [{ name: 'gpu_count', labels: {}, t: ss[0]!.t, v: 2 }]);

  const status = c.status();
  assert.equal(status.state, 'ok');
  const nv = status.sources[0]!;
  assert.equal(nv.kind, 'nvidia-smi');
  assert.equal(nv.target, join(BIN, 'nvidia-smi'));
  assert.equal(nv.gpus, 2);
  assert.equal(nv.restarts, 0);
  assert.deepEqual(nv.droppedFields, []);
  const pids = nv.children.map((ch) => ch.pid!);
  assert.deepEqual(
    nv.children.map((ch) => [ch.label, ch.state, ch.restarts]),
    [
      ['nvidia-smi --query-gpu', 'running', 0],
      ['nvidia-smi --query-compute-apps', 'running', 0],
      ['nvidia-smi dmon', 'running', 0],
    ],
  );
  assert.deepEqual(nv.children[2]!.args, ['dmon', '-s', 'vmet', '--gpm-metrics', '2,3,5,10,11,12,13,20,21,60,61', '--format', 'csv,nounit', '-d', '10']);
  assert.ok(pids.every(isAlive));

  // Loop mode: after many periods and collects, still exactly the two invocations.
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 60));
    await c.collect(Date.now(), signal());
  }
  const calls = invocations(log);
  assert.equal(calls.length, 3);
  assert.deepEqual(calls.find((a) => a[0]!.startsWith('--query-gpu='))!.slice(1), ['--format=csv,noheader,nounits', '-lms', '100']);
  assert.deepEqual(calls.find((a) => a[0]!.startsWith('--query-compute-apps=')), [
    '--query-compute-apps=timestamp,pid,process_name,used_memory,gpu_uuid',
    '--format=csv,noheader,nounits',
    '-lms',
    '100',
  ]);
  assert.deepEqual(
    c.status().sources[0]!.children.map((ch) => ch.pid),
    pids,
  );

  await c.close();
  assert.ok(pids.every((p) => !isAlive(p)), 'close() leaves no child behind');
  assert.equal(c.status().state, 'closed');
  assert.deepEqual(await c.collect(Date.now(), signal()), []);
  await c.close(); // idempotent
});

void test('a dying nvidia-smi is restarted with 1 s then 2 s backoff on the clock; its stderr is the lastError; stale rows are left out', async (t) => {
  const clock = new ManualClock(1_000_000);
  const c = open(t, {
    path: BIN,
    rocmSmi: false,
    intervalMs: 100,
    clock,
    env: { ...process.env, FAKE_NVIDIA_SMI_EXIT_AFTER: '3', FAKE_NVIDIA_SMI_APPS: '0' },
  });
  const gpuChild = () => c.status().sources[0]!.children[0]!;
  const ss = await c.collect(clock.now(), signal());
  assert.equal(value(ss, 'gpu_utilization', { gpu: '0' }), 100);
  const pid1 = gpuChild().pid!;

  await until(() => gpuChild().state === 'backoff', 'the first death');
  let child = gpuChild();
  assert.match(child.lastError ?? '', /^nvidia-smi --query-gpu exited with code 15: Unable to determine the device handle for GPU0000:00:09\.0: Unknown Error$/);
  assert.equal(child.restarts, 0);
  assert.equal(child.nextStartAt, clock.now() + 1000);
  assert.equal(c.status().state, 'degraded');
  assert.equal(c.status().reason, child.lastError);
  assert.equal(isAlive(pid1), false);

  // Rows older than 3 intervals are left out: absent, not the last value, and no gpu_count.
  await clock.advance(300);
  assert.equal(find(await c.collect(clock.now(), signal()), 'gpu_utilization').length, 1, 'still fresh at 3 intervals');
  await clock.advance(1);
  assert.deepEqual(await c.collect(clock.now(), signal()), []);

  await clock.advance(698);
  assert.equal(gpuChild().state, 'backoff');
  await clock.advance(1); // 1000 ms after the death
  assert.equal(gpuChild().restarts, 1);
  await until(async () => find(await c.collect(clock.now(), signal()), 'gpu_utilization').length === 1, 'rows from the restarted child');
  assert.notEqual(gpuChild().pid, pid1);

  await until(() => gpuChild().state === 'backoff', 'the second death');
  child = gpuChild();
  assert.equal(child.nextStartAt, clock.now() + 2000);
  assert.equal(c.status().sources[0]!.restarts, 1);
  await clock.advance(2000);
  assert.equal(gpuChild().restarts, 2);
  assert.equal(gpuChild().state, 'running');
  await c.close();
  assert.equal(clock.pendingTimers, 0, 'close() cancels the restart timer');
});

void test('optional fields the driver rejects are dropped (the throttle field falls back to its old name); a rejected core field is an error', async (t) => {
  const logger = new MemoryLogger();
  const c = open(t, {
    path: BIN,
    rocmSmi: false,
    intervalMs: 100,
    logger,
    env: { ...process.env, FAKE_NVIDIA_SMI_GPUS: '2', FAKE_NVIDIA_SMI_INVALID_FIELDS: 'clocks_event_reasons.active,fan.speed' },
  });
  const ss = await c.collect(Date.now(), signal());
  const nv = c.status().sources[0]!;
  assert.deepEqual(nv.droppedFields, ['clocks_event_reasons.active', 'fan.speed']);
  assert.ok(nv.fields.includes('clocks_throttle_reasons.active'));
  assert.ok(!nv.fields.includes('fan.speed'));
  assert.equal(nv.restarts, 0);
  assert.equal(nv.state, 'ok');
  assert.deepEqual(
    find(ss, 'gpu_throttle_active').map((s) => [s.labels['gpu'], s.labels['reason']]),
    [['1', 'gpu_idle']],
  );
  assert.ok(logger.lines.some((l) => l.level === 'info' && l.msg.includes('field "fan.speed" is not supported by this driver')));

  const core = open(t, {
    path: BIN,
    rocmSmi: false,
    intervalMs: 100,
    clock: new ManualClock(0),
    env: { ...process.env, FAKE_NVIDIA_SMI_INVALID_FIELDS: 'power.limit', FAKE_NVIDIA_SMI_APPS: '0' },
  });
  assert.deepEqual(await core.collect(0, signal()), []);
  const st = core.status();
  assert.equal(st.state, 'degraded');
  assert.match(st.reason ?? '', /exited with code 2: Field "power\.limit" is not a valid field to query\./);
});

void test('rocm-smi on PATH: one JSON run per collect, four MI100 cards', async (t) => {
  const log = tempLog(t);
  const c = open(t, { path: BIN, nvidiaSmi: false, env: { ...process.env, FAKE_ROCM_SMI_LOG: log } });
  const ss = await c.collect(42, signal());
  assert.equal(value(ss, 'gpu_count'), 4);
  const card0 = { gpu: '0', uuid: '0x79ccd55167a2124a', name: 'Arcturus GL-XL [Instinct MI100]' };
  assert.equal(value(ss, 'gpu_utilization', card0), 0);
  assert.equal(value(ss, 'gpu_memory_total_bytes', card0), 34342961152);
  assert.equal(value(ss, 'gpu_memory_used_bytes', card0), 6750208);
  assert.equal(value(ss, 'gpu_temperature_celsius', card0), 53);
  assert.equal(value(ss, 'gpu_power_draw_watts', card0), 36);
  assert.equal(value(ss, 'gpu_power_limit_watts', card0), 290);
  assert.equal(value(ss, 'gpu_sm_clock_hz', card0), 300e6);
  assert.equal(value(ss, 'gpu_temperature_celsius', { gpu: '3' }), 51);
  assert.ok(ss.every((s) => s.t === 42));
  await c.collect(43, signal());
  assert.deepEqual(invocations(log), [[...ROCM_SMI_ARGS], [...ROCM_SMI_ARGS]]);
  const st = c.status();
  assert.equal(st.state, 'ok');
  assert.equal(st.sources[0]!.kind, 'rocm-smi');
  assert.equal(st.sources[0]!.gpus, 4);
});

void test('rocm-smi failing, hanging, or rejecting flags', async (t) => {
  const failing = open(t, { path: BIN, nvidiaSmi: false, env: { ...process.env, FAKE_ROCM_SMI_FAIL: '1' } });
  assert.deepEqual(await failing.collect(0, signal()), []);
  assert.equal(failing.status().state, 'degraded');
  assert.equal(failing.status().reason, 'rocm-smi exited with code 1: ERROR:root:Driver not initialized (amdgpu not found in modules)');

  const hanging = open(t, { path: BIN, nvidiaSmi: false, timeoutMs: 300, env: { ...process.env, FAKE_ROCM_SMI_SLEEP_MS: '5000' } });
  const t0 = Date.now();
  assert.deepEqual(await hanging.collect(0, signal()), []);
  assert.ok(Date.now() - t0 < 3000);
  assert.equal(hanging.status().reason, 'rocm-smi timed out after 300 ms');

  // close() aborts a run in flight rather than waiting for its timeout.
  const slow = open(t, { path: BIN, nvidiaSmi: false, timeoutMs: 60_000, env: { ...process.env, FAKE_ROCM_SMI_SLEEP_MS: '5000' } });
  const t1 = Date.now();
  const pending = slow.collect(0, signal());
  await new Promise((r) => setTimeout(r, 200));
  await slow.close();
  assert.deepEqual(await pending, []);
  assert.ok(Date.now() - t1 < 3000);

  const log = tempLog(t);
  const old = open(t, {
    path: BIN,
    nvidiaSmi: false,
    env: { ...process.env, FAKE_ROCM_SMI_ONLY_ALL: '1', FAKE_ROCM_SMI_FIXTURE: 'rocm-smi-a-json-mi250-single-line.json', FAKE_ROCM_SMI_LOG: log },
  });
  const ss = await old.collect(0, signal());
  assert.equal(value(ss, 'gpu_power_draw_watts', { gpu: '0' }), 89);
  assert.equal(value(ss, 'gpu_count'), 1);
  await old.collect(1, signal());
  assert.deepEqual(invocations(log), [[...ROCM_SMI_ARGS], ['-a', '--json'], ['-a', '--json']]);
});

void test('dcgm_url: NVIDIA figures come from the exporter and nvidia-smi is not started', async (t) => {
  const page = readFileSync(new URL('dcgm-exporter-nvidia-l4.metrics.txt', FIXTURES), 'utf8');
  let up = true;
  const server = createServer((_req, res) => {
    if (!up) {
      res.statusCode = 503;
      res.end('down');
      return;
    }
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;

  const c = open(t, { path: BIN, rocmSmi: false, dcgmUrl: url });
  const ss = await c.collect(7, signal());
  const l4 = { gpu: '0', uuid: 'GPU-c2f76b33-7953-256e-8f33-1343419b1a1c', name: 'NVIDIA L4' };
  assert.equal(value(ss, 'gpu_power_draw_watts', l4), 16.365);
  assert.equal(value(ss, 'gpu_temperature_celsius', l4), 31);
  assert.equal(value(ss, 'gpu_memory_total_bytes', l4), 23033 * MIB);
  assert.equal(value(ss, 'gpu_memory_used_bytes', l4), 0);
  assert.equal(value(ss, 'gpu_sm_clock_hz', l4), 210e6);
  assert.equal(value(ss, 'gpu_count'), 1);
  const st = c.status();
  assert.deepEqual(
    st.sources.map((s) => [s.kind, s.target, s.state]),
    [['dcgm', url, 'ok']],
  );
  up = false;
  assert.deepEqual(await c.collect(8, signal()), []);
  assert.equal(c.status().state, 'degraded');
  assert.match(c.status().reason ?? '', /^dcgm exporter http:\/\/127\.0\.0\.1:\d+\/metrics: server returned HTTP status 503/);
});

void test('both tools on PATH: NVIDIA and AMD figures in one collect, gpu_count over both', async (t) => {
  const c = open(t, { path: BIN, intervalMs: 100, env: { ...process.env, FAKE_NVIDIA_SMI_APPS: '0' } });
  const ss = await c.collect(1, signal());
  assert.deepEqual(
    c.status().sources.map((s) => s.kind),
    ['nvidia-smi', 'rocm-smi'],
  );
  assert.equal(value(ss, 'gpu_count'), 5);
  assert.equal(find(ss, 'gpu_utilization').length, 5);
  assert.equal(value(ss, 'gpu_utilization', { name: H100 }), 100);
});
