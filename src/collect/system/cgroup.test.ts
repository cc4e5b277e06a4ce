import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CgroupReader,
  parseCfsQuota,
  parseCpuMax,
  parseCpuStatUsageUsec,
  parseMemoryLimit,
  parseProcSelfCgroup,
  resolveCgroup,
} from './cgroup.js';
import { fakeRoot, writeTree as write } from '../../../test/helpers/tempTree.js';


/** Resolves, reads a baseline at t = 0 ms, then reads again at `afterMs`. */
function twoReads(root: string, change: Record<string, string>, afterMs: number, cpuCount = 4): Record<string, number> {
  const m = parseProcSelfCgroup(readFileSync(join(root, 'proc/self/cgroup'), 'utf8'));
  const reader = new CgroupReader(resolveCgroup(m, join(root, 'sys')), 0, () => cpuCount, 10);
  write(root, change);
  const out: Record<string, number> = {};
  reader.read((name, v) => {
    if (Number.isFinite(v)) out[name] = v;
  }, afterMs);
  return out;
}

const GiB = 1024 ** 3;

void test('parseProcSelfCgroup splits v2, v1 and named hierarchies', () => {
  const m = parseProcSelfCgroup('12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n0::/docker/abc\n');
  assert.equal(m.v2Path, '/docker/abc');
  assert.deepEqual(m.v1.get('cpu'), { mount: 'cpu,cpuacct', path: '/docker/abc' });
  assert.deepEqual(m.v1.get('cpuacct'), { mount: 'cpu,cpuacct', path: '/docker/abc' });
  assert.deepEqual(m.v1.get('memory'), { mount: 'memory', path: '/docker/abc' });
  assert.equal(m.v1.has('name=systemd'), false);
});

void test('limit parsers: max / -1 / the v1 "unlimited" page-rounded LONG_MAX are NaN', () => {
  assert.equal(parseCpuMax('50000 100000\n'), 0.5);
  assert.ok(Number.isNaN(parseCpuMax('max 100000\n')));
  assert.equal(parseCfsQuota('200000\n', '100000\n'), 2);
  assert.ok(Number.isNaN(parseCfsQuota('-1\n', '100000\n')));
  assert.equal(parseMemoryLimit('1073741824\n'), GiB);
  assert.ok(Number.isNaN(parseMemoryLimit('max\n')));
  assert.ok(Number.isNaN(parseMemoryLimit('9223372036854771712\n')));
  assert.equal(parseCpuStatUsageUsec('usage_usec 1500000\nuser_usec 1\n'), 1500000);
  assert.equal(parseCpuStatUsageUsec('nr_periods 0\nusage_usec 42\n'), 42);
  assert.ok(Number.isNaN(parseCpuStatUsageUsec('user_usec 1\n')));
});

void test('cgroup v2: limits from cpu.max / memory.max (smallest on the way to the root), usage from cpu.stat deltas', (t) => {
  const root = fakeRoot(t, {
    'proc/self/cgroup': '0::/app.slice/svc.service\n',
    'sys/fs/cgroup/cgroup.controllers': 'cpu memory io\n',
    'sys/fs/cgroup/app.slice/cpu.max': 'max 100000\n',
    'sys/fs/cgroup/app.slice/memory.max': `${GiB / 2}\n`, // the parent's limit is the tighter one
    'sys/fs/cgroup/app.slice/svc.service/cpu.max': '50000 100000\n',
    'sys/fs/cgroup/app.slice/svc.service/cpu.stat': 'usage_usec 1000000\nuser_usec 800000\nsystem_usec 200000\n',
    'sys/fs/cgroup/app.slice/svc.service/memory.max': `${GiB}\n`,
    'sys/fs/cgroup/app.slice/svc.service/memory.current': `${GiB / 4}\n`,
  });
  const out = twoReads(root, { 'sys/fs/cgroup/app.slice/svc.service/cpu.stat': 'usage_usec 1500000\n' }, 2000);
  assert.deepEqual(out, {
    cgroup_cpu_limit_cores: 0.5,
    cgroup_cpu_usage: 50, // 0.5 s of CPU in 2 s = 0.25 cores, of a 0.5-core limit
    cgroup_memory_usage_bytes: GiB / 4,
    cgroup_memory_limit_bytes: GiB / 2,
    cgroup_memory_usage: 50,
  });
});

void test('cgroup v1: cpu,cpuacct and memory controllers; unlimited memory gives no limit or %', (t) => {
  const root = fakeRoot(t, {
    'proc/self/cgroup': '4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n',
    'sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes': '9223372036854771712\n',
    'sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes': '123456\n',
    'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '200000\n',
    'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpuacct.usage': '1000000000\n',
  });
  const out = twoReads(root, { 'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpuacct.usage': '3000000000\n' }, 2000);
  assert.deepEqual(out, {
    cgroup_cpu_limit_cores: 2,
    cgroup_cpu_usage: 50, // 2 s of CPU (ns) in 2 s = 1 core, of 2
    cgroup_memory_usage_bytes: 123456,
  });
});

void test('hybrid host (like this machine): v1 controllers win over the unified tree; unlimited CPU is a % of all CPUs', (t) => {
  const root = fakeRoot(t, {
    'proc/self/cgroup': '4:memory:/process_api/x\n2:cpuacct:/\n1:cpu:/\n0::/\n',
    'sys/fs/cgroup/unified/cgroup.procs': '1\n',
    'sys/fs/cgroup/unified/cpu.stat': 'usage_usec 999999999\n', // must not be used: cpuacct holds the controller
    'sys/fs/cgroup/memory/process_api/x/memory.limit_in_bytes': `${2 * GiB}\n`,
    'sys/fs/cgroup/memory/process_api/x/memory.usage_in_bytes': `${GiB / 2}\n`,
    'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
    'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/cpuacct/cpuacct.usage': '0\n',
  });
  const out = twoReads(root, { 'sys/fs/cgroup/cpuacct/cpuacct.usage': '1000000000\n' }, 1000, 4);
  assert.deepEqual(out, {
    cgroup_cpu_usage: 25, // 1 core busy of 4 host CPUs, no quota
    cgroup_memory_usage_bytes: GiB / 2,
    cgroup_memory_limit_bytes: 2 * GiB,
    cgroup_memory_usage: 25,
  });
});

void test('v1 container without a cgroup namespace: the host path is missing, so the mount root is used', (t) => {
  const root = fakeRoot(t, {
    'proc/self/cgroup': '4:memory:/docker/0123abcd\n',
    'sys/fs/cgroup/memory/memory.limit_in_bytes': `${GiB}\n`,
    'sys/fs/cgroup/memory/memory.usage_in_bytes': `${GiB / 8}\n`,
  });
  const plan = resolveCgroup(parseProcSelfCgroup('4:memory:/docker/0123abcd\n'), join(root, 'sys'));
  assert.equal(plan.memoryUsageFile, join(root, 'sys/fs/cgroup/memory/memory.usage_in_bytes'));
  assert.equal(plan.cpuUsage, undefined);
  assert.equal(twoReads(root, {}, 1000).cgroup_memory_usage, 12.5);
});

void test('no cgroup files at all: the reader refuses to be built (the collector turns that into a note)', (t) => {
  const root = fakeRoot(t, { 'proc/self/cgroup': '0::/\n' });
  const plan = resolveCgroup(parseProcSelfCgroup('0::/\n'), join(root, 'sys'));
  assert.throws(() => new CgroupReader(plan, 0, () => 1, 10), /no cgroup v1 or v2/);
});
