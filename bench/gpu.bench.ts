/**
 * Cost of one GPU collect() on the NVIDIA path: echo-perf reads the latest
 * rows that its long-lived `nvidia-smi -lms` child already streamed, against
 * the baseline of spawning one `nvidia-smi --query-gpu … --format=csv` per
 * collect (what per-scrape exporters do), measured in the same run.
 *
 * Run: node --import tsx bench/gpu.bench.ts
 * Both use the fake nvidia-smi in test/fixtures/bin (a Node script replaying
 * the H100 capture, 8 GPUs), so:
 * - ours: the median wall and CPU µs of collect() in this process, plus the
 *   per-row parse cost (rows arrive 8 per interval, parsed as they come);
 * - the nvidia-smi child's own CPU per second is the real tool's (NVML
 *   queries of the driver) and is NOT measured here: the fake's CPU is Node's;
 * - the spawn baseline's wall time is dominated by the fake's Node start-up
 *   (~40 ms), not by real nvidia-smi's NVML initialisation (often 100 ms–2 s
 *   without persistence mode); it shows the shape of the cost, not its size.
 * The last line is JSON.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createGpuCollector } from '../src/collect/gpu/index.js';
import { FieldSet, GpuRowParser, parseNvidiaSmiCsv } from '../src/collect/gpu/nvidiaCsv.js';
import { median } from './common.js';

const BIN = fileURLToPath(new URL('../test/fixtures/bin', import.meta.url));
const GPUS = 8;
const RUNS = 5000;
const WARMUP = 3000;
const SPAWN_RUNS = 20;
const env = { ...process.env, FAKE_NVIDIA_SMI_GPUS: String(GPUS) };

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function measureOurs(): Promise<{ wall: number; p99: number; cpu: number; samples: number }> {
  const c = createGpuCollector({ path: BIN, rocmSmi: false, intervalMs: 100, env, startupWaitMs: 10_000 });
  const signal = new AbortController().signal;
  try {
    let samples = 0;
    const deadline = Date.now() + 10_000;
    // Wait until both children have streamed: GPU rows and the process rows.
    while (Date.now() < deadline) {
      const ss = await c.collect(Date.now(), signal);
      samples = ss.length;
      if (ss.some((s) => s.name === 'gpu_process_memory_bytes') && ss.filter((s) => s.name === 'gpu_utilization').length === GPUS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < WARMUP; i++) await c.collect(Date.now(), signal);
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c0 = cpuUs();
      const t0 = performance.now();
      await c.collect(Date.now(), signal);
      wall.push((performance.now() - t0) * 1000);
      cpu.push(cpuUs() - c0);
    }
    return { wall: median(wall), p99: pct(wall, 0.99), cpu: median(cpu), samples };
  } finally {
    await c.close();
  }
}

function measureParse(): number {
  const fields = new FieldSet().fields();
  const p = new GpuRowParser(fields);
  const row = '3, GPU-00000000-0000-0000-0000-000000000003, NVIDIA H100 80GB HBM3, 100, 19818, 81559, 59, 631.95, 700.00, 1980, 2619, 0x0000000000000000, 0, 0, 11, [N/A]';
  const n = 20_000;
  for (let i = 0; i < 2000; i++) p.parse(row);
  const per: number[] = [];
  for (let k = 0; k < 9; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) p.parse(row);
    per.push(((performance.now() - t0) * 1000) / n);
  }
  return median(per);
}

async function measureSpawnBaseline(): Promise<number> {
  const fields = new FieldSet().fields();
  const once = (): Promise<void> =>
    new Promise((resolve, reject) => {
      execFile(`${BIN}/nvidia-smi`, [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], { env }, (err, stdout) => {
        if (err !== null) reject(new Error(err.message));
        else {
          parseNvidiaSmiCsv(stdout, fields);
          resolve();
        }
      });
    });
  await once();
  const wall: number[] = [];
  for (let i = 0; i < SPAWN_RUNS; i++) {
    const t0 = performance.now();
    await once();
    wall.push((performance.now() - t0) * 1000);
  }
  return median(wall);
}

const ours = await measureOurs();
const parseUs = measureParse();
const spawnUs = await measureSpawnBaseline();
const round = (x: number): number => Math.round(x * 100) / 100;
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, node ${process.version}, ${process.platform}`);
console.log(
  `echo-perf gpu collect() (nvidia-smi loop mode, ${GPUS} GPUs, ${ours.samples} samples): median ${round(ours.wall)} µs wall ` +
    `(p99 ${round(ours.p99)} µs), ${round(ours.cpu)} µs CPU (${RUNS} runs)`,
);
console.log(`row parse as rows stream in: ${round(parseUs)} µs per GPU row (${round(parseUs * GPUS)} µs per ${GPUS}-GPU period)`);
console.log(`baseline, one nvidia-smi spawn per collect (fake tool, Node start-up dominated): median ${round(spawnUs)} µs wall (${SPAWN_RUNS} runs)`);
console.log('not measured: the nvidia-smi child\'s own CPU per second (the real tool\'s NVML cost; the fake here is a Node script)');
console.log(
  JSON.stringify({
    bench: 'gpu-collect',
    gpus: GPUS,
    samples: ours.samples,
    collectUs: round(ours.wall),
    collectP99Us: round(ours.p99),
    collectCpuUs: round(ours.cpu),
    parseRowUs: round(parseUs),
    spawnPerCollectFakeUs: round(spawnUs),
    childCpu: 'not measured (fake tool)',
  }),
);
