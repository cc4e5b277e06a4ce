/**
 * @module collect/system/statfsGuard
 * statfs() on many mounts at once, never waiting past a deadline and never
 * piling up calls on a mount that hangs. A statfs on a dead NFS server blocks
 * one of libuv's threadpool threads (4 by default, shared with all of the
 * process's fs, dns and zlib work) until the server answers; a second call on
 * the same mount would block a second thread. So a mount whose previous call
 * has not returned is reported stuck and not called again until it does —
 * node_exporter's stuckMounts map does the same (collector/filesystem_linux.go).
 */
import { promises as fsp, statfsSync, type StatsFs } from 'node:fs';
import { ABORTED, settleWithin } from './timeout.js';

/** The statfs fields the collector uses. */
export type StatfsFigures = Pick<StatsFs, 'bsize' | 'blocks' | 'bfree' | 'bavail'>;

export type StatfsOutcome =
  | { readonly kind: 'ok'; readonly st: StatfsFigures }
  | { readonly kind: 'error'; readonly error: Error }
  /** The call did not answer by the deadline, now or in an earlier round. */
  | { readonly kind: 'stuck' }
  /** The collection was aborted before the call answered: no verdict. */
  | { readonly kind: 'aborted' };

const asyncStatfs = (p: string): Promise<StatfsFigures> => fsp.statfs(p);

const STUCK: StatfsOutcome = Object.freeze({ kind: 'stuck' });
const NO_VERDICT: StatfsOutcome = Object.freeze({ kind: 'aborted' });

/** How the guard waits: settleWithin, or a stand-in in tests (no real timers there). */
export type Within = (p: Promise<unknown>, ms: number, signal?: AbortSignal) => Promise<unknown>;

export class StatfsGuard {
  private readonly _inFlight = new Set<string>();

  /**
   * @param _statfs the call to guard (defaults to fs.promises.statfs)
   * @param _within how to wait with a deadline (defaults to settleWithin)
   */
  constructor(
    private readonly _statfs: (path: string) => Promise<StatfsFigures> = asyncStatfs,
    private readonly _within: Within = settleWithin,
    // With a stand-in async statfs (tests), local mounts go through it too.
    private readonly _statfsSync: ((path: string) => StatfsFigures) | undefined = _statfs === asyncStatfs ? (p) => statfsSync(p) : undefined,
  ) {}

  private _statLocal(path: string): StatfsOutcome {
    try {
      return { kind: 'ok', st: this._statfsSync!(path) };
    } catch (e) {
      return { kind: 'error', error: e instanceof Error ? e : new Error(String(e)) };
    }
  }

  /** Paths whose statfs has not returned yet. */
  get stuck(): ReadonlySet<string> {
    return this._inFlight;
  }

  /**
   * Stats every path concurrently and resolves after all answered, or after
   * `timeoutMs` (the rest are 'stuck'), or when `signal` aborts (the rest get
   * no verdict). Never rejects.
   */
  async statAll(paths: readonly string[], timeoutMs: number, signal?: AbortSignal, remote?: readonly boolean[]): Promise<StatfsOutcome[]> {
    if (signal?.aborted === true) return paths.map(() => NO_VERDICT);
    const out: (StatfsOutcome | undefined)[] = new Array<StatfsOutcome | undefined>(paths.length).fill(undefined);
    const waits: Promise<void>[] = [];
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      if (remote !== undefined && remote[i] === false && this._statfsSync !== undefined) {
        out[i] = this._statLocal(path);
        continue;
      }
      if (this._inFlight.has(path)) {
        out[i] = STUCK;
        continue;
      }
      this._inFlight.add(path);
      let call: Promise<StatfsFigures>;
      try {
        call = this._statfs(path);
      } catch (e) {
        call = Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      waits.push(
        call.then(
          (st) => {
            out[i] = { kind: 'ok', st };
            this._inFlight.delete(path);
          },
          (e: unknown) => {
            out[i] = { kind: 'error', error: e instanceof Error ? e : new Error(String(e)) };
            this._inFlight.delete(path);
          },
        ),
      );
    }
    if (waits.length === 0) return out.map((o) => o ?? STUCK);
    let late = STUCK;
    if (waits.length > 0 && (await this._within(Promise.all(waits), timeoutMs, signal)) === ABORTED) late = NO_VERDICT;
    return out.map((o) => o ?? late);
  }
}
