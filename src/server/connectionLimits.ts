/**
 * @module server/connectionLimits
 * A per-client cap on open connections, so one address trickling requests
 * (slowloris) cannot hold the whole `maxConnections` budget and starve
 * everyone else, /healthz probes and the Prometheus scraper included.
 */
import { isIPv6 } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * Closes a new connection at once when its client already holds `max` open ones.
 * The count lives in a Map with one entry per client that has a connection open,
 * removed with its last connection, so the Map is never larger than the number of
 * open connections (itself capped by `maxConnections`).
 * @example limitConnectionsPerClient(app.server, 32)
 */
export function limitConnectionsPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    // A socket reset before this event has no address left; there is nobody to serve.
    if (address === undefined) {
      socket.destroy();
      return;
    }
    const key = clientKey(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

/**
 * The client an address belongs to: the address itself for IPv4, its /64 for
 * IPv6, since one host is routinely given a whole /64 (RFC 6177) and could
 * otherwise open each connection from a new address.
 * @example clientKey('2001:db8::1') // '2001:0db8:0000:0000::/64'
 */
export function clientKey(address: string): string {
  if (address.startsWith('::ffff:') && !address.slice(7).includes(':')) return address.slice(7);
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.padStart(4, '0').toLowerCase()).join(':')}::/64`;
}
