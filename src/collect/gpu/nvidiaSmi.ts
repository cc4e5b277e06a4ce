/**
 * @module collect/gpu/nvidiaSmi
 * NVIDIA GPUs through long-lived nvidia-smi processes in loop mode, not one
 * process per tick: nvidia-smi spends most of a one-shot run initialising
 * NVML, which loop mode pays once.
 *
 *   nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits -lms N
 *   nvidia-smi --query-compute-apps=timestamp,pid,process_name,used_memory,gpu_uuid --format=csv,noheader,nounits -lms N
 *   nvidia-smi dmon -s vmet --gpm-metrics … --format csv,nounit -d D   (deepIntervalS = D > 0)
 *   nvidia-smi pmon -s u -d P                                         (processIntervalS = P > 0)
 *
 * Rows are parsed as they arrive; collect() reads the latest row of each GPU
 * that is fresh (younger than 3 intervals), with the GPU's fresh dmon figures
 * (younger than 3 deep intervals) merged in: one reading per GPU, its
 * identity from the query row. pmon's per-process shares join the
 * compute-apps rows of the same GPU and pid. When the driver rejects an
 * optional field or dmon option, that child is restarted without it at once.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Sample } from '../../core/types.js';
import {
  COMPUTE_APPS_FIELDS,
  ComputeAppsParser,
  FieldSet,
  GpuRowParser,
  invalidFieldIn,
  parseSmiTimestamp,
  type ComputeAppRow,
} from './nvidiaCsv.js';
import { DmonParser, dmonArgs, PmonParser, pmonArgs, unrecognizedOptionIn, type DmonFigures, type DmonOptionState } from './dmon.js';
import { emitProcesses, emitReading, type GpuProcessReading, type GpuReading } from './reading.js';
import { describeExit, Supervisor, type BackoffOptions, type ChildExit, type ChildStatus, type ExitDecision } from './supervisor.js';

export interface NvidiaSmiSourceOptions {
  readonly binary: string;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly backoff?: BackoffOptions;
  /** dmon's sample period in seconds; 0: no dmon child. */
  readonly deepIntervalS: number;
  /** pmon's sample period in seconds; 0: no pmon child. */
  readonly processIntervalS: number;
}

/** More GPUs or processes than this in one host is not real; the excess is dropped. */
const MAX_GPUS = 256;
const MAX_PROCESSES = 4096;

interface Stamped {
  reading: GpuReading;
  at: number;
}

interface StampedFigures {
  figures: DmonFigures;
  at: number;
}

interface StampedShare {
  smPercent: number | undefined;
  memoryPercent: number | undefined;
  at: number;
}

/** Failed starts without a row after which dmon or pmon is given up. */
const OPTIONAL_STARTS = 3;

/** The dmon options an older driver may not know, in the order they are given up. */
const DMON_OPTIONS: readonly [option: string, key: keyof DmonOptionState][] = [
  ['--gpm-metrics', 'gpm'],
  ['--format', 'csv'],
];

export class NvidiaSmiSource {
  readonly kind = 'nvidia-smi';
  private readonly _fields = new FieldSet();
  private _parser: GpuRowParser;
  private readonly _appsParser = new ComputeAppsParser(COMPUTE_APPS_FIELDS);
  private readonly _latest = new Map<string, Stamped>();
  private _apps: ComputeAppRow[] = [];
  private _appsBatchTs = NaN;
  private _appsAt = -Infinity;
  private _rejected: string | undefined;
  private _linesAccepted = 0;
  private _lastReadingAt: number | undefined;
  private readonly _gpu: Supervisor;
  private readonly _appsProc: Supervisor;
  private readonly _dmon: Supervisor | undefined;
  private readonly _pmon: Supervisor | undefined;
  private readonly _dmonOptions: DmonOptionState = { gpm: true, csv: true };
  private readonly _droppedDmonOptions: string[] = [];
  private _dmonParser = new DmonParser();
  private _dmonRejected: string | undefined;
  private readonly _optionalFailures = { dmon: 0, pmon: 0 };
  private readonly _deep = new Map<string, StampedFigures>();
  private _pmonParser = new PmonParser();
  /** pmon shares by `${gpu index}:${pid}`. */
  private readonly _shares = new Map<string, StampedShare>();
  private _waiters: (() => void)[] = [];
  private _started = false;

  constructor(private readonly _o: NvidiaSmiSourceOptions) {
    this._parser = new GpuRowParser(this._fields.fields());
    const loop = ['--format=csv,noheader,nounits', '-lms', String(_o.intervalMs)];
    this._gpu = new Supervisor({
      label: 'nvidia-smi --query-gpu',
      command: _o.binary,
      args: () => {
        this._parser = new GpuRowParser(this._fields.fields());
        this._rejected = undefined;
        return [`--query-gpu=${this._parser.fields.join(',')}`, ...loop];
      },
      env: _o.env,
      clock: _o.clock,
      logger: _o.logger,
      ...(_o.backoff === undefined ? {} : { backoff: _o.backoff }),
      onLine: (line) => this._onGpuLine(line),
      onExit: (exit) => this._onGpuExit(exit),
    });
    this._appsProc = new Supervisor({
      label: 'nvidia-smi --query-compute-apps',
      command: _o.binary,
      args: () => [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, ...loop],
      env: _o.env,
      clock: _o.clock,
      logger: _o.logger,
      ...(_o.backoff === undefined ? {} : { backoff: _o.backoff }),
      onLine: (line) => this._onAppsLine(line),
      onExit: () => {
        this._wake();
        return 'backoff';
      },
    });
    const common = {
      command: _o.binary,
      env: _o.env,
      clock: _o.clock,
      logger: _o.logger,
      ...(_o.backoff === undefined ? {} : { backoff: _o.backoff }),
    };
    if (_o.deepIntervalS > 0) {
      this._dmon = new Supervisor({
        ...common,
        label: 'nvidia-smi dmon',
        args: () => {
          this._dmonParser = new DmonParser();
          this._dmonRejected = undefined;
          return dmonArgs(_o.deepIntervalS, this._dmonOptions);
        },
        onLine: (line) => this._onDmonLine(line),
        onExit: (exit) => this._onDmonExit(exit),
      });
    }
    if (_o.processIntervalS > 0) {
      this._pmon = new Supervisor({
        ...common,
        label: 'nvidia-smi pmon',
        args: () => {
          this._pmonParser = new PmonParser();
          return pmonArgs(_o.processIntervalS);
        },
        onLine: (line) => this._onPmonLine(line),
        onExit: (exit) => this._optionalFailed('pmon', exit, this._shares.size > 0),
      });
    }
  }

  get binary(): string {
    return this._o.binary;
  }

  get started(): boolean {
    return this._started;
  }

  start(): void {
    if (this._started) return;
    this._started = true;
    this._gpu.start();
    this._appsProc.start();
    this._dmon?.start();
    this._pmon?.start();
  }

  /** Resolves at the first GPU row, the first failure, `signal`'s abort or after `ms`, whichever comes first. */
  async ready(ms: number, signal: AbortSignal): Promise<void> {
    if (this._lastReadingAt !== undefined || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this._waiters = this._waiters.filter((w) => w !== done);
        resolve();
      };
      // Not unref'ed: the child and its pipes are, so this bounded timer keeps an awaited collect() alive.
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this._waiters.push(done);
    });
  }

  /** Appends the fresh readings' samples to `out`; returns how many GPUs they cover. */
  collect(t: number, out: Sample[]): number {
    const now = this._o.clock.now();
    const freshAfter = now - 3 * this._o.intervalMs;
    const deepAfter = now - 3 * this._o.deepIntervalS * 1000;
    let gpus = 0;
    for (const s of this._latest.values()) {
      if (s.at < freshAfter) continue;
      const deep = this._deep.get(s.reading.index);
      emitReading(deep === undefined || deep.at < deepAfter ? s.reading : withFigures(s.reading, deep.figures), t, out);
      gpus++;
    }
    if (this._appsAt >= freshAfter && this._apps.length > 0) {
      const indexOf = (uuid: string): string | undefined => this._indexOf(uuid);
      const rows = this._pmon === undefined ? this._apps : this._withShares(indexOf, now);
      emitProcesses(rows, indexOf, t, out);
    }
    return gpus;
  }

  status(): {
    children: ChildStatus[];
    fields: string[];
    droppedFields: string[];
    droppedDmonOptions: string[];
    lastSuccessAt: number | undefined;
    gpus: number;
    rowsParsed: number;
  } {
    const freshAfter = this._o.clock.now() - 3 * this._o.intervalMs;
    let gpus = 0;
    for (const s of this._latest.values()) if (s.at >= freshAfter) gpus++;
    return {
      children: [this._gpu, this._appsProc, this._dmon, this._pmon].flatMap((c) => (c === undefined ? [] : [c.status()])),
      fields: [...this._parser.fields],
      droppedFields: [...this._fields.dropped],
      droppedDmonOptions: [...this._droppedDmonOptions],
      lastSuccessAt: this._lastReadingAt,
      gpus,
      rowsParsed: this._linesAccepted,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this._gpu.close(), this._appsProc.close(), this._dmon?.close(), this._pmon?.close()]);
    this._wake();
  }

  private _onGpuLine(line: string): boolean {
    const r = this._parser.parse(line);
    if (r === undefined) {
      const bad = invalidFieldIn(line);
      if (bad !== undefined) this._rejected = bad;
      return false;
    }
    if (!this._latest.has(r.index) && this._latest.size >= MAX_GPUS) return false;
    const at = this._o.clock.now();
    this._latest.set(r.index, { reading: r, at });
    this._lastReadingAt = at;
    this._linesAccepted++;
    this._wake();
    return true;
  }

  private _onGpuExit(exit: ChildExit): ExitDecision {
    // nvidia-smi prints the message on stdout; look in stderr too.
    const bad = this._rejected ?? exit.tail.map(invalidFieldIn).find((f) => f !== undefined);
    if (bad !== undefined) {
      const changed = this._fields.drop(bad) || (!this._parser.fields.includes(bad) && this._fields.dropAllOptional());
      if (changed) {
        this._o.logger.info(`nvidia-smi: field "${bad}" is not supported by this driver; querying without it`);
        return 'retry-now';
      }
    }
    this._wake();
    return 'backoff';
  }

  private _onAppsLine(line: string): boolean {
    const row = this._appsParser.parse(line);
    if (row === undefined) return false;
    const at = this._o.clock.now();
    // Rows of one period share (nearly) one timestamp; the next period's are an interval later.
    const ts = row.timestamp === undefined ? NaN : parseSmiTimestamp(row.timestamp);
    const sameBatch = Number.isFinite(ts) && Math.abs(ts - this._appsBatchTs) < this._o.intervalMs / 2;
    if (!sameBatch) {
      this._apps = [];
      this._appsBatchTs = ts;
    }
    if (this._apps.length < MAX_PROCESSES) this._apps.push(row);
    this._appsAt = at;
    return true;
  }

  private _onDmonLine(line: string): boolean {
    const row = this._dmonParser.parse(line);
    if (row === 'header') return true;
    if (row === undefined) {
      const bad = unrecognizedOptionIn(line);
      if (bad !== undefined) this._dmonRejected = bad;
      return false;
    }
    if (!this._deep.has(row.index) && this._deep.size >= MAX_GPUS) return false;
    this._deep.set(row.index, { figures: row.figures, at: this._o.clock.now() });
    return true;
  }

  private _onDmonExit(exit: ChildExit): ExitDecision {
    const bad = this._dmonRejected ?? exit.tail.map(unrecognizedOptionIn).find((o) => o !== undefined);
    const known = DMON_OPTIONS.find(([option, key]) => option === bad && this._dmonOptions[key]);
    if (known === undefined) return this._optionalFailed('dmon', exit, this._deep.size > 0);
    const [option, key] = known;
    this._dmonOptions[key] = false;
    this._droppedDmonOptions.push(option);
    this._o.logger.info(`nvidia-smi dmon: option ${option} is not supported by this driver; running dmon without it`);
    return 'retry-now';
  }

  /**
   * dmon and pmon are extras: on a GPU or driver without them ("supported on
   * Tesla, GRID, Quadro and limited GeForce products", dmon -h) they fail at
   * every start. After OPTIONAL_STARTS failed starts without one row, the child
   * is given up (logged once) rather than restarted every minute and counted as
   * the whole source failing; one that has given rows is restarted as usual.
   */
  private _optionalFailed(tool: 'dmon' | 'pmon', exit: ChildExit, gaveRows: boolean): ExitDecision {
    if (gaveRows) return 'backoff';
    const n = (this._optionalFailures[tool] += 1);
    if (n < OPTIONAL_STARTS) return 'backoff';
    this._o.logger.info(`${describeExit(`nvidia-smi ${tool}`, exit)}; given up after ${n} failed starts: the figures only ${tool} gives are left out`);
    return 'stop';
  }

  private _onPmonLine(line: string): boolean {
    const row = this._pmonParser.parse(line);
    if (row === 'header') return true;
    if (row === undefined) return false;
    const key = `${row.index}:${row.pid}`;
    const now = this._o.clock.now();
    if (!this._shares.has(key) && this._shares.size >= MAX_PROCESSES) this._pruneShares(now);
    if (!this._shares.has(key) && this._shares.size >= MAX_PROCESSES) return false;
    this._shares.set(key, { smPercent: row.smPercent, memoryPercent: row.memoryPercent, at: now });
    return true;
  }

  /** Forgets the shares of processes pmon has not shown for 3 periods. */
  private _pruneShares(now: number): void {
    const after = now - 3 * this._o.processIntervalS * 1000;
    for (const [k, v] of this._shares) if (v.at < after) this._shares.delete(k);
  }

  /** The compute-apps rows with their fresh pmon shares. */
  private _withShares(indexOf: (uuid: string) => string | undefined, now: number): GpuProcessReading[] {
    const after = now - 3 * this._o.processIntervalS * 1000;
    return this._apps.map((row) => {
      const gpu = indexOf(row.uuid);
      const share = gpu === undefined ? undefined : this._shares.get(`${gpu}:${row.pid}`);
      if (share === undefined || share.at < after) return row;
      return { ...row, smPercent: share.smPercent, memoryPercent: share.memoryPercent };
    });
  }

  private _indexOf(uuid: string): string | undefined {
    for (const s of this._latest.values()) if (s.reading.uuid === uuid) return s.reading.index;
    return undefined;
  }

  private _wake(): void {
    for (const w of this._waiters.splice(0)) w();
  }
}

/** The query row with dmon's figures filled in where the query left a figure out. */
function withFigures(r: GpuReading, f: DmonFigures): GpuReading {
  const out: GpuReading = { ...r };
  for (const k of Object.keys(f) as (keyof DmonFigures)[]) if (out[k] === undefined) out[k] = f[k];
  return out;
}
