/**
 * @module collect/gpu/dcgm
 * NVIDIA GPUs through a DCGM exporter's /metrics page (NVIDIA/dcgm-exporter,
 * port 9400). One sample per GPU per field, labelled `gpu`, `UUID`,
 * `modelName` (engines.md §7.2). There is no FB_TOTAL by default: total =
 * FREE + USED + RESERVED. ECC, XID and throttle fields appear only when the
 * exporter's counters file enables them.
 */
import { parseExposition, type MetricFamily } from '../../core/exposition/index.js';
import { describeError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';
import type { Clock } from '../../core/clock.js';
import type { Sample } from '../../core/types.js';
import { fetchPage } from '../scrape/fetchPage.js';
import { emitReading, emptyReading, MHZ, MIB, type GpuReading } from './reading.js';

type Field = (r: GpuReading, v: number, fb: FbParts) => void;

interface FbParts {
  free: number | undefined;
  used: number | undefined;
  reserved: number | undefined;
  total: number | undefined;
}

const FIELDS: Readonly<Record<string, Field>> = {
  DCGM_FI_DEV_GPU_UTIL: (r, v) => (r.utilization = v),
  DCGM_FI_DEV_MEM_COPY_UTIL: (r, v) => (r.memoryUtilization = v),
  DCGM_FI_DEV_FB_USED: (_r, v, fb) => (fb.used = v),
  DCGM_FI_DEV_FB_FREE: (_r, v, fb) => (fb.free = v),
  DCGM_FI_DEV_FB_RESERVED: (_r, v, fb) => (fb.reserved = v),
  DCGM_FI_DEV_FB_TOTAL: (_r, v, fb) => (fb.total = v),
  DCGM_FI_DEV_GPU_TEMP: (r, v) => (r.temperatureCelsius = v),
  DCGM_FI_DEV_POWER_USAGE: (r, v) => (r.powerDrawWatts = v),
  DCGM_FI_DEV_POWER_MGMT_LIMIT: (r, v) => (r.powerLimitWatts = v),
  DCGM_FI_DEV_ENFORCED_POWER_LIMIT: (r, v) => (r.powerLimitWatts ??= v),
  DCGM_FI_DEV_SM_CLOCK: (r, v) => (r.smClockHz = v * MHZ),
  DCGM_FI_DEV_MEM_CLOCK: (r, v) => (r.memoryClockHz = v * MHZ),
  DCGM_FI_DEV_FAN_SPEED: (r, v) => (r.fanSpeedPercent = v),
  DCGM_FI_DEV_CLOCK_THROTTLE_REASONS: (r, v) => (r.throttleReasons = v),
  DCGM_FI_DEV_CLOCKS_EVENT_REASONS: (r, v) => (r.throttleReasons = v),
  DCGM_FI_DEV_ECC_SBE_VOL_TOTAL: (r, v) => (r.eccCorrected = v),
  DCGM_FI_DEV_ECC_DBE_VOL_TOTAL: (r, v) => (r.eccUncorrected = v),
  DCGM_FI_DEV_XID_ERRORS: (r, v) => (r.lastXid = v),
};

/**
 * DCGM's "blank" sentinels (dcgm_structs.h): int64 values from
 * DCGM_INT64_BLANK = 0x7ffffffffffffff0 up, and fp64 from DCGM_FP64_BLANK =
 * 2^47 up to its NOT_FOUND/NOT_SUPPORTED/NOT_PERMISSIONED neighbours. The
 * exporter README shows one as 9223372036854775794.
 */
function isBlank(v: number): boolean {
  return !Number.isFinite(v) || v >= 9.2e18 || (v >= 140737488355328 && v <= 140737488355331);
}

/**
 * GPU readings from a parsed DCGM exporter page, ordered by index. Samples
 * of MIG instances (a `GPU_I_ID` label) and repeats of a GPU under other
 * pod labels are skipped: DEV_* fields are per physical GPU.
 * @example dcgmReadings(parseExposition(page))[0].powerDrawWatts // 16.365
 */
export function dcgmReadings(families: readonly MetricFamily[]): GpuReading[] {
  const byGpu = new Map<string, { r: GpuReading; fb: FbParts; seen: Set<string> }>();
  for (const f of families) {
    for (const s of f.samples) {
      const set = FIELDS[s.name];
      if (set === undefined) continue;
      const gpu = s.labels['gpu'];
      if (gpu === undefined || gpu === '') continue;
      if ((s.labels['GPU_I_ID'] ?? '') !== '') continue;
      let e = byGpu.get(gpu);
      if (e === undefined) {
        const r = emptyReading(gpu);
        r.uuid = s.labels['UUID'] ?? s.labels['uuid'];
        r.name = s.labels['modelName'] ?? s.labels['DCGM_FI_DEV_NAME'];
        e = { r, fb: { free: undefined, used: undefined, reserved: undefined, total: undefined }, seen: new Set() };
        byGpu.set(gpu, e);
      }
      if (e.seen.has(s.name)) continue;
      e.seen.add(s.name);
      if (!isBlank(s.value)) set(e.r, s.value, e.fb);
    }
  }
  const out: GpuReading[] = [];
  for (const { r, fb } of byGpu.values()) {
    if (fb.used !== undefined) r.memoryUsedBytes = fb.used * MIB;
    const total = fb.total ?? (fb.used !== undefined && fb.free !== undefined ? fb.used + fb.free + (fb.reserved ?? 0) : undefined);
    if (total !== undefined) r.memoryTotalBytes = total * MIB;
    out.push(r);
  }
  out.sort((a, b) => Number(a.index) - Number(b.index) || a.index.localeCompare(b.index));
  return out;
}

export interface DcgmSourceOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** Stamps lastSuccessAt. */
  readonly clock: Clock;
}

const MAX_BODY = 16 * 1024 * 1024;
const USER_AGENT = 'echo-perf/0.1 (gpu)';

/** Scrapes the exporter once per collect. */
export class DcgmSource {
  readonly kind = 'dcgm';
  lastError: string | undefined;
  lastSuccessAt: number | undefined;
  gpus = 0;
  runs = 0;

  constructor(private readonly _o: DcgmSourceOptions) {}

  get target(): string {
    return redactUrl(this._o.url);
  }

  /** Appends samples; returns the number of GPUs, or undefined when the scrape failed (see lastError). */
  async collect(t: number, signal: AbortSignal, out: Sample[]): Promise<number | undefined> {
    this.runs++;
    try {
      const page = await fetchPage(this._o.url, {
        timeoutMs: this._o.timeoutMs,
        maxBodyBytes: MAX_BODY,
        format: 'prometheus',
        userAgent: USER_AGENT,
        signal,
      });
      const readings = dcgmReadings(parseExposition(page.body, page.contentType));
      for (const r of readings) emitReading(r, t, out);
      this.lastError = undefined;
      this.lastSuccessAt = this._o.clock.now();
      this.gpus = readings.length;
      return readings.length;
    } catch (e) {
      this.lastError = `dcgm exporter ${redactUrl(this._o.url)}: ${describeError(e)}`;
      return undefined;
    }
  }
}
