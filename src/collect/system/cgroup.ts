/**
 * @module collect/system/cgroup
 * The limits and usage of the cgroup this process runs in, so a containerised
 * monitor reports against its own budget and not only the host's.
 *
 * Where the files are: /proc/self/cgroup lists `hierarchy:controllers:path`
 * (cgroups(7)). `0::/path` is the v2 (unified) hierarchy, found at
 * ${sysRoot}/fs/cgroup (pure v2, it has cgroup.controllers) or at
 * ${sysRoot}/fs/cgroup/unified (hybrid). `N:memory:/path` lines are v1
 * controllers, mounted at ${sysRoot}/fs/cgroup/<controllers> (e.g. `memory`,
 * `cpu,cpuacct`). We take the mount points by these conventions rather than
 * from /proc/self/mountinfo. When `<mount>/<path>` does not exist (a container
 * without a cgroup namespace sees its host path but has its own cgroup mounted
 * as the root) the mount root is used.
 *
 * Each resource comes from the hierarchy that holds its controller: cpu from v2
 * when the v2 cgroup has cpu.max, else from v1 (cpu.cfs_quota_us/period,
 * cpuacct.usage), else usage only from v2 cpu.stat (hybrid hosts keep basic
 * cpu accounting in the unified tree); memory from v2 memory.current when it
 * exists, else v1 memory.usage_in_bytes.
 *
 * The effective limit is the smallest one on the path to the root, so limits
 * are read in the cgroup and in each ancestor. Limits change rarely and are
 * re-read every `refreshEvery` collections; usage is read every time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProcFile } from './procFile.js';
import type { Emit } from './samples.js';

/** v1 reports "no limit" as a huge page-rounded value (LONG_MAX & PAGE_MASK); treat ≥ 2^62 as unlimited. */
const V1_UNLIMITED = 2 ** 62;
const MAX_DEPTH = 32;

export interface CgroupMembership {
  /** The `0::` path, if any. */
  readonly v2Path: string | undefined;
  /** v1 controller → its mount directory name (the controller list) and path. */
  readonly v1: ReadonlyMap<string, { readonly mount: string; readonly path: string }>;
}

/** Parses /proc/self/cgroup. */
export function parseProcSelfCgroup(text: string): CgroupMembership {
  let v2Path: string | undefined;
  const v1 = new Map<string, { mount: string; path: string }>();
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const hierarchy = line.slice(0, a);
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (hierarchy === '0' && controllers === '') v2Path = path;
    else for (const c of controllers.split(',')) if (c !== '' && !c.startsWith('name=')) v1.set(c, { mount: controllers, path });
  }
  return { v2Path, v1 };
}

/** cpu.max `quota period` → cores; NaN for `max` (unlimited). */
export function parseCpuMax(text: string): number {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return NaN;
  const q = Number(quota);
  const p = Number(period ?? 100000);
  return q > 0 && p > 0 ? q / p : NaN;
}

/** v1 cfs quota and period (µs) → cores; NaN when quota is -1 (unlimited). */
export function parseCfsQuota(quotaText: string, periodText: string): number {
  const q = Number(quotaText.trim());
  const p = Number(periodText.trim());
  return q > 0 && p > 0 ? q / p : NaN;
}

/** v2 memory.max (`max` or bytes) or v1 memory.limit_in_bytes → bytes; NaN when unlimited. */
export function parseMemoryLimit(text: string): number {
  const t = text.trim();
  if (t === 'max') return NaN;
  const v = Number(t);
  return v > 0 && v < V1_UNLIMITED ? v : NaN;
}

/** The `usage_usec` line of v2 cpu.stat, in µs. */
export function parseCpuStatUsageUsec(text: string): number {
  let i: number;
  if (text.startsWith('usage_usec ')) i = 11;
  else {
    const j = text.indexOf('\nusage_usec ');
    if (j < 0) return NaN;
    i = j + 12;
  }
  return parseInt(text.slice(i, i + 24), 10);
}

/** Which files to read. Paths are absolute; empty lists mean "not available". */
export interface CgroupPlan {
  /** The file with cumulative CPU usage; `unit` says how to turn it into µs. */
  readonly cpuUsage: { readonly file: string; readonly unit: 'cpu.stat' | 'ns' } | undefined;
  /** v2: cpu.max files; v1: cgroup dirs holding cpu.cfs_quota_us + cpu.cfs_period_us. Own cgroup first, then ancestors. */
  readonly cpuLimit: { readonly kind: 'v2' | 'v1'; readonly paths: readonly string[] } | undefined;
  readonly memoryUsageFile: string | undefined;
  /** memory.max (v2) or memory.limit_in_bytes (v1) files, own cgroup first, then ancestors. */
  readonly memoryLimitFiles: readonly string[];
}

/** The cgroup dir for `path` under `mount`, falling back to the mount root; undefined when neither has `file`. */
function cgroupDir(mount: string, path: string, file: string): string | undefined {
  const own = path === '/' ? mount : mount + path;
  if (existsSync(`${own}/${file}`)) return own;
  if (existsSync(`${mount}/${file}`)) return mount;
  return undefined;
}

/** `dir` and its ancestors up to `mount`, each joined with `file`, keeping those that exist. */
function upToRoot(mount: string, dir: string, file: string): string[] {
  const out: string[] = [];
  for (let d = dir, i = 0; i < MAX_DEPTH; i++) {
    if (existsSync(`${d}/${file}`)) out.push(`${d}/${file}`);
    if (d.length <= mount.length) break;
    d = dirname(d);
  }
  return out;
}

function v1Dir(sysRoot: string, m: CgroupMembership, controller: string, file: string): [string, string] | undefined {
  const e = m.v1.get(controller);
  if (e === undefined) return undefined;
  for (const mount of [`${sysRoot}/fs/cgroup/${e.mount}`, `${sysRoot}/fs/cgroup/${controller}`]) {
    const dir = cgroupDir(mount, e.path, file);
    if (dir !== undefined) return [mount, dir];
  }
  return undefined;
}

/** Works out which cgroup files describe this process. */
export function resolveCgroup(m: CgroupMembership, sysRoot: string): CgroupPlan {
  const root = `${sysRoot}/fs/cgroup`;
  const v2Mount = existsSync(`${root}/cgroup.controllers`) ? root : existsSync(`${root}/unified`) ? `${root}/unified` : undefined;
  const v2 = (file: string): [string, string] | undefined => {
    if (v2Mount === undefined || m.v2Path === undefined) return undefined;
    const dir = cgroupDir(v2Mount, m.v2Path, file);
    return dir === undefined ? undefined : [v2Mount, dir];
  };

  let cpuUsage: CgroupPlan['cpuUsage'];
  let cpuLimit: CgroupPlan['cpuLimit'];
  const v2CpuMax = v2('cpu.max');
  const v1Quota = v1Dir(sysRoot, m, 'cpu', 'cpu.cfs_quota_us');
  const v1Acct = v1Dir(sysRoot, m, 'cpuacct', 'cpuacct.usage');
  if (v2CpuMax !== undefined) {
    cpuLimit = { kind: 'v2', paths: upToRoot(v2CpuMax[0], v2CpuMax[1], 'cpu.max') };
    if (existsSync(`${v2CpuMax[1]}/cpu.stat`)) cpuUsage = { file: `${v2CpuMax[1]}/cpu.stat`, unit: 'cpu.stat' };
  } else if (v1Quota !== undefined || v1Acct !== undefined) {
    if (v1Quota !== undefined) {
      const dirs = upToRoot(v1Quota[0], v1Quota[1], 'cpu.cfs_quota_us').map(dirname);
      cpuLimit = { kind: 'v1', paths: dirs.filter((d) => existsSync(`${d}/cpu.cfs_period_us`)) };
    }
    if (v1Acct !== undefined) cpuUsage = { file: `${v1Acct[1]}/cpuacct.usage`, unit: 'ns' };
  } else {
    const stat = v2('cpu.stat');
    if (stat !== undefined) cpuUsage = { file: `${stat[1]}/cpu.stat`, unit: 'cpu.stat' };
  }

  let memoryUsageFile: string | undefined;
  let memoryLimitFiles: string[] = [];
  const v2Mem = v2('memory.current');
  const v1Mem = v1Dir(sysRoot, m, 'memory', 'memory.usage_in_bytes');
  if (v2Mem !== undefined) {
    memoryUsageFile = `${v2Mem[1]}/memory.current`;
    memoryLimitFiles = upToRoot(v2Mem[0], v2Mem[1], 'memory.max');
  } else if (v1Mem !== undefined) {
    memoryUsageFile = `${v1Mem[1]}/memory.usage_in_bytes`;
    memoryLimitFiles = upToRoot(v1Mem[0], v1Mem[1], 'memory.limit_in_bytes');
  }
  return { cpuUsage, cpuLimit, memoryUsageFile, memoryLimitFiles };
}

/** Smallest finite value of `f` over `paths`; NaN when all are unlimited or unreadable. */
function minLimit(paths: readonly string[], f: (p: string) => number): number {
  let min = NaN;
  for (const p of paths) {
    let v: number;
    try {
      v = f(p);
    } catch {
      continue; // an ancestor we may not read (or that vanished) does not limit us as far as we can tell
    }
    if (v > 0 && !(v >= min)) min = v;
  }
  return min;
}

const read = (p: string): string => readFileSync(p, 'utf8');

/**
 * Emits cgroup_cpu_limit_cores, cgroup_cpu_usage, cgroup_memory_limit_bytes,
 * cgroup_memory_usage_bytes and cgroup_memory_usage. cgroup_cpu_usage is the
 * % of the CPU limit when there is one, else the % of all the host's CPUs
 * (ncpu cores), so 100 always means "the cgroup used everything it may".
 */
export class CgroupReader {
  private _rounds = 0;
  private _cpuLimit = NaN;
  private _memLimit = NaN;
  private _prevUs = NaN;
  private _prevMs = NaN;
  private readonly _cpuFile: ProcFile | undefined;
  private readonly _memFile: ProcFile | undefined;

  /** Throws when this process's cgroup files cannot be found, so the collector can note the gap. */
  constructor(
    private readonly _plan: CgroupPlan,
    nowMs: number,
    private readonly _cpuCount: () => number,
    private readonly _refreshEvery: number,
  ) {
    if (_plan.cpuUsage === undefined && _plan.cpuLimit === undefined && _plan.memoryUsageFile === undefined) {
      throw new Error('no cgroup v1 or v2 cpu/memory files found for this process');
    }
    if (_plan.cpuUsage !== undefined) this._cpuFile = new ProcFile(_plan.cpuUsage.file, _refreshEvery);
    if (_plan.memoryUsageFile !== undefined) this._memFile = new ProcFile(_plan.memoryUsageFile, _refreshEvery);
    this._refreshLimits();
    this._prevUs = this._cpuUsageUs();
    this._prevMs = nowMs;
  }

  read(emit: Emit, nowMs: number): void {
    if (++this._rounds % this._refreshEvery === 0) this._refreshLimits();
    const cores = this._cpuLimit;
    emit('cgroup_cpu_limit_cores', cores);
    const us = this._cpuUsageUs();
    const elapsedMs = nowMs - this._prevMs;
    if (elapsedMs > 0 && us >= this._prevUs) {
      const used = (us - this._prevUs) / 1000 / elapsedMs; // cores busy on average
      const budget = cores > 0 ? cores : this._cpuCount();
      if (budget > 0) emit('cgroup_cpu_usage', (used / budget) * 100);
    }
    this._prevUs = us;
    this._prevMs = nowMs;

    if (this._memFile !== undefined) {
      const bytes = Number(this._memFile.read().trim());
      emit('cgroup_memory_usage_bytes', bytes);
      emit('cgroup_memory_limit_bytes', this._memLimit);
      if (this._memLimit > 0) emit('cgroup_memory_usage', (bytes / this._memLimit) * 100);
    }
  }

  private _cpuUsageUs(): number {
    const u = this._plan.cpuUsage;
    if (u === undefined || this._cpuFile === undefined) return NaN;
    const text = this._cpuFile.read();
    return u.unit === 'ns' ? Number(text.trim()) / 1000 : parseCpuStatUsageUsec(text);
  }

  private _refreshLimits(): void {
    const cpu = this._plan.cpuLimit;
    this._cpuLimit =
      cpu === undefined
        ? NaN
        : cpu.kind === 'v2'
          ? minLimit(cpu.paths, (p) => parseCpuMax(read(p)))
          : minLimit(cpu.paths, (d) => parseCfsQuota(read(`${d}/cpu.cfs_quota_us`), read(`${d}/cpu.cfs_period_us`)));
    this._memLimit = minLimit(this._plan.memoryLimitFiles, (p) => parseMemoryLimit(read(p)));
  }
}
