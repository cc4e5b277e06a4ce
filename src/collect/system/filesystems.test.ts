import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels, Sample } from '../../core/types.js';
import { FilesystemsReader, fsUsage, parseMounts, unescapeMountField } from './filesystems.js';
import { StatfsGuard, type StatfsFigures } from './statfsGuard.js';
import { tempDir } from '../../../test/helpers/tempTree.js';


function collector(): { emit: (n: string, v: number, l?: Labels) => void; out: Sample[] } {
  const out: Sample[] = [];
  return { out, emit: (name, v, labels = {}) => void (Number.isFinite(v) && out.push({ name, labels, t: 0, v })) };
}

void test('unescapeMountField undoes the kernel octal escapes', () => {
  assert.equal(unescapeMountField('/mnt/my\\040disk\\011x\\134y'), '/mnt/my disk\tx\\y');
  assert.equal(unescapeMountField('/plain'), '/plain');
});

void test("parseMounts keeps real filesystems: node_exporter's ignored types and mount points go, the last entry per mount point wins", () => {
  const mounts = parseMounts(
    [
      'proc /proc proc rw,relatime 0 0',
      'sysfs /sys sysfs rw 0 0',
      '/dev/vda / ext4 rw,relatime 0 0',
      'tmpfs /dev/shm tmpfs rw 0 0', // mount point under /dev
      'tmpfs /run tmpfs rw 0 0', // tmpfs elsewhere is kept, as node_exporter keeps it
      'overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0',
      '/dev/sdb1 /var/lib/docker/volumes ext4 rw 0 0', // under /var/lib/docker/.+
      'ramfs /run/credentials/x.service ramfs ro 0 0',
      'cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0',
      '/dev/sdc1 /mnt/my\\040disk ext4 rw 0 0',
      '/dev/sdd1 /data ext4 rw 0 0',
      '/dev/sde1 /data xfs rw 0 0', // mounted over /data: this one is what statfs sees
      '/dev/sdf1 /shadow ext4 rw 0 0',
      'squashfs /shadow squashfs ro 0 0', // an ignored type mounted over hides the real one
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    mounts.map((m) => [m.device, m.mountpoint, m.fstype]),
    [
      ['/dev/vda', '/', 'ext4'],
      ['tmpfs', '/run', 'tmpfs'],
      ['/dev/sdc1', '/mnt/my disk', 'ext4'],
      ['/dev/sde1', '/data', 'xfs'],
    ],
  );
  assert.deepEqual(mounts[2]!.labels, { mountpoint: '/mnt/my disk', device: '/dev/sdc1', fstype: 'ext4' });
});

void test('fsUsage follows psutil disk_usage(): used / (used + avail), root-reserved blocks left out', () => {
  const u = fsUsage({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 });
  assert.equal(u.sizeBytes, 1000 * 4096);
  assert.equal(u.availBytes, 250 * 4096);
  assert.equal(u.percent, (700 / 950) * 100);
  assert.ok(Number.isNaN(fsUsage({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }).percent));
});

void test('FilesystemsReader stats the mounts of a mounts file: escaped names, 0-block filesystems skipped, disk_usage of /', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'a b'));
  mkdirSync(join(dir, 'dup'));
  symlinkSync('/proc', join(dir, 'procfs')); // statfs follows it: procfs has 0 blocks
  const mountsFile = join(dir, 'mounts');
  const esc = (p: string): string => p.replace(/ /g, '\\040');
  writeFileSync(
    mountsFile,
    [
      `tmpfs ${esc(join(dir, 'a b'))} tmpfs rw 0 0`,
      `/dev/sdb1 ${join(dir, 'dup')} ext4 rw 0 0`,
      `/dev/sdc1 ${join(dir, 'dup')} xfs rw 0 0`,
      `weird ${join(dir, 'procfs')} myfs rw 0 0`,
      `overlay / overlay rw 0 0`, // a container's root: excluded as a filesystem, still disk_usage
    ].join('\n'),
  );
  const notes: string[] = [];
  const reader = new FilesystemsReader({ mountsFile, timeoutMs: 5000, refreshEvery: 10, note: (l) => notes.push(l), guard: new StatfsGuard() });
  const { out, emit } = collector();
  await reader.read(emit);

  const expected = fsUsage(statfsSync(dir));
  const series = out.map((s) => `${s.name}${JSON.stringify(s.labels)}`);
  assert.deepEqual(series, [
    `filesystem_usage${JSON.stringify({ mountpoint: join(dir, 'a b'), device: 'tmpfs', fstype: 'tmpfs' })}`,
    `filesystem_size_bytes${JSON.stringify({ mountpoint: join(dir, 'a b'), device: 'tmpfs', fstype: 'tmpfs' })}`,
    `filesystem_avail_bytes${JSON.stringify({ mountpoint: join(dir, 'a b'), device: 'tmpfs', fstype: 'tmpfs' })}`,
    `filesystem_usage${JSON.stringify({ mountpoint: join(dir, 'dup'), device: '/dev/sdc1', fstype: 'xfs' })}`,
    `filesystem_size_bytes${JSON.stringify({ mountpoint: join(dir, 'dup'), device: '/dev/sdc1', fstype: 'xfs' })}`,
    `filesystem_avail_bytes${JSON.stringify({ mountpoint: join(dir, 'dup'), device: '/dev/sdc1', fstype: 'xfs' })}`,
    'disk_usage{}',
  ]);
  assert.equal(out[1]!.v, expected.sizeBytes);
  assert.ok(Math.abs(out[0]!.v - expected.percent) < 0.01);
  assert.ok(Math.abs(out[6]!.v - fsUsage(statfsSync('/')).percent) < 0.01);
  assert.deepEqual(notes, []);
});

void test('FilesystemsReader re-reads the mount table every refreshEvery collections', async (t) => {
  const dir = tempDir(t);
  const mountsFile = join(dir, 'mounts');
  writeFileSync(mountsFile, `/dev/x ${dir} ext4 rw 0 0\n`);
  const reader = new FilesystemsReader({ mountsFile, timeoutMs: 5000, refreshEvery: 2, note: () => {}, guard: new StatfsGuard() });
  const points = async (): Promise<string[]> => {
    const { out, emit } = collector();
    await reader.read(emit);
    return out.filter((s) => s.name === 'filesystem_usage').map((s) => s.labels.mountpoint!);
  };
  writeFileSync(mountsFile, `/dev/x ${dir} ext4 rw 0 0\n/dev/y / ext4 rw 0 0\n`);
  assert.deepEqual(await points(), [dir]); // collection 1: cached table
  assert.deepEqual(await points(), [dir, '/']); // collection 2: re-read
});

void test('a mount whose statfs hangs is reported stuck and not called again until it answers', async (t) => {
  const dir = tempDir(t);
  const mountsFile = join(dir, 'mounts');
  writeFileSync(mountsFile, '/dev/ok / ext4 rw 0 0\nnfs:/export /mnt/nfs nfs4 rw 0 0\n');
  const calls: string[] = [];
  let answer: (st: StatfsFigures) => void = () => {};
  // The deadline is a stand-in that passes as soon as the ready calls have answered: no real timer.
  const deadlineNow = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) await Promise.resolve();
  };
  const guard = new StatfsGuard((p) => {
    calls.push(p);
    if (p === '/mnt/nfs' && calls.length === 2) return new Promise<StatfsFigures>((r) => (answer = r)); // hangs until answered
    if (p === '/mnt/nfs') return Promise.resolve({ bsize: 4096, blocks: 100, bfree: 25, bavail: 25 });
    return Promise.resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 50 });
  }, deadlineNow);
  const notes: string[] = [];
  const reader = new FilesystemsReader({ mountsFile, timeoutMs: 60_000, refreshEvery: 10, note: (l) => notes.push(l), guard });
  const first = collector();
  await reader.read(first.emit);
  const stuck = first.out.filter((s) => s.name === 'filesystem_stuck');
  assert.deepEqual(stuck.map((s) => [s.labels.mountpoint, s.v]), [['/mnt/nfs', 1]]);
  assert.match(notes[0]!, /\/mnt\/nfs: statfs did not answer within 60000 ms/);

  const second = collector();
  await reader.read(second.emit);
  assert.deepEqual(calls, ['/', '/mnt/nfs', '/']); // no second call piled onto the hung mount
  assert.equal(second.out.filter((s) => s.name === 'filesystem_stuck').length, 1);

  answer({ bsize: 4096, blocks: 100, bfree: 25, bavail: 25 });
  await Promise.resolve();
  const third = collector();
  await reader.read(third.emit);
  assert.deepEqual(calls, ['/', '/mnt/nfs', '/', '/', '/mnt/nfs']);
  assert.equal(third.out.find((s) => s.name === 'filesystem_usage' && s.labels.mountpoint === '/mnt/nfs')?.v, 75); // used 75 of 100 blocks
  assert.equal(third.out.some((s) => s.name === 'filesystem_stuck'), false);
});

void test('a failing statfs (e.g. EACCES) is noted and that mount omitted; an unreadable mounts file still gives disk_usage', async (t) => {
  const dir = tempDir(t);
  const notes: string[] = [];
  const guard = new StatfsGuard((p) =>
    p === '/' ? Promise.resolve({ bsize: 1, blocks: 10, bfree: 5, bavail: 5 }) : Promise.reject(new Error(`EACCES: permission denied, statfs '${p}'`)),
  );
  const reader = new FilesystemsReader({ mountsFile: join(dir, 'missing'), timeoutMs: 1000, refreshEvery: 10, note: (l) => notes.push(l), guard });
  const { out, emit } = collector();
  await reader.read(emit);
  assert.deepEqual(out.map((s) => [s.name, s.v]), [['disk_usage', 50]]);
  assert.match(notes[0]!, /cannot read .*missing.*only disk_usage of \/ is reported/);

  writeFileSync(join(dir, 'm'), '/dev/a /secret ext4 rw 0 0\n');
  const r2 = new FilesystemsReader({ mountsFile: join(dir, 'm'), timeoutMs: 1000, refreshEvery: 10, note: (l) => notes.push(l), guard });
  const c2 = collector();
  await r2.read(c2.emit);
  assert.deepEqual(c2.out.map((s) => s.name), ['disk_usage']);
  assert.match(notes[1]!, /filesystem \/secret: statfs failed: EACCES/);
});

void test('an aborted collection reports no verdict: no filesystem_stuck, no statfs started', async (t) => {
  const dir = tempDir(t);
  const mountsFile = join(dir, 'mounts');
  writeFileSync(mountsFile, `/dev/x ${dir} ext4 rw 0 0\n`);
  let calls = 0;
  const guard = new StatfsGuard(() => {
    calls++;
    return new Promise<StatfsFigures>(() => {});
  });
  const reader = new FilesystemsReader({ mountsFile, timeoutMs: 60_000, refreshEvery: 10, note: () => {}, guard });
  const { out, emit } = collector();
  await reader.read(emit, AbortSignal.abort());
  assert.deepEqual(out, []);
  assert.equal(calls, 0);
});
