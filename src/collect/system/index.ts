/**
 * @module collect/system
 * The built-in host collector. On Linux it reads /proc, /sys/fs/cgroup and
 * statfs() directly: no subprocess, ever. One collect() reads about ten small
 * files synchronously (~5 µs each through kept descriptors, see procFile.ts) while the statfs calls run on libuv's
 * threadpool, bounded by a deadline. Elsewhere it falls back to node:os and
 * says what is missing in `platformNotes`.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { EchoPerfError, describeError } from '../../core/errors.js';
import type { Collector, Sample } from '../../core/types.js';
import { CgroupReader, parseProcSelfCgroup, resolveCgroup } from './cgroup.js';
import { DiskstatsReader } from './diskstats.js';
import { FilesystemsReader } from './filesystems.js';
import { LoadavgReader } from './loadavg.js';
import { MeminfoReader } from './meminfo.js';
import { NetDevReader } from './netdev.js';
import { NodeOsReader, portableNotes } from './nodeOs.js';
import { ProcStatReader } from './procStat.js';
import { NO_LABELS, type Emit } from './samples.js';
import { SelfProcessReader } from './selfProcess.js';
import { StatfsGuard } from './statfsGuard.js';

export interface SystemCollectorOptions {
  /** procfs root. Default `/proc`. */
  readonly procRoot?: string;
  /** sysfs root; cgroups are looked up under `${sysRoot}/fs/cgroup`. Default `/sys`. */
  readonly sysRoot?: string;
  /** The mount table. Default `${procRoot}/self/mounts`. */
  readonly mountsFile?: string;
  /** How long one collect() waits for statfs() before calling a mount stuck, in ms. Default 2000. */
  readonly statfsTimeoutMs?: number;
  /** Monotonic milliseconds, for rates. Default `performance.now()`. */
  readonly now?: () => number;
  /** Re-read the mount table and cgroup limits, and reopen the /proc files, every N collections. Default 10. */
  readonly refreshEvery?: number;
  /** The platform to collect for. Default `process.platform`; tests set it to run the node:os path on Linux. */
  readonly platform?: NodeJS.Platform;
}

/** A Collector that also says which figures this host cannot give and why. */
export type SystemCollector = Collector & { readonly platformNotes: readonly string[] };

const DEFAULTS = {
  procRoot: '/proc',
  sysRoot: '/sys',
  statfsTimeoutMs: 2000, // 2 s; node_exporter's stuck-mount watchdog waits 5 s, too long for a 1 s loop
  refreshEvery: 10, // collections, i.e. 10 s at the default 1 s interval
} as const;

/** Notes are deduplicated and capped: a stuck mount or a failing file adds its line once. */
const MAX_NOTES = 200;

interface SyncReader {
  readonly family: string;
  read(emit: Emit, nowMs: number): void;
}

/**
 * Creates the host collector (`name: 'system'`). Construction reads a first
 * baseline, so the first collect() already reports CPU and rates.
 * @example
 * const system = createSystemCollector();
 * const samples = await system.collect(Date.now(), AbortSignal.timeout(5000));
 * // [{ name: 'cpu_usage', labels: {}, t, v: 3.2 }, { name: 'memory_usage', … }, …]
 */
export function createSystemCollector(options: SystemCollectorOptions = {}): SystemCollector {
  const procRoot = options.procRoot ?? DEFAULTS.procRoot;
  const sysRoot = options.sysRoot ?? DEFAULTS.sysRoot;
  const timeoutMs = options.statfsTimeoutMs ?? DEFAULTS.statfsTimeoutMs;
  const refreshEvery = options.refreshEvery ?? DEFAULTS.refreshEvery;
  const now = options.now ?? (() => performance.now());
  const platform = options.platform ?? process.platform;
  if (!(timeoutMs > 0)) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `createSystemCollector: statfsTimeoutMs must be > 0 ms, got ${timeoutMs}`);
  }
  if (!Number.isInteger(refreshEvery) || refreshEvery < 1) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `createSystemCollector: refreshEvery must be an integer >= 1, got ${refreshEvery}`);
  }

  const notes: string[] = [];
  const seen = new Set<string>();
  const note = (line: string): void => {
    if (seen.has(line) || notes.length >= MAX_NOTES) return;
    seen.add(line);
    notes.push(line);
  };
  const t0 = now();
  const readers: SyncReader[] = [];
  const add = (family: string, make: () => { read(emit: Emit, nowMs: number): void }): void => {
    try {
      const r = make();
      readers.push({ family, read: (emit, nowMs) => r.read(emit, nowMs) });
    } catch (e) {
      note(`${family}: unavailable, omitted (${describeError(e)})`);
    }
  };

  let mountsFile: string | undefined;
  if (platform === 'linux') {
    mountsFile = options.mountsFile ?? `${procRoot}/self/mounts`;
    let procStat: ProcStatReader | undefined;
    add('cpu', () => (procStat = new ProcStatReader(procRoot, refreshEvery)));
    add('memory', () => new MeminfoReader(procRoot, refreshEvery));
    add('disk I/O', () => new DiskstatsReader(procRoot, t0, refreshEvery));
    add('network', () => new NetDevReader(procRoot, t0, refreshEvery));
    add('load average', () => new LoadavgReader(procRoot, refreshEvery));
    const cpuCount = (): number => procStat?.cpuCount || os.availableParallelism();
    add('cgroup', () => {
      const membership = parseProcSelfCgroup(readFileSync(`${procRoot}/self/cgroup`, 'utf8'));
      return new CgroupReader(resolveCgroup(membership, sysRoot), t0, cpuCount, refreshEvery);
    });
  } else {
    for (const n of portableNotes(platform)) note(n);
    add('cpu and memory', () => new NodeOsReader(platform));
  }
  add('process', () => new SelfProcessReader(t0));
  const filesystems = new FilesystemsReader({ mountsFile, timeoutMs, refreshEvery, note, guard: new StatfsGuard() });

  return {
    name: 'system',
    platformNotes: notes,
    async collect(at: number, signal: AbortSignal): Promise<Sample[]> {
      const nowMs = now();
      const out: Sample[] = [];
      const emit: Emit = (name, v, labels = NO_LABELS) => {
        if (Number.isFinite(v)) out.push({ name, labels, t: at, v: rounded(name, v) });
      };
      // statfs first: those calls run on the threadpool while we read /proc here.
      const fsDone = filesystems.read(emit, signal);
      for (const r of readers) {
        try {
          r.read(emit, nowMs);
        } catch (e) {
          note(`${r.family}: read failed, omitted this time (${describeError(e)})`);
        }
      }
      try {
        await fsDone;
      } catch (e) {
        note(`filesystems: read failed, omitted this time (${describeError(e)})`);
      }
      return out;
    },
  };
}

/**
 * Host figures to the precision they have. A percentage from /proc deltas is a
 * ratio of jiffies (1 % of a core per 10 ms tick): digits past the second
 * decimal are noise (psutil rounds cpu_percent to one), and a full-precision
 * double in every sample is what history compresses worst (~8 bytes a sample
 * against ~2). Rates in bytes per second are whole bytes.
 */
function rounded(name: string, v: number): number {
  if (name.endsWith('_usage')) return Math.round(v * 100) / 100;
  if (name.endsWith('_bytes_per_second')) return Math.round(v);
  return v;
}
