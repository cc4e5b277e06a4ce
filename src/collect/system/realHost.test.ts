/**
 * The collector against this machine's real /proc, checked against figures
 * the test reads itself. Tolerances are loose only where the value moves
 * between the two reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { seriesKey } from '../../core/labels.js';
import type { Sample } from '../../core/types.js';
import { createSystemCollector } from './index.js';

const linux = process.platform === 'linux' && existsSync('/proc/stat');
const skip = linux ? false : 'needs Linux /proc';

async function collectOnce(): Promise<{ samples: Sample[]; notes: readonly string[] }> {
  const c = createSystemCollector();
  // Let the kernel's tick counters move (USER_HZ = 100 → 10 ms per tick) so CPU % has a delta.
  await new Promise((r) => setTimeout(r, 120));
  return { samples: await c.collect(Date.now(), new AbortController().signal), notes: c.platformNotes };
}
const value = (samples: Sample[], name: string): number | undefined => samples.find((s) => s.name === name && Object.keys(s.labels).length === 0)?.v;
const devices = (samples: Sample[], name: string): string[] =>
  samples
    .filter((s) => s.name === name)
    .map((s) => s.labels.device!)
    .sort();

void test('real host: memory_usage is (MemTotal − MemAvailable) / MemTotal from /proc/meminfo, within 1 point', { skip }, async () => {
  const { samples } = await collectOnce();
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
  const expected = ((kb('MemTotal') - kb('MemAvailable')) / kb('MemTotal')) * 100;
  assert.ok(Math.abs(value(samples, 'memory_usage')! - expected) < 1, `${value(samples, 'memory_usage')} vs ${expected}`);
  assert.equal(value(samples, 'memory_total_bytes'), kb('MemTotal') * 1024);
});

void test('real host: cpu_cores equals the cpuN lines of /proc/stat; CPU % are within 0..100, one per core', { skip }, async () => {
  const { samples } = await collectOnce();
  const n = readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
  assert.equal(value(samples, 'cpu_cores'), n);
  const usage = value(samples, 'cpu_usage');
  assert.ok(usage !== undefined && usage >= 0 && usage <= 100, String(usage));
  const cores = samples.filter((s) => s.name === 'cpu_core_usage');
  assert.ok(cores.length <= n && cores.every((s) => s.v >= 0 && s.v <= 100));
});

void test("real host: disk_usage is psutil's used / (used + avail) of statfs('/'), within 0.5", { skip }, async () => {
  const { samples } = await collectOnce();
  const st = statfsSync('/');
  const used = (st.blocks - st.bfree) * st.bsize;
  const expected = (used / (used + st.bavail * st.bsize)) * 100;
  assert.ok(Math.abs(value(samples, 'disk_usage')! - expected) < 0.5);
  for (const s of samples.filter((x) => x.name === 'filesystem_usage')) assert.ok(s.v >= 0 && s.v <= 100, seriesKey(s.name, s.labels));
});

void test('real host: load averages equal /proc/loadavg', { skip }, async () => {
  const before = readFileSync('/proc/loadavg', 'utf8');
  const { samples } = await collectOnce();
  const after = readFileSync('/proc/loadavg', 'utf8');
  const got = ['load_average_1m', 'load_average_5m', 'load_average_15m'].map((n) => value(samples, n));
  const fields = (t: string): number[] => t.split(' ').slice(0, 3).map(Number);
  // The kernel updates the averages every 5 s; accept the reading from either side of collect().
  assert.ok(JSON.stringify(got) === JSON.stringify(fields(before)) || JSON.stringify(got) === JSON.stringify(fields(after)), `${got.join(' ')} vs ${before}`);
});

void test('real host: the network device set equals /proc/net/dev and the disk set equals /proc/diskstats less partitions and loop/ram', { skip }, async () => {
  const { samples } = await collectOnce();
  const net = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .filter((l) => l.includes(':'))
    .map((l) => l.split(':')[0]!.trim())
    .sort();
  assert.deepEqual(devices(samples, 'network_receive_bytes_per_second'), net);
  assert.deepEqual(devices(samples, 'network_transmit_bytes_per_second'), net);
  const disks = readFileSync('/proc/diskstats', 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/)[2]!)
    .filter((d) => !/^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/.test(d))
    .sort();
  assert.deepEqual(devices(samples, 'disk_read_bytes_per_second'), disks);
});

void test('real host: the process figures match /proc/self', { skip }, async () => {
  const { samples } = await collectOnce();
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
  const rss = value(samples, 'process_resident_memory_bytes')!;
  assert.ok(Math.abs(rss - rssKb * 1024) / (rssKb * 1024) < 0.2, `${rss} vs ${rssKb * 1024}`);
  const cpu = value(samples, 'process_cpu_usage');
  assert.ok(cpu !== undefined && cpu >= 0, String(cpu));
});

void test('real host: cgroup memory usage matches the v1 or v2 file this process is accounted in', { skip }, async () => {
  const { samples } = await collectOnce();
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const v1 = lines.find((l) => /^\d+:memory:/.test(l))?.split(':')[2];
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const candidates = [
    v2 !== undefined ? join('/sys/fs/cgroup', v2, 'memory.current') : '',
    v1 !== undefined ? join('/sys/fs/cgroup/memory', v1, 'memory.usage_in_bytes') : '',
  ].filter((p) => p !== '' && existsSync(p));
  const got = value(samples, 'cgroup_memory_usage_bytes');
  if (candidates.length === 0) return assert.equal(got, undefined);
  const expected = Number(readFileSync(candidates[0]!, 'utf8'));
  assert.ok(got !== undefined && Math.abs(got - expected) / expected < 0.2, `${got} vs ${expected}`);
});

void test('no subprocess, ever: no module of the collector imports child_process', () => {
  const dir = import.meta.dirname;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /child_process|execSync|spawn\(/, f);
  }
});
