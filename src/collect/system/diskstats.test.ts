import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IGNORED_DEVICES, parseDiskstats } from './diskstats.js';

void test('parseDiskstats turns sectors (always 512 B) into bytes', () => {
  const text =
    '   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n' +
    ' 254       0 vda 29203 6646 1218514 8198 3766 17068 1402112 3551 0 5700 12535 3202 84 81144 420 308 364\n' +
    '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n'; // pre-4.18 kernels have 11 fields
  assert.deepEqual(parseDiskstats(text), [
    { device: 'loop0', readBytes: 0, writtenBytes: 0 },
    { device: 'vda', readBytes: 1218514 * 512, writtenBytes: 1402112 * 512 },
    { device: 'sda', readBytes: 3 * 512, writtenBytes: 7 * 512 },
  ]);
});

void test("node_exporter's device filter drops partitions, loop, ram and zram devices and keeps whole disks", () => {
  const dropped = ['sda1', 'vda2', 'xvda1', 'hdb3', 'nvme0n1p1', 'loop0', 'ram0', 'zram0', 'fd0'];
  const kept = ['sda', 'vda', 'xvda', 'nvme0n1', 'dm-0', 'md0', 'mmcblk0', 'sr0'];
  for (const d of dropped) assert.ok(IGNORED_DEVICES.test(d), d);
  for (const d of kept) assert.ok(!IGNORED_DEVICES.test(d), d);
});
