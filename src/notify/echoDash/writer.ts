/**
 * @module notify/echoDash/writer
 * Writes what echo.dash reads from its stats directory (seed: "Alert Files:
 * Alerts saved as JSON files in /tmp/echo_stats/", "Dashboard Data: metrics
 * exported in echo.dash compatible format"):
 *
 * - one `alert_<unix seconds>.json` per alert event (firing and resolved are two);
 * - `performance_metrics.json`, rewritten every tick.
 *
 * Every file is written to a temp file in the same directory and renamed over
 * the target, so a reader polling the directory never parses a half-written file.
 * Files are mode 0600: echo.dash runs as the same user, nobody else needs them.
 * Before each write the directory is checked (statsDir.ts) and refused when
 * another user could control it.
 * The writer never throws into the monitor: a stats dir that cannot be created,
 * is refused, or cannot be written is reported by `health()` and by `onFailure`,
 * once per failure episode.
 */
import { existsSync, lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import type { Clock } from '../../core/clock.js';
import { describeError, EchoPerfError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { PerformanceMetrics } from '../../core/snapshot.js';
import type { PerformanceAlert } from '../../alert/alert.js';
import {
  alertFileName,
  compareAlertFiles,
  parseAlertFileName,
  selectForRemoval,
  STALE_TEMP_FILE,
  type AlertFileName,
} from './alertFiles.js';
import { buildDashboard, eventTimeMs, formatLogLine, toAlertRecord } from './format.js';
import { ensureStatsDir } from './statsDir.js';

export interface EchoDashWriterOptions {
  /**
   * Directory echo.dash reads; created (mkdir -p, mode 0700) when missing. Refused when it is a
   * symlink, not a directory, owned by another uid, or group/other-writable without the sticky bit.
   * Default `/tmp/echo_stats` (the seed's).
   */
  readonly statsDir?: string | undefined;
  /** `team_member` in the dashboard. Default `echo-perf`. */
  readonly teamMember?: string | undefined;
  /** Alert files kept at most (the newest). Default 1000. */
  readonly maxAlertFiles?: number | undefined;
  /** Alert files older than this (by the time in their name) are removed. Default 7 days. */
  readonly maxAlertAgeMs?: number | undefined;
  /** Cleanup runs after this many alert files were written... Default 100. */
  readonly cleanupEveryWrites?: number | undefined;
  /** ...or when this long has passed since the last cleanup, whichever comes first. Default 60 s. */
  readonly cleanupIntervalMs?: number | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** When the monitor started (ms); the dashboard's `uptime` counts from it. */
  readonly startedAt: number;
  /** Called once when writing starts to fail, and again only after a success in between. */
  readonly onFailure?: ((message: string) => void) | undefined;
  /** Called on the first success after a failure episode. */
  readonly onRecovery?: (() => void) | undefined;
}

interface Counters {
  /** Alert files written since construction. */
  readonly alertFilesWritten: number;
  /** Dashboard rewrites since construction. */
  readonly dashboardWrites: number;
  /** Writes (alert or dashboard) that failed. */
  readonly failuresTotal: number;
  /** Alert files removed by cleanup. */
  readonly alertFilesRemoved: number;
}

export type EchoDashHealth =
  | ({ readonly ok: true; readonly statsDir: string } & Counters)
  | ({ readonly ok: false; readonly statsDir: string; readonly error: string; readonly since: number } & Counters);

const DEFAULTS = {
  statsDir: '/tmp/echo_stats',
  teamMember: 'echo-perf',
  maxAlertFiles: 1000,
  maxAlertAgeMs: 7 * 24 * 3600_000, // 7 days
  cleanupEveryWrites: 100,
  cleanupIntervalMs: 60_000, // 1 minute
} as const;

/** Temp files older than this at startup are left over from a crash mid-write. */
const STALE_TEMP_MS = 10 * 60_000;
const DASHBOARD_FILE = 'performance_metrics.json';

export class EchoDashWriter {
  readonly statsDir: string;
  readonly teamMember: string;
  private readonly _maxFiles: number;
  private readonly _maxAgeMs: number;
  private readonly _cleanupEvery: number;
  private readonly _cleanupIntervalMs: number;
  private readonly _o: EchoDashWriterOptions;
  /** Alert files in the directory as far as we know: the startup scan plus what we wrote since. */
  private _files: AlertFileName[] = [];
  private readonly _names = new Set<string>();
  private _scanned = false;
  private _error: { message: string; since: number } | undefined;
  private _writesSinceCleanup = 0;
  private _lastCleanupAt: number;
  private _alertFilesWritten = 0;
  private _dashboardWrites = 0;
  private _failures = 0;
  private _removed = 0;

  constructor(options: EchoDashWriterOptions) {
    this._o = options;
    this.statsDir = options.statsDir ?? DEFAULTS.statsDir;
    this.teamMember = options.teamMember ?? DEFAULTS.teamMember;
    this._maxFiles = positive('maxAlertFiles', options.maxAlertFiles ?? DEFAULTS.maxAlertFiles, true);
    this._maxAgeMs = positive('maxAlertAgeMs', options.maxAlertAgeMs ?? DEFAULTS.maxAlertAgeMs, false);
    this._cleanupEvery = positive('cleanupEveryWrites', options.cleanupEveryWrites ?? DEFAULTS.cleanupEveryWrites, true);
    this._cleanupIntervalMs = positive('cleanupIntervalMs', options.cleanupIntervalMs ?? DEFAULTS.cleanupIntervalMs, false);
    if (this.statsDir === '') throw new EchoPerfError('EP_ERR_ARGUMENT', 'statsDir: got ""; expected a directory path');
    this._lastCleanupAt = options.clock.now();
    this._prepare();
  }

  /** The seed's structured log line for an alert event; the monitor logs it for each event. */
  logLine(alert: PerformanceAlert): string {
    return formatLogLine(alert);
  }

  /** Writes one alert event as `alert_<unix seconds>[_n].json`. Never throws. */
  writeAlert(alert: PerformanceAlert): void {
    if (!this._prepare()) return;
    const name = this._freeName(Math.floor(eventTimeMs(alert) / 1000));
    // An alert event is written once and never again: worth an fsync (file and directory).
    if (!this._write(name.file, toAlertRecord(alert), `alert file ${name.file}`, true)) return;
    this._files.push(name);
    this._names.add(name.file);
    this._alertFilesWritten++;
    this._writesSinceCleanup++;
    this._maybeCleanup();
  }

  /** Rewrites `performance_metrics.json` from the latest snapshot and the alerts firing now. Never throws. */
  writeDashboard(
    snapshot: PerformanceMetrics | undefined,
    alerts: readonly PerformanceAlert[],
    extra?: Readonly<Record<string, unknown>>,
  ): void {
    if (!this._prepare()) return;
    const { clock, startedAt } = this._o;
    const doc = buildDashboard({ now: clock.now(), startedAt, teamMember: this.teamMember, snapshot, alerts, extra });
    // Rewritten every tick, so a crash loses one tick at most; an fsync here would block the
    // event loop for milliseconds every second (up to ~40 ms measured on a busy ext4 disk).
    if (!this._write(DASHBOARD_FILE, doc, DASHBOARD_FILE, false)) return;
    this._dashboardWrites++;
    this._maybeCleanup();
  }

  /** Removes alert files past the count or age limit (never the newest). Returns how many were removed. */
  cleanup(): number {
    this._writesSinceCleanup = 0;
    this._lastCleanupAt = this._o.clock.now();
    const cutoffSecs = (this._lastCleanupAt - this._maxAgeMs) / 1000;
    const sorted = [...this._files].sort(compareAlertFiles);
    const { remove, keep } = selectForRemoval(sorted, this._maxFiles, cutoffSecs);
    const failed: AlertFileName[] = [];
    let lastError = '';
    for (const f of remove) {
      try {
        unlinkSync(join(this.statsDir, f.file));
      } catch (e) {
        // Gone already (echo.dash or an operator removed it): that is what we wanted.
        if (codeOf(e) !== 'ENOENT') {
          failed.push(f);
          lastError = describeError(e);
          continue;
        }
      }
      this._names.delete(f.file);
    }
    if (failed.length > 0) {
      this._o.logger.warn(`echo.dash cleanup: could not remove ${failed.length} alert file(s) in ${this.statsDir}: ${lastError}`);
    }
    this._files = [...failed, ...keep];
    const removed = remove.length - failed.length;
    this._removed += removed;
    return removed;
  }

  health(): EchoDashHealth {
    const counters: Counters = {
      alertFilesWritten: this._alertFilesWritten,
      dashboardWrites: this._dashboardWrites,
      failuresTotal: this._failures,
      alertFilesRemoved: this._removed,
    };
    if (this._error === undefined) return { ok: true, statsDir: this.statsDir, ...counters };
    return { ok: false, statsDir: this.statsDir, error: this._error.message, since: this._error.since, ...counters };
  }

  /**
   * Makes sure the directory exists and is safe (checked before every write: one lstat, and
   * the directory can be replaced at any time), and was scanned once. False, with the
   * failure recorded, when it cannot.
   */
  private _prepare(): boolean {
    try {
      ensureStatsDir(this.statsDir);
      if (!this._scanned) {
        this._scan();
        this._scanned = true;
        this.cleanup();
      }
      return true;
    } catch (e) {
      this._fail(`echo.dash stats dir ${this.statsDir}: ${describeError(e)}`);
      return false;
    }
  }

  /** The startup scan: learns the alert files already there and sweeps temp files left by a crash. */
  private _scan(): void {
    const now = Date.now(); // compared with file mtimes, which are wall-clock
    for (const entry of readdirSync(this.statsDir)) {
      const parsed = parseAlertFileName(entry);
      if (parsed !== undefined) {
        this._files.push(parsed);
        this._names.add(entry);
      } else if (STALE_TEMP_FILE.test(entry)) {
        try {
          const p = join(this.statsDir, entry);
          if (now - lstatSync(p).mtimeMs > STALE_TEMP_MS) unlinkSync(p);
        } catch (e) {
          this._o.logger.debug(`echo.dash: could not remove stale temp file ${entry}: ${describeError(e)}`);
        }
      }
    }
  }

  /** The first of `alert_S.json`, `alert_S_1.json`, ... that we did not write and that is not on disk. */
  private _freeName(secs: number): AlertFileName {
    for (let seq = 0; ; seq++) {
      const name = alertFileName(secs, seq);
      if (!this._names.has(name.file) && !existsSync(join(this.statsDir, name.file))) return name;
    }
  }

  private _write(file: string, body: unknown, what: string, durable: boolean): boolean {
    const path = join(this.statsDir, file);
    const options = { mode: 0o600, durable };
    try {
      try {
        writeJsonAtomic(path, body, options);
      } catch (e) {
        // The directory was removed under us (tmp cleaners do that): recreate it once and retry.
        if (codeOf(e) !== 'ENOENT') throw e;
        ensureStatsDir(this.statsDir);
        writeJsonAtomic(path, body, options);
      }
    } catch (e) {
      this._fail(`echo.dash: cannot write ${what} in ${this.statsDir}: ${describeError(e)}`);
      return false;
    }
    this._recover();
    return true;
  }

  private _maybeCleanup(): void {
    const due =
      this._writesSinceCleanup >= this._cleanupEvery ||
      this._o.clock.now() - this._lastCleanupAt >= this._cleanupIntervalMs;
    if (due) this.cleanup();
  }

  private _fail(message: string): void {
    this._failures++;
    if (this._error !== undefined) {
      this._error.message = message;
      return;
    }
    this._error = { message, since: this._o.clock.now() };
    this._o.logger.warn(`${message} (further failures are not logged until a write succeeds)`);
    this._callback(() => this._o.onFailure?.(message), 'onFailure');
  }

  private _recover(): void {
    if (this._error === undefined) return;
    this._error = undefined;
    this._o.logger.info(`echo.dash: writing to ${this.statsDir} works again`);
    this._callback(() => this._o.onRecovery?.(), 'onRecovery');
  }

  /** A callback that throws must not throw into the monitor either. */
  private _callback(fn: () => void, what: string): void {
    try {
      fn();
    } catch (e) {
      this._o.logger.error(`echo.dash ${what} callback threw: ${describeError(e)}`);
    }
  }
}

function positive(field: string, v: number, integer: boolean): number {
  if (!(v > 0) || (integer && !Number.isInteger(v)) || !Number.isFinite(v)) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `${field}: got ${v}; expected a positive ${integer ? 'integer' : 'number'}`);
  }
  return v;
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
