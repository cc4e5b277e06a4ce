/**
 * @module collect/engineProcesses
 * Which processes on this host serve an engine: the one listening on the TCP
 * port of the engine's URL (its socket's inode in /proc/net/tcp{,6}, found
 * among the /proc/<pid>/fd links as `socket:[inode]`), and its descendants
 * (a server forks its GPU workers). Matched later with the per-process GPU
 * memory samples to find the engine's GPUs.
 *
 * /proc is read asynchronously, at most every `refreshMs`, one walk at a
 * time, with bounded counts of processes, descriptors and bytes read, so a
 * host with many processes never blocks the event loop. Processes of other
 * users whose fds cannot be read are skipped (the finder then knows less).
 */
import { open, readdir, readFile, readlink } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { networkInterfaces, hostname } from 'node:os';

export interface EngineEndpoint {
  readonly name: string;
  readonly url: string;
}

export interface EngineProcessOptions {
  /** Default /proc. */
  readonly procRoot?: string;
  /** Least ms between walks; default 30 000. */
  readonly refreshMs?: number;
  /** Most processes looked at per walk; default 4096. */
  readonly maxPids?: number;
  /** Most fd links read per walk, all processes together; default 100 000. */
  readonly maxFds?: number;
  /** Most pids reported per engine; default 256. */
  readonly maxPerEngine?: number;
}

const LISTEN = '0A';
/** /proc/net/tcp grows with connections (~150 bytes each): read at most this much of it. */
const MAX_TABLE_BYTES = 4 << 20;
/** Lines parsed between two turns of the event loop. */
const LINES_PER_TURN = 2000;

export class EngineProcessFinder {
  private readonly _ports = new Map<string, number>();
  private _pids: ReadonlyMap<string, readonly string[]> = new Map();
  private _lastAt = -Infinity;
  private _running: Promise<void> | undefined;
  private readonly _root: string;
  private readonly _refreshMs: number;
  private readonly _maxPids: number;
  private readonly _maxFds: number;
  private readonly _maxPerEngine: number;

  constructor(engines: readonly EngineEndpoint[], o: EngineProcessOptions = {}) {
    this._root = o.procRoot ?? '/proc';
    this._refreshMs = o.refreshMs ?? 30_000;
    this._maxPids = o.maxPids ?? 4096;
    this._maxFds = o.maxFds ?? 100_000;
    this._maxPerEngine = o.maxPerEngine ?? 256;
    const local = localHosts();
    for (const e of engines) {
      const port = localPort(e.url, local);
      if (port !== undefined) this._ports.set(e.name, port);
    }
  }

  /** The pids found by the last walk (empty before the first, or for an engine on another host). */
  pidsOf(engine: string): readonly string[] | undefined {
    return this._pids.get(engine);
  }

  /** Starts a walk when the last one is `refreshMs` old and none runs; resolves when it ends. Never rejects. */
  refresh(now: number): Promise<void> {
    if (this._running !== undefined) return this._running;
    if (this._ports.size === 0 || now - this._lastAt < this._refreshMs) return Promise.resolve();
    this._lastAt = now;
    this._running = this._walk()
      .then((pids) => {
        this._pids = pids;
      })
      .catch(() => undefined)
      .finally(() => {
        this._running = undefined;
      });
    return this._running;
  }

  private async _walk(): Promise<Map<string, string[]>> {
    // port → listening socket inodes
    const inodes = new Map<string, number>();
    const wanted = new Set(this._ports.values());
    for (const table of ['net/tcp', 'net/tcp6']) {
      for (const [port, inode] of await listeningSockets(`${this._root}/${table}`)) if (wanted.has(port)) inodes.set(inode, port);
    }
    const out = new Map<string, string[]>();
    if (inodes.size === 0) return out;

    const pids = (await readdir(this._root).catch(() => [] as string[])).filter((n) => /^[0-9]{1,10}$/.test(n)).slice(0, this._maxPids);
    const byPort = new Map<number, Set<string>>();
    const children = new Map<string, string[]>();
    let fdBudget = this._maxFds;
    for (const pid of pids) {
      const ppid = await parentOf(`${this._root}/${pid}/stat`);
      if (ppid !== undefined) {
        const list = children.get(ppid);
        if (list === undefined) children.set(ppid, [pid]);
        else list.push(pid);
      }
      if (fdBudget <= 0) continue;
      const fds = await readdir(`${this._root}/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        if (fdBudget-- <= 0) break;
        const link = await readlink(`${this._root}/${pid}/fd/${fd}`).catch(() => '');
        const m = /^socket:\[([0-9]+)\]$/.exec(link);
        const port = m === null ? undefined : inodes.get(m[1]!);
        if (port === undefined) continue;
        let set = byPort.get(port);
        if (set === undefined) byPort.set(port, (set = new Set()));
        set.add(pid);
      }
    }
    for (const [engine, port] of this._ports) {
      const found = byPort.get(port);
      if (found === undefined) continue;
      // The listeners and their descendants, breadth first, bounded.
      const seen = new Set(found);
      const queue = [...found];
      for (let i = 0; i < queue.length && seen.size < this._maxPerEngine; i++) {
        for (const c of children.get(queue[i]!) ?? []) {
          if (seen.has(c) || seen.size >= this._maxPerEngine) continue;
          seen.add(c);
          queue.push(c);
        }
      }
      out.set(engine, [...seen]);
    }
    return out;
  }
}

/** [port, inode] of every LISTEN socket in a /proc/net/tcp{,6} table (missing table: none). */
async function listeningSockets(path: string): Promise<[number, string][]> {
  const head = await readHead(path, MAX_TABLE_BYTES);
  // Cut where the read stopped, a line may be partial: an inode cut short would name another socket.
  const text = head.length >= MAX_TABLE_BYTES ? head.slice(0, head.lastIndexOf('\n') + 1) : head;
  const out: [number, string][] = [];
  let start = 0;
  const end = text.length;
  for (let lines = 1; start < end; lines++) {
    if (lines % LINES_PER_TURN === 0) await yieldToLoop();
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = end;
    // "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode"
    const cols = text.slice(start, nl).trim().split(/\s+/);
    start = nl + 1;
    if (cols.length < 10 || cols[3] !== LISTEN) continue;
    const port = parseInt(cols[1]!.split(':')[1] ?? '', 16);
    if (Number.isInteger(port) && /^[0-9]+$/.test(cols[9]!) && cols[9] !== '0') out.push([port, cols[9]!]);
  }
  return out;
}

/** The first `max` bytes of a file ('' when it cannot be read); /proc files report no size, so read until EOF or `max`. */
async function readHead(path: string, max: number): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(Math.min(max, 1 << 16));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < max) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, max - total), null);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
      total += bytesRead;
    }
    return Buffer.concat(chunks).toString('latin1');
  } catch {
    return '';
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** The ppid field of /proc/<pid>/stat: after the ")" closing the command name (which may hold spaces and parentheses). */
async function parentOf(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const ppid = text.slice(close + 2).split(' ')[1];
  return ppid !== undefined && /^[0-9]+$/.test(ppid) ? ppid : undefined;
}

function localHosts(): Set<string> {
  const out = new Set(['localhost', '0.0.0.0', '::', '::1', hostname().toLowerCase()]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

/** The TCP port of `url` when its host is this one (loopback, an own address or the hostname). */
function localPort(url: string, local: ReadonlySet<string>): number | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!local.has(host) && !host.startsWith('127.')) return undefined;
  return u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}
