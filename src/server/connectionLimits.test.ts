import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey } from './connectionLimits.js';

test('clientKey: an IPv4 address is its own client, IPv4-mapped too; IPv6 clients are /64s', () => {
  assert.equal(clientKey('127.0.0.2'), '127.0.0.2');
  assert.equal(clientKey('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientKey('2001:db8::1'), '2001:0db8:0000:0000::/64');
  assert.equal(clientKey('2001:DB8:0:0:ffff::9'), '2001:0db8:0000:0000::/64');
  assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:0db8:0001:0002::/64');
  assert.equal(clientKey('::1'), '0000:0000:0000:0000::/64');
});
