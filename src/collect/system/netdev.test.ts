import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetDev } from './netdev.js';

void test('parseNetDev skips the two header lines and reads rx/tx bytes, even when a counter touches the colon', () => {
  const text =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    '    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0\n' +
    '  eth0:145470498    5142    0    0    0     0          0         0   403888    3198    0    0    0     0       0          0\n';
  assert.deepEqual(parseNetDev(text), [
    { device: 'lo', receiveBytes: 3193, transmitBytes: 3193 },
    { device: 'eth0', receiveBytes: 145470498, transmitBytes: 403888 },
  ]);
});
