/**
 * @module collect/system/filesystems
 * Usage of each real mounted filesystem: the mount table from
 * /proc/self/mounts (fstab(5) layout: device mountpoint fstype options dump
 * pass, with space, tab, newline and backslash written as octal escapes), then
 * statfs() on each mount point.
 *
 * Figures follow psutil disk_usage() (psutil/_psposix.py): total = blocks ×
 * frsize; used = total − bfree × frsize; free = bavail × frsize;
 * percent = used / (used + free) × 100, which leaves out the root-reserved
 * blocks and matches `df`. Node's statfs gives `bsize` (libuv copies f_bsize);
 * Linux filesystems report f_frsize = f_bsize, so we use bsize.
 */
import { readFileSync } from 'node:fs';
import type { Labels } from '../../core/types.js';
import { describeError } from '../../core/errors.js';
import { NO_LABELS, type Emit } from './samples.js';
import type { StatfsFigures, StatfsGuard } from './statfsGuard.js';

/** node_exporter's default `--collector.filesystem.fs-types-exclude` (collector/filesystem_linux.go). */
export const IGNORED_FS_TYPES =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

/** node_exporter's default `--collector.filesystem.mount-points-exclude` (collector/filesystem_linux.go). */
export const IGNORED_MOUNT_POINTS = /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

export interface MountEntry {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  /** `{ mountpoint, device, fstype }`, built once per parse. */
  readonly labels: Labels;
}

/** Undoes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function unescapeMountField(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * The real filesystems in a mount table. A mount point mounted over keeps only
 * its last entry: that is the filesystem statfs() will see at that path. The
 * ignore rules apply after de-duplication, so an excluded filesystem mounted
 * over a real one hides it, as it does on the host. tmpfs is kept, as
 * node_exporter keeps it; mounts with 0 blocks are dropped after statfs.
 */
export function parseMounts(text: string): MountEntry[] {
  const byPoint = new Map<string, MountEntry>();
  for (const line of text.split('\n')) {
    const [dev, point, fstype] = line.split(' ');
    if (dev === undefined || point === undefined || fstype === undefined || fstype === '') continue;
    const device = unescapeMountField(dev);
    const mountpoint = unescapeMountField(point);
    byPoint.delete(mountpoint); // keep the last entry, in the position of the last entry
    byPoint.set(mountpoint, { device, mountpoint, fstype, labels: Object.freeze({ mountpoint, device, fstype }) });
  }
  const out: MountEntry[] = [];
  for (const m of byPoint.values()) {
    if (!IGNORED_FS_TYPES.test(m.fstype) && !IGNORED_MOUNT_POINTS.test(m.mountpoint)) out.push(m);
  }
  return out;
}

export interface FsUsage {
  readonly sizeBytes: number;
  readonly availBytes: number;
  /** NaN when the filesystem has no blocks at all. */
  readonly percent: number;
}

/** psutil disk_usage() figures from statfs. */
export function fsUsage(st: StatfsFigures): FsUsage {
  const sizeBytes = st.blocks * st.bsize;
  const used = sizeBytes - st.bfree * st.bsize;
  const availBytes = st.bavail * st.bsize;
  const percent = used + availBytes > 0 ? (used / (used + availBytes)) * 100 : NaN;
  return { sizeBytes, availBytes, percent };
}

/**
 * Filesystems served over a network (or by a user-space daemon) whose statfs can
 * hang when the server is gone; local ones answer in microseconds and are
 * stat'ed synchronously, which spares a threadpool round trip per mount per tick.
 */
const NETWORK_FS = /^(nfs4?|cifs|smb3?|smbfs|ceph|glusterfs|fuse(\..*)?|9p|afs|lustre|gpfs|beegfs|ocfs2|davfs)$/;

export interface FilesystemsOptions {
  /** The mount table; undefined where there is none (non-Linux): only `/` is reported then. */
  readonly mountsFile: string | undefined;
  readonly timeoutMs: number;
  /** Re-read the mount table every N collections (it is re-parsed only when its text changed). */
  readonly refreshEvery: number;
  readonly note: (line: string) => void;
  readonly guard: StatfsGuard;
}

/**
 * Emits disk_usage (the filesystem at `/`, even when `/` is an excluded type
 * such as a container's overlay), filesystem_{usage,size_bytes,avail_bytes}
 * and filesystem_stuck = 1 per mount whose statfs did not answer in time.
 */
export class FilesystemsReader {
  private _text: string | undefined;
  private _mounts: MountEntry[] = [];
  private _paths: string[] = ['/'];
  /** Per path: a network filesystem, whose statfs may hang and so runs off-thread with a deadline. */
  private _remote: boolean[] = [false];
  private _rootIndex = 0;
  private _rounds = 0;

  constructor(private readonly _o: FilesystemsOptions) {
    this._refresh();
  }

  async read(emit: Emit, signal?: AbortSignal): Promise<void> {
    if (++this._rounds % this._o.refreshEvery === 0) this._refresh();
    const mounts = this._mounts;
    const results = await this._o.guard.statAll(this._paths, this._o.timeoutMs, signal, this._remote);
    for (let i = 0; i < mounts.length; i++) {
      const m = mounts[i]!;
      const r = results[i]!;
      if (r.kind === 'ok') {
        if (!(r.st.blocks > 0)) continue; // pseudo filesystems with nothing to fill
        const u = fsUsage(r.st);
        emit('filesystem_usage', u.percent, m.labels);
        emit('filesystem_size_bytes', u.sizeBytes, m.labels);
        emit('filesystem_avail_bytes', u.availBytes, m.labels);
      } else if (r.kind === 'stuck') {
        emit('filesystem_stuck', 1, m.labels);
        this._o.note(`filesystem ${m.mountpoint}: statfs did not answer within ${this._o.timeoutMs} ms; skipped until it does`);
      } else if (r.kind === 'error') {
        this._o.note(`filesystem ${m.mountpoint}: statfs failed: ${describeError(r.error)}`);
      } // 'aborted': the caller gave up on this collection; no verdict on the mount

    }
    const root = results[this._rootIndex];
    if (root?.kind === 'ok') emit('disk_usage', fsUsage(root.st).percent, NO_LABELS);
    else if (root?.kind === 'error') this._o.note(`disk_usage: statfs('/') failed: ${describeError(root.error)}`);
    else if (root?.kind === 'stuck') this._o.note(`disk_usage: statfs('/') did not answer within ${this._o.timeoutMs} ms`);
  }

  private _refresh(): void {
    const file = this._o.mountsFile;
    let text = '';
    if (file !== undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        this._o.note(`filesystems: cannot read ${file} (${describeError(e)}); only disk_usage of / is reported`);
      }
    }
    if (text === this._text) return;
    this._text = text;
    this._mounts = parseMounts(text);
    this._paths = this._mounts.map((m) => m.mountpoint);
    this._remote = this._mounts.map((m) => NETWORK_FS.test(m.labels['fstype'] ?? ''));
    this._rootIndex = this._paths.indexOf('/');
    if (this._rootIndex < 0) {
      this._rootIndex = this._paths.push('/') - 1;
      this._remote.push(false);
    }
  }
}
