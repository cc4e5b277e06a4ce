import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EchoPerfError } from '../../core/errors.js';
import { seriesKey } from '../../core/labels.js';
import type { Sample } from '../../core/types.js';
import { createSystemCollector } from './index.js';
import { fakeRoot, writeTree as write } from '../../../test/helpers/tempTree.js';

const byKey = (samples: readonly Sample[]): Map<string, number> => new Map(samples.map((s) => [seriesKey(s.name, s.labels), s.v]));
const signal = new AbortController().signal;
const GiB = 1024 ** 3;

const NETDEV_HEAD =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
const netLine = (dev: string, rx: number, tx: number): string => `  ${dev}: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0\n`;
const diskLine = (dev: string, sectorsRead: number, sectorsWritten: number): string =>
  `   8       0 ${dev} 10 0 ${sectorsRead} 5 20 0 ${sectorsWritten} 7 0 9 12 0 0 0 0 0 0\n`;

/** Baseline files: the collector reads these at construction. */
function baseline(mountDir: string): Record<string, string> {
  return {
    'proc/stat': 'cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\ncpu1 50 0 50 350 50 0 0 0 0 0\nintr 1 2 3\nctxt 9\n',
    'proc/meminfo': 'MemTotal:        8000000 kB\nMemFree:         1000000 kB\nMemAvailable:    6000000 kB\nSwapTotal:       1000000 kB\nSwapFree:         750000 kB\n',
    'proc/diskstats': diskLine('sda', 1000, 0) + diskLine('sda1', 1000, 0) + diskLine('loop0', 0, 0) + diskLine('nvme0n1', 0, 0),
    'proc/net/dev': NETDEV_HEAD + netLine('lo', 100, 100) + netLine('eth0', 1000, 500) + netLine('veth1', 9000, 9000),
    'proc/loadavg': '1.50 0.75 0.25 3/200 1234\n',
    'proc/self/cgroup': '0::/app.slice/svc.service\n',
    'proc/self/mounts': `proc /proc proc rw 0 0\n/dev/sdz9 ${mountDir.replace(/ /g, '\\040')} ext4 rw 0 0\n`,
    'sys/fs/cgroup/cgroup.controllers': 'cpu memory\n',
    'sys/fs/cgroup/app.slice/svc.service/cpu.max': '50000 100000\n',
    'sys/fs/cgroup/app.slice/svc.service/cpu.stat': 'usage_usec 1000000\n',
    'sys/fs/cgroup/app.slice/svc.service/memory.max': `${GiB}\n`,
    'sys/fs/cgroup/app.slice/svc.service/memory.current': `${GiB / 4}\n`,
  };
}

void test('two collections on a fake /proc + /sys give exact psutil-style percentages and per-second rates', async (t) => {
  const root = fakeRoot(t, {});
  const mountDir = join(root, 'mnt', 'data disk');
  mkdirSync(mountDir, { recursive: true });
  write(root, baseline(mountDir));
  let now = 10_000;
  const c = createSystemCollector({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), now: () => now });
  assert.equal(c.name, 'system');

  // 2 s later:
  now += 2000;
  write(root, {
    // cpu: user +20, system +5, idle +60, iowait +15 → 25 % busy; cpu0 25 of 50 → 50 %; cpu1 only idle/iowait → 0 %
    'proc/stat': 'cpu  120 0 105 760 115 0 0 0 0 0\ncpu0 70 0 55 375 50 0 0 0 0 0\ncpu1 50 0 50 385 65 0 0 0 0 0\nintr 1 2 3\n',
    // sda: +4000 sectors read, +2000 written in 2 s → 1 024 000 and 512 000 B/s
    'proc/diskstats': diskLine('sda', 5000, 2000) + diskLine('sda1', 5000, 2000) + diskLine('loop0', 8, 8) + diskLine('nvme0n1', 0, 0) + diskLine('sdb', 1, 1),
    // eth0 +2000/+4000 bytes in 2 s; veth1 went backwards (re-created) → no rate; wlan0 is new → baseline only
    'proc/net/dev': NETDEV_HEAD + netLine('lo', 100, 100) + netLine('eth0', 3000, 4500) + netLine('veth1', 10, 10) + netLine('wlan0', 5, 5),
    'sys/fs/cgroup/app.slice/svc.service/cpu.stat': 'usage_usec 1500000\n', // 0.5 s CPU in 2 s = 0.25 cores of 0.5
  });
  const at = 1_700_000_000_000;
  const samples = await c.collect(at, signal);
  assert.ok(samples.every((s) => s.t === at && Number.isFinite(s.v)));
  const got = byKey(samples);
  const want = new Map<string, number>([
    ['cpu_cores', 2],
    ['cpu_usage', 25],
    ['cpu_core_usage{core="0"}', 50],
    ['cpu_core_usage{core="1"}', 0],
    ['memory_total_bytes', 8000000 * 1024],
    ['memory_available_bytes', 6000000 * 1024],
    ['memory_used_bytes', 2000000 * 1024],
    ['memory_usage', 25],
    ['swap_usage', 25],
    ['disk_read_bytes_per_second{device="sda"}', 1_024_000],
    ['disk_write_bytes_per_second{device="sda"}', 512_000],
    ['disk_read_bytes_per_second{device="nvme0n1"}', 0],
    ['disk_write_bytes_per_second{device="nvme0n1"}', 0],
    ['network_receive_bytes_per_second{device="lo"}', 0],
    ['network_transmit_bytes_per_second{device="lo"}', 0],
    ['network_receive_bytes_per_second{device="eth0"}', 1000],
    ['network_transmit_bytes_per_second{device="eth0"}', 2000],
    ['load_average_1m', 1.5],
    ['load_average_5m', 0.75],
    ['load_average_15m', 0.25],
    ['cgroup_cpu_limit_cores', 0.5],
    ['cgroup_cpu_usage', 50],
    ['cgroup_memory_usage_bytes', GiB / 4],
    ['cgroup_memory_limit_bytes', GiB],
    ['cgroup_memory_usage', 25],
  ]);
  for (const [k, v] of want) assert.equal(got.get(k), v, k);
  const fsLabels = `{device="/dev/sdz9",fstype="ext4",mountpoint="${mountDir}"}`;
  for (const n of ['filesystem_usage', 'filesystem_size_bytes', 'filesystem_avail_bytes']) assert.ok(got.has(n + fsLabels), n);
  assert.ok(got.has('disk_usage'));
  assert.ok(got.has('process_cpu_usage') && got.has('process_resident_memory_bytes'));
  // Nothing else: no partitions, loop devices, new or reset interfaces, no proc filesystem.
  assert.equal(got.size, want.size + 3 + 1 + 2);
  assert.deepEqual(c.platformNotes, []);
});

void test('the first collect() already has a CPU delta from the construction baseline; no elapsed ticks → no cpu_usage rather than 0', async (t) => {
  const root = fakeRoot(t, baseline(tmpdir()));
  let now = 0;
  const c = createSystemCollector({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), now: () => now });
  now += 1000;
  let got = byKey(await c.collect(1, signal));
  assert.equal(got.has('cpu_usage'), false);
  assert.equal(got.has('cpu_core_usage{core="0"}'), false);
  assert.equal(got.get('network_receive_bytes_per_second{device="eth0"}'), 0); // a counter that did not move is a true 0

  write(root, { 'proc/stat': 'cpu  110 0 100 790 100 0 0 0 0 0\ncpu0 55 0 50 395 50 0 0 0 0 0\ncpu1 55 0 50 395 50 0 0 0 0 0\n' });
  got = byKey(await c.collect(2, signal)); // same `now`: rates cannot be computed, CPU % can
  assert.equal(got.get('cpu_usage'), 10);
  assert.equal(got.has('network_receive_bytes_per_second{device="eth0"}'), false);
  assert.equal(got.has('cgroup_cpu_usage'), false);
});

void test('missing /proc files are noted in platformNotes and their families omitted', async (t) => {
  const root = fakeRoot(t, { 'proc/meminfo': 'MemTotal: 1000 kB\nMemAvailable: 500 kB\n' });
  const c = createSystemCollector({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys') });
  const names = new Set((await c.collect(1, signal)).map((s) => s.name));
  assert.deepEqual([...names].sort(), [
    'disk_usage',
    'memory_available_bytes',
    'memory_total_bytes',
    'memory_usage',
    'memory_used_bytes',
    'process_cpu_usage',
    'process_resident_memory_bytes',
  ]);
  const families = c.platformNotes.map((n) => n.split(':')[0]);
  assert.deepEqual(families, ['cpu', 'disk I/O', 'network', 'load average', 'cgroup', 'filesystems']);
  assert.match(c.platformNotes[0]!, /^cpu: unavailable, omitted \(ENOENT/);
});

void test('a file that vanishes after construction is noted once; the other families keep reporting', async (t) => {
  const root = fakeRoot(t, baseline(tmpdir()));
  // refreshEvery 1: reopen every time, so the removal is seen at once (otherwise within 10 collections).
  const c = createSystemCollector({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), refreshEvery: 1 });
  unlinkSync(join(root, 'proc/diskstats'));
  await c.collect(1, signal);
  const samples = await c.collect(2, signal);
  assert.equal(samples.some((s) => s.name.startsWith('disk_read')), false);
  assert.ok(samples.some((s) => s.name === 'memory_usage'));
  assert.equal(c.platformNotes.length, 1);
  assert.match(c.platformNotes[0]!, /^disk I\/O: read failed, omitted this time \(ENOENT/);
});

void test('on a platform without /proc the node:os fallback reports what it can and notes the rest', async () => {
  const c = createSystemCollector({ platform: 'darwin' });
  const names = new Set((await c.collect(1, signal)).map((s) => s.name));
  for (const n of ['cpu_cores', 'memory_usage', 'memory_total_bytes', 'load_average_1m', 'disk_usage', 'process_resident_memory_bytes']) {
    assert.ok(names.has(n), n);
  }
  for (const n of ['disk_read_bytes_per_second', 'network_receive_bytes_per_second', 'filesystem_usage', 'swap_usage']) {
    assert.equal(names.has(n), false, n);
  }
  assert.ok(c.platformNotes.includes('disk I/O: not available on darwin'));
  assert.ok(c.platformNotes.includes('network: not available on darwin'));
  const win = createSystemCollector({ platform: 'win32' });
  assert.equal((await win.collect(1, signal)).some((s) => s.name.startsWith('load_average')), false);
});

void test('impossible options are rejected with the field, the value and what was expected', () => {
  assert.throws(
    () => createSystemCollector({ statfsTimeoutMs: 0 }),
    (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && /statfsTimeoutMs must be > 0 ms, got 0/.test(e.message),
  );
  assert.throws(() => createSystemCollector({ refreshEvery: 0.5 }), /refreshEvery must be an integer >= 1, got 0.5/);
});
