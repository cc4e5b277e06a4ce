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

type Field = (r: GpuReading, v: number, aux: Aux) => void;

/** Figures combined after the whole page is read, whatever order the samples came in. */
interface Aux {
  free: number | undefined;
  used: number | undefined;
  reserved: number | undefined;
  total: number | undefined;
  /** Nanoseconds per THROTTLE_REASONS name from the per-reason `CLOCKS_EVENT_REASON_*_NS` fields. */
  eventNs: Map<string, number>;
  /** Nanoseconds from the older `*_VIOLATION` fields; used where no per-reason field said. */
  violationNs: Map<string, number>;
}

/** DCGM_FI_PROF_* activity fields are ratios 0..1 (dcgm_fields.h); readings keep % as 0..100. */
const ratio = (v: number): number => v * 100;

/**
 * Field name to setter. A Map, not an object literal: sample names come from
 * the page, and `FIELDS["hasOwnProperty"]` on a plain object is a function.
 * Field names and units: engines.md §7.2 and DCGM's dcgm_fields.h.
 */
const FIELDS: ReadonlyMap<string, Field> = new Map<string, Field>([
  ['DCGM_FI_DEV_GPU_UTIL', (r, v) => (r.utilization = v)],
  ['DCGM_FI_DEV_MEM_COPY_UTIL', (r, v) => (r.memoryUtilization = v)],
  ['DCGM_FI_DEV_FB_USED', (_r, v, a) => (a.used = v)],
  ['DCGM_FI_DEV_FB_FREE', (_r, v, a) => (a.free = v)],
  ['DCGM_FI_DEV_FB_RESERVED', (_r, v, a) => (a.reserved = v)],
  ['DCGM_FI_DEV_FB_TOTAL', (_r, v, a) => (a.total = v)],
  ['DCGM_FI_DEV_GPU_TEMP', (r, v) => (r.temperatureCelsius = v)],
  // GDDR boards have no memory sensor: the L4 and L40S pages print 0 next to a GPU at 31-32 °C,
  // where nvidia-smi prints [N/A] for temperature.memory. 0 °C is no reading.
  ['DCGM_FI_DEV_MEMORY_TEMP', (r, v) => (r.memoryTemperatureCelsius = v === 0 ? undefined : v)],
  ['DCGM_FI_DEV_POWER_USAGE', (r, v) => (r.powerDrawWatts = v)],
  ['DCGM_FI_DEV_POWER_MGMT_LIMIT', (r, v) => (r.powerLimitWatts = v)],
  ['DCGM_FI_DEV_ENFORCED_POWER_LIMIT', (r, v) => (r.powerLimitWatts ??= v)],
  ['DCGM_FI_DEV_SM_CLOCK', (r, v) => (r.smClockHz = v * MHZ)],
  ['DCGM_FI_DEV_MEM_CLOCK', (r, v) => (r.memoryClockHz = v * MHZ)],
  ['DCGM_FI_DEV_FAN_SPEED', (r, v) => (r.fanSpeedPercent = v)],
  ['DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', (r, v) => (r.throttleReasons = v)],
  ['DCGM_FI_DEV_CLOCKS_EVENT_REASONS', (r, v) => (r.throttleReasons = v)],
  ['DCGM_FI_DEV_ECC_SBE_VOL_TOTAL', (r, v) => (r.eccCorrected = v)],
  ['DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', (r, v) => (r.eccUncorrected = v)],
  ['DCGM_FI_DEV_XID_ERRORS', (r, v) => (r.lastXid = v)],
  ['DCGM_FI_DEV_ENC_UTIL', (r, v) => (r.encoderUtilization = v)],
  ['DCGM_FI_DEV_DEC_UTIL', (r, v) => (r.decoderUtilization = v)],
  ['DCGM_FI_DEV_PCIE_REPLAY_COUNTER', (r, v) => (r.pcieReplays = v)],
  ['DCGM_FI_DEV_PCIE_LINK_GEN', (r, v) => (r.pcieLinkGen = v)],
  ['DCGM_FI_DEV_PCIE_MAX_LINK_GEN', (r, v) => (r.pcieLinkGenMax = v)],
  ['DCGM_FI_DEV_PCIE_LINK_WIDTH', (r, v) => (r.pcieLinkWidth = v)],
  ['DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH', (r, v) => (r.pcieLinkWidthMax = v)],
  // "Used BAR1 of the GPU in MB" (dcgm_fields.h); MB there is MiB, as for FB_USED.
  ['DCGM_FI_DEV_BAR1_USED', (r, v) => (r.bar1UsedBytes = v * MIB)],
  ['DCGM_FI_PROF_SM_ACTIVE', (r, v) => (r.smActive = ratio(v))],
  ['DCGM_FI_PROF_SM_OCCUPANCY', (r, v) => (r.smOccupancy = ratio(v))],
  ['DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', (r, v) => (r.tensorActive = ratio(v))],
  ['DCGM_FI_PROF_DRAM_ACTIVE', (r, v) => (r.dramActive = ratio(v))],
  ['DCGM_FI_PROF_PIPE_FP64_ACTIVE', (r, v) => (r.fp64Active = ratio(v))],
  ['DCGM_FI_PROF_PIPE_FP32_ACTIVE', (r, v) => (r.fp32Active = ratio(v))],
  ['DCGM_FI_PROF_PIPE_FP16_ACTIVE', (r, v) => (r.fp16Active = ratio(v))],
  // PROF_PCIE_* and PROF_NVLINK_* are rates in bytes per second (engines.md §7.2), not counters.
  ['DCGM_FI_PROF_PCIE_TX_BYTES', (r, v) => (r.pcieTxBytesPerSecond = v)],
  ['DCGM_FI_PROF_PCIE_RX_BYTES', (r, v) => (r.pcieRxBytesPerSecond = v)],
  ['DCGM_FI_PROF_NVLINK_TX_BYTES', (r, v) => (r.nvlinkTxBytesPerSecond = v)],
  ['DCGM_FI_PROF_NVLINK_RX_BYTES', (r, v) => (r.nvlinkRxBytesPerSecond = v)],
  // The *_VIOLATION counters are NVML violation times (nvmlDeviceGetViolationStatus) in ns: the
  // DCGM field docs say ns, and dcgm-exporter's counter help was corrected from "us" to ns
  // (NVIDIA/dcgm-exporter PR #589). NVML_PERF_POLICY_POWER is the time held below the
  // requested clocks by the power limit, the SW power cap reason (newer DCGM aliases the two:
  // CLOCKS_EVENT_REASON_SW_POWER_CAP_NS); NVML_PERF_POLICY_THERMAL is the driver's thermal
  // slowdown, sw_thermal_slowdown. Hardware slowdowns have their own *_NS fields below.
  ['DCGM_FI_DEV_POWER_VIOLATION', (_r, v, a) => a.violationNs.set('sw_power_cap', v)],
  ['DCGM_FI_DEV_THERMAL_VIOLATION', (_r, v, a) => a.violationNs.set('sw_thermal_slowdown', v)],
  ['DCGM_FI_DEV_SYNC_BOOST_VIOLATION', (_r, v, a) => a.violationNs.set('sync_boost', v)],
  // DCGM 4.x per-reason counters (fields 1420-1424, ns); they win over the *_VIOLATION ones.
  ['DCGM_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP_NS', (_r, v, a) => a.eventNs.set('sw_power_cap', v)],
  ['DCGM_FI_DEV_CLOCKS_EVENT_REASON_SYNC_BOOST_NS', (_r, v, a) => a.eventNs.set('sync_boost', v)],
  ['DCGM_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN_NS', (_r, v, a) => a.eventNs.set('sw_thermal_slowdown', v)],
  ['DCGM_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN_NS', (_r, v, a) => a.eventNs.set('hw_thermal_slowdown', v)],
  ['DCGM_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN_NS', (_r, v, a) => a.eventNs.set('hw_power_brake_slowdown', v)],
]);

/** A page naming more GPUs than this is hostile or broken; the rest are left out. */
export const MAX_DCGM_GPUS = 256;

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
  const byGpu = new Map<string, { r: GpuReading; aux: Aux; seen: Set<string> }>();
  for (const f of families) {
    for (const s of f.samples) {
      const set = FIELDS.get(s.name);
      if (set === undefined) continue;
      const gpu = s.labels['gpu'];
      if (gpu === undefined || gpu === '') continue;
      if ((s.labels['GPU_I_ID'] ?? '') !== '') continue;
      let e = byGpu.get(gpu);
      if (e === undefined) {
        if (byGpu.size >= MAX_DCGM_GPUS) continue;
        const r = emptyReading(gpu);
        r.uuid = s.labels['UUID'] ?? s.labels['uuid'];
        r.name = s.labels['modelName'] ?? s.labels['DCGM_FI_DEV_NAME'];
        const aux: Aux = { free: undefined, used: undefined, reserved: undefined, total: undefined, eventNs: new Map(), violationNs: new Map() };
        e = { r, aux, seen: new Set() };
        byGpu.set(gpu, e);
      }
      if (e.seen.has(s.name)) continue;
      e.seen.add(s.name);
      if (!isBlank(s.value)) set(e.r, s.value, e.aux);
    }
  }
  const out: GpuReading[] = [];
  for (const { r, aux } of byGpu.values()) {
    finish(r, aux);
    out.push(r);
  }
  out.sort((a, b) => Number(a.index) - Number(b.index) || a.index.localeCompare(b.index));
  return out;
}

function finish(r: GpuReading, a: Aux): void {
  if (a.used !== undefined) r.memoryUsedBytes = a.used * MIB;
  const total = a.total ?? (a.used !== undefined && a.free !== undefined ? a.used + a.free + (a.reserved ?? 0) : undefined);
  if (total !== undefined) r.memoryTotalBytes = total * MIB;
  if (a.eventNs.size === 0 && a.violationNs.size === 0) return;
  const seconds: Partial<Record<string, number>> = {};
  for (const [reason, ns] of a.violationNs) seconds[reason] = ns / 1e9;
  for (const [reason, ns] of a.eventNs) seconds[reason] = ns / 1e9;
  r.clockEventSeconds = seconds;
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
