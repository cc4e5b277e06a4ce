/**
 * @module collect/gpu/nvidiaSmi
 * NVIDIA GPUs through two long-lived nvidia-smi processes in loop mode
 * (`-lms <interval>`), not one process per tick: nvidia-smi spends most of a
 * one-shot run initialising NVML, which loop mode pays once.
 *
 *   nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits -lms N
 *   nvidia-smi --query-compute-apps=timestamp,pid,process_name,used_memory,gpu_uuid --format=csv,noheader,nounits -lms N
 *
 * Rows are parsed as they arrive; collect() reads the latest row of each GPU
 * that is fresh (younger than 3 intervals). When the driver rejects an
 * optional field, the query is restarted without it at once.
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
import { emitProcesses, emitReading, type GpuReading } from './reading.js';
import { Supervisor, type BackoffOptions, type ChildExit, type ChildStatus, type ExitDecision } from './supervisor.js';

export interface NvidiaSmiSourceOptions {
  readonly binary: string;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly backoff?: BackoffOptions;
}

/** More GPUs or processes than this in one host is not real; the excess is dropped. */
const MAX_GPUS = 256;
const MAX_PROCESSES = 4096;

interface Stamped {
  reading: GpuReading;
  at: number;
}

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
    let gpus = 0;
    for (const s of this._latest.values()) {
      if (s.at < freshAfter) continue;
      emitReading(s.reading, t, out);
      gpus++;
    }
    if (this._appsAt >= freshAfter && this._apps.length > 0) {
      emitProcesses(this._apps, (uuid) => this._indexOf(uuid), t, out);
    }
    return gpus;
  }

  status(): {
    children: ChildStatus[];
    fields: string[];
    droppedFields: string[];
    lastSuccessAt: number | undefined;
    gpus: number;
    rowsParsed: number;
  } {
    const freshAfter = this._o.clock.now() - 3 * this._o.intervalMs;
    let gpus = 0;
    for (const s of this._latest.values()) if (s.at >= freshAfter) gpus++;
    return {
      children: [this._gpu.status(), this._appsProc.status()],
      fields: [...this._parser.fields],
      droppedFields: [...this._fields.dropped],
      lastSuccessAt: this._lastReadingAt,
      gpus,
      rowsParsed: this._linesAccepted,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this._gpu.close(), this._appsProc.close()]);
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

  private _indexOf(uuid: string): string | undefined {
    for (const s of this._latest.values()) if (s.reading.uuid === uuid) return s.reading.index;
    return undefined;
  }

  private _wake(): void {
    for (const w of this._waiters.splice(0)) w();
  }
}
