/**
 * @module core/net
 * Which bind addresses keep a server on this machine. Shared by the config
 * check (a non-loopback `server.host` needs `server.push_token`) and the
 * server, which refuses such a bind without a token.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether binding `host` only exposes the server to this machine:
 * `localhost`, 127.0.0.0/8, `::1` (bracketed or not), and IPv4-mapped 127.x.
 * The wildcard addresses (`0.0.0.0`, `::`) and every other name are not loopback.
 * @example isLoopbackHost('127.0.0.2') // true
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost') return true;
  if (h.startsWith('::ffff:') && isIPv4(h.slice(7))) h = h.slice(7);
  if (isIPv4(h)) return h.startsWith('127.');
  // Every spelling of ::1 (0:0:0:0:0:0:0:1, 0::1) expands to the same address.
  if (isIPv6(h)) return expandIPv6(h) === '0000:0000:0000:0000:0000:0000:0000:0001';
  return false;
}

function expandIPv6(addr: string): string {
  const [head = '', tail] = addr.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
