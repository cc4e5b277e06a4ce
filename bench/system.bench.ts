/**
 * Cost of one host collection: echo-perf's /proc + statfs collector against
 * systeminformation (the peer, measured in the same run), which shells out
 * for currentLoad/fsSize/networkStats.
 *
 * Run: node --import tsx bench/system.bench.ts
 * Reports medians of wall time and of this process's CPU time (user + system,
 * every thread, libuv's threadpool included) per collection; for the peer also
 * the CPU its child processes used (from /proc/self/stat cutime + cstime, in
 * 10 ms ticks, so a mean over all calls). The last line is JSON.
 *
 * The peer's calls run back to back, so currentLoad() often returns its cached
 * value (it recomputes only when ≥ 200 ms passed): that favours the peer.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';
import { createSystemCollector } from '../src/collect/system/index.js';
import { median } from './common.js';

const OURS_RUNS = 500;
const OURS_WARMUP = 50;
const PEER_RUNS = 20;

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
/** CPU of waited-for children, in µs (Linux only; 0 elsewhere). */
const childCpuUs = (): number => {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the comm: state=3 … cutime=16, cstime=17 (1-based, proc(5)) → indexes 13, 14 here
    return ((Number(f[13]) + Number(f[14])) * 1e6) / 100; // USER_HZ = 100
  } catch {
    return 0; // no /proc: child CPU is not measured on this platform
  }
};

async function measureOurs(): Promise<{ wall: number; cpu: number; samples: number }> {
  const c = createSystemCollector();
  const signal = new AbortController().signal;
  let samples = 0;
  for (let i = 0; i < OURS_WARMUP; i++) samples = (await c.collect(Date.now(), signal)).length;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < OURS_RUNS; i++) {
    const c0 = cpuUs();
    const t0 = performance.now();
    await c.collect(Date.now(), signal);
    wall.push((performance.now() - t0) * 1000);
    cpu.push(cpuUs() - c0);
  }
  return { wall: median(wall), cpu: median(cpu), samples };
}

async function peerOnce(): Promise<void> {
  await si.currentLoad();
  await si.mem();
  await si.fsSize();
  await si.networkStats();
}

async function measurePeer(): Promise<{ wall: number; cpu: number; childMean: number }> {
  await peerOnce(); // first currentLoad() sleeps to get a delta; networkStats() needs a first reading
  const wall: number[] = [];
  const cpu: number[] = [];
  const child0 = childCpuUs();
  for (let i = 0; i < PEER_RUNS; i++) {
    const c0 = cpuUs();
    const t0 = performance.now();
    await peerOnce();
    wall.push((performance.now() - t0) * 1000);
    cpu.push(cpuUs() - c0);
  }
  return { wall: median(wall), cpu: median(cpu), childMean: (childCpuUs() - child0) / PEER_RUNS };
}

const ours = await measureOurs();
const peer = await measurePeer();
const round = (x: number): number => Math.round(x * 10) / 10;
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, node ${process.version}, ${process.platform}`);
console.log(`echo-perf system collect(): ${ours.samples} samples, median ${round(ours.wall)} µs wall, ${round(ours.cpu)} µs CPU (${OURS_RUNS} runs)`);
console.log(
  `systeminformation currentLoad+mem+fsSize+networkStats: median ${round(peer.wall)} µs wall, ${round(peer.cpu)} µs CPU, ` +
    `+ ${round(peer.childMean)} µs child-process CPU (mean) (${PEER_RUNS} runs)`,
);
console.log(
  JSON.stringify({
    bench: 'system-collect',
    oursUs: round(ours.wall),
    oursCpuUs: round(ours.cpu),
    peerUs: round(peer.wall),
    peerCpuUs: round(peer.cpu),
    peerChildCpuUs: round(peer.childMean),
    ratio: round(peer.wall / ours.wall),
  }),
);
