/**
 * @module collect/gpu/reading
 * One GPU's figures as every source (nvidia-smi, rocm-smi, DCGM exporter)
 * reports them, already in base units, and how they become samples. A figure
 * the source did not give (`[N/A]`, `[Not Supported]`, a missing key) stays
 * undefined and produces no sample: absent, never 0.
 */
import type { Labels, Sample } from '../../core/types.js';

/** Figures of one GPU at one moment. Every source fills the same shape. */
export interface GpuReading {
  /** The `gpu` label: nvidia-smi/DCGM index, or the N of rocm-smi's `cardN`. */
  index: string;
  uuid: string | undefined;
  name: string | undefined;
  /** % of time a kernel was running. */
  utilization: number | undefined;
  memoryUsedBytes: number | undefined;
  memoryTotalBytes: number | undefined;
  /** % of memory allocated, when the source gives a percentage but not the bytes (rocm-smi VRAM%). */
  memoryUsagePercent: number | undefined;
  /** % of time the memory controller was busy. */
  memoryUtilization: number | undefined;
  temperatureCelsius: number | undefined;
  powerDrawWatts: number | undefined;
  powerLimitWatts: number | undefined;
  smClockHz: number | undefined;
  memoryClockHz: number | undefined;
  fanSpeedPercent: number | undefined;
  /** NVML clocks event (throttle) reasons bitmask. */
  throttleReasons: number | undefined;
  eccCorrected: number | undefined;
  eccUncorrected: number | undefined;
  /** Last XID error code (DCGM_FI_DEV_XID_ERRORS); 0 = none since the exporter started. */
  lastXid: number | undefined;
  // Deep figures (issue 15). Each source fills what it has; the rest stays undefined.
  /** % of time the video encoder / decoder / JPEG decoder / optical-flow engine was busy. */
  encoderUtilization: number | undefined;
  decoderUtilization: number | undefined;
  jpegUtilization: number | undefined;
  ofaUtilization: number | undefined;
  memoryTemperatureCelsius: number | undefined;
  pcieLinkGen: number | undefined;
  pcieLinkGenMax: number | undefined;
  pcieLinkWidth: number | undefined;
  pcieLinkWidthMax: number | undefined;
  /** 1 when MIG mode is enabled, 0 when disabled. */
  migEnabled: number | undefined;
  smClockMaxHz: number | undefined;
  /**
   * Seconds since the driver loaded during which each clocks event reason
   * held the clocks down (nvidia-smi `clocks_event_reasons_counters.*`, µs;
   * DCGM `*_VIOLATION`), keyed by the THROTTLE_REASONS name.
   */
  clockEventSeconds: Partial<Record<string, number>> | undefined;
  /** % of the last sample period held at the power cap (dmon `pviol`). */
  powerViolationPercent: number | undefined;
  /** 1 while a thermal violation holds the clocks down (dmon `tviol`). */
  thermalViolation: number | undefined;
  bar1UsedBytes: number | undefined;
  /** PCIe replay counter since the driver loaded (dmon `pci`, rocm-smi "PCIe Replay Count"). */
  pcieReplays: number | undefined;
  pcieRxBytesPerSecond: number | undefined;
  pcieTxBytesPerSecond: number | undefined;
  nvlinkRxBytesPerSecond: number | undefined;
  nvlinkTxBytesPerSecond: number | undefined;
  /** % of time at least one warp was resident on an SM, over all SMs (DCGM_FI_PROF_SM_ACTIVE, GPM SM Activity). */
  smActive: number | undefined;
  /** % of the SMs' warp slots occupied (DCGM_FI_PROF_SM_OCCUPANCY, GPM SM Occupancy). */
  smOccupancy: number | undefined;
  /** % of cycles each pipe was active (DCGM_FI_PROF_PIPE_*_ACTIVE, GPM tensor/FP activity). */
  tensorActive: number | undefined;
  fp64Active: number | undefined;
  fp32Active: number | undefined;
  fp16Active: number | undefined;
  /** % of cycles the device memory interface was sending or receiving (DCGM_FI_PROF_DRAM_ACTIVE, GPM DRAM Activity). */
  dramActive: number | undefined;
}

/** A reading with nothing but its index; sources fill in what they know. */
export function emptyReading(index: string): GpuReading {
  return {
    index,
    uuid: undefined,
    name: undefined,
    utilization: undefined,
    memoryUsedBytes: undefined,
    memoryTotalBytes: undefined,
    memoryUsagePercent: undefined,
    memoryUtilization: undefined,
    temperatureCelsius: undefined,
    powerDrawWatts: undefined,
    powerLimitWatts: undefined,
    smClockHz: undefined,
    memoryClockHz: undefined,
    fanSpeedPercent: undefined,
    throttleReasons: undefined,
    eccCorrected: undefined,
    eccUncorrected: undefined,
    lastXid: undefined,
    encoderUtilization: undefined,
    decoderUtilization: undefined,
    jpegUtilization: undefined,
    ofaUtilization: undefined,
    memoryTemperatureCelsius: undefined,
    pcieLinkGen: undefined,
    pcieLinkGenMax: undefined,
    pcieLinkWidth: undefined,
    pcieLinkWidthMax: undefined,
    migEnabled: undefined,
    smClockMaxHz: undefined,
    clockEventSeconds: undefined,
    powerViolationPercent: undefined,
    thermalViolation: undefined,
    bar1UsedBytes: undefined,
    pcieReplays: undefined,
    pcieRxBytesPerSecond: undefined,
    pcieTxBytesPerSecond: undefined,
    nvlinkRxBytesPerSecond: undefined,
    nvlinkTxBytesPerSecond: undefined,
    smActive: undefined,
    smOccupancy: undefined,
    tensorActive: undefined,
    fp64Active: undefined,
    fp32Active: undefined,
    fp16Active: undefined,
    dramActive: undefined,
  };
}

/** GPU memory of one process (nvidia-smi --query-compute-apps). */
export interface GpuProcessReading {
  pid: string;
  process: string;
  uuid: string;
  usedBytes: number;
  /** pmon: % of the sample period a kernel of this process ran on the GPU, and its share of memory-controller time. */
  smPercent?: number | undefined;
  memoryPercent?: number | undefined;
}

export const MIB = 1048576;
export const MHZ = 1e6;

/**
 * NVML `nvmlClocksEventReason*` bits (nvml.h; same values under the older
 * `nvmlClocksThrottleReason*` names). The H100 capture's idle row shows
 * `clocks_event_reasons.active = 0x…01` next to `gpu_idle = Active`, and
 * `supported = 0x…1FF`: the nine bits below.
 */
export const THROTTLE_REASONS: readonly (readonly [bit: number, reason: string])[] = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clock_setting'],
];

/** The names of the reasons set in `mask`, in bit order. Unknown bits are ignored. */
export function decodeThrottleReasons(mask: number): string[] {
  const out: string[] = [];
  for (const [bit, reason] of THROTTLE_REASONS) if ((mask & bit) !== 0) out.push(reason);
  return out;
}

/** Sample names, all in base units (Prometheus conventions). */
export const GPU_METRICS = {
  utilization: 'gpu_utilization',
  memoryUsed: 'gpu_memory_used_bytes',
  memoryTotal: 'gpu_memory_total_bytes',
  memoryUsage: 'gpu_memory_usage',
  memoryUtilization: 'gpu_memory_utilization',
  temperature: 'gpu_temperature_celsius',
  powerDraw: 'gpu_power_draw_watts',
  powerLimit: 'gpu_power_limit_watts',
  smClock: 'gpu_sm_clock_hz',
  memoryClock: 'gpu_memory_clock_hz',
  fanSpeed: 'gpu_fan_speed',
  throttleActive: 'gpu_throttle_active',
  eccErrors: 'gpu_ecc_errors',
  lastXid: 'gpu_xid_last',
  processMemory: 'gpu_process_memory_bytes',
  processSmUtilization: 'gpu_process_sm_utilization',
  processMemoryUtilization: 'gpu_process_memory_utilization',
  count: 'gpu_count',
  /** `{block: encoder|decoder|jpeg|ofa}` (not `engine`: that label names an LLM engine) */
  mediaUtilization: 'gpu_media_utilization',
  memoryTemperature: 'gpu_memory_temperature_celsius',
  pcieLinkGen: 'gpu_pcie_link_generation',
  pcieLinkGenMax: 'gpu_pcie_link_generation_max',
  pcieLinkWidth: 'gpu_pcie_link_width',
  pcieLinkWidthMax: 'gpu_pcie_link_width_max',
  migEnabled: 'gpu_mig_enabled',
  smClockMax: 'gpu_sm_clock_max_hz',
  /** `{reason}` counter, seconds */
  clockEventSeconds: 'gpu_clock_event_seconds',
  powerViolation: 'gpu_power_violation',
  thermalViolation: 'gpu_thermal_violation',
  bar1Used: 'gpu_bar1_used_bytes',
  pcieReplays: 'gpu_pcie_replays',
  /** `{direction: rx|tx}` */
  pcieBytesPerSecond: 'gpu_pcie_bytes_per_second',
  nvlinkBytesPerSecond: 'gpu_nvlink_bytes_per_second',
  smActive: 'gpu_sm_active',
  smOccupancy: 'gpu_sm_occupancy',
  /** `{pipe: tensor|fp64|fp32|fp16}` */
  pipeActive: 'gpu_pipe_active',
  dramActive: 'gpu_dram_active',
} as const;

/** Label values are capped: a process name is a path and may be long. */
const MAX_LABEL_VALUE = 256;

export function labelValue(s: string): string {
  return s.length <= MAX_LABEL_VALUE ? s : s.slice(0, MAX_LABEL_VALUE);
}

/** `{gpu, uuid, name}`, leaving out what the source did not give. */
export function gpuLabels(r: GpuReading): Labels {
  const l: Record<string, string> = { gpu: r.index };
  if (r.uuid !== undefined && r.uuid !== '') l['uuid'] = labelValue(r.uuid);
  if (r.name !== undefined && r.name !== '') l['name'] = labelValue(r.name);
  return l;
}

/** Only a temperature may be below zero; every other figure is a count, size, rate, share or clock. */
const SIGNED_METRICS: ReadonlySet<string> = new Set([GPU_METRICS.temperature, GPU_METRICS.memoryTemperature]);

/** A figure a sample may carry: finite, and not negative where its unit forbids it (a broken or hostile tool prints `-5` or `1e308`). */
function usable(name: string, v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && (v >= 0 || SIGNED_METRICS.has(name));
}

/** Appends the samples of one reading to `out`. Undefined, non-finite and impossible negative figures are skipped. */
export function emitReading(r: GpuReading, t: number, out: Sample[]): void {
  const labels = gpuLabels(r);
  const put = (name: string, v: number | undefined, l: Labels = labels): void => {
    if (usable(name, v)) out.push({ name, labels: l, t, v });
  };
  put(GPU_METRICS.utilization, r.utilization);
  put(GPU_METRICS.memoryUsed, r.memoryUsedBytes);
  put(GPU_METRICS.memoryTotal, r.memoryTotalBytes);
  const used = r.memoryUsedBytes;
  const total = r.memoryTotalBytes;
  put(GPU_METRICS.memoryUsage, used !== undefined && total !== undefined && total > 0 ? (used / total) * 100 : r.memoryUsagePercent);
  put(GPU_METRICS.memoryUtilization, r.memoryUtilization);
  put(GPU_METRICS.temperature, r.temperatureCelsius);
  put(GPU_METRICS.powerDraw, r.powerDrawWatts);
  put(GPU_METRICS.powerLimit, r.powerLimitWatts);
  put(GPU_METRICS.smClock, r.smClockHz);
  put(GPU_METRICS.memoryClock, r.memoryClockHz);
  put(GPU_METRICS.fanSpeed, r.fanSpeedPercent);
  if (r.throttleReasons !== undefined) {
    for (const reason of decodeThrottleReasons(r.throttleReasons)) put(GPU_METRICS.throttleActive, 1, { ...labels, reason });
  }
  if (r.eccCorrected !== undefined) put(GPU_METRICS.eccErrors, r.eccCorrected, { ...labels, type: 'corrected' });
  if (r.eccUncorrected !== undefined) put(GPU_METRICS.eccErrors, r.eccUncorrected, { ...labels, type: 'uncorrected' });
  put(GPU_METRICS.lastXid, r.lastXid);
  emitDeep(r, labels, put);
}

function emitDeep(r: GpuReading, labels: Labels, put: (name: string, v: number | undefined, l?: Labels) => void): void {
  put(GPU_METRICS.mediaUtilization, r.encoderUtilization, { ...labels, block: 'encoder' });
  put(GPU_METRICS.mediaUtilization, r.decoderUtilization, { ...labels, block: 'decoder' });
  put(GPU_METRICS.mediaUtilization, r.jpegUtilization, { ...labels, block: 'jpeg' });
  put(GPU_METRICS.mediaUtilization, r.ofaUtilization, { ...labels, block: 'ofa' });
  put(GPU_METRICS.memoryTemperature, r.memoryTemperatureCelsius);
  put(GPU_METRICS.pcieLinkGen, r.pcieLinkGen);
  put(GPU_METRICS.pcieLinkGenMax, r.pcieLinkGenMax);
  put(GPU_METRICS.pcieLinkWidth, r.pcieLinkWidth);
  put(GPU_METRICS.pcieLinkWidthMax, r.pcieLinkWidthMax);
  put(GPU_METRICS.migEnabled, r.migEnabled);
  put(GPU_METRICS.smClockMax, r.smClockMaxHz);
  if (r.clockEventSeconds !== undefined) {
    for (const [, reason] of THROTTLE_REASONS) put(GPU_METRICS.clockEventSeconds, r.clockEventSeconds[reason], { ...labels, reason });
  }
  put(GPU_METRICS.powerViolation, r.powerViolationPercent);
  put(GPU_METRICS.thermalViolation, r.thermalViolation);
  put(GPU_METRICS.bar1Used, r.bar1UsedBytes);
  put(GPU_METRICS.pcieReplays, r.pcieReplays);
  put(GPU_METRICS.pcieBytesPerSecond, r.pcieRxBytesPerSecond, { ...labels, direction: 'rx' });
  put(GPU_METRICS.pcieBytesPerSecond, r.pcieTxBytesPerSecond, { ...labels, direction: 'tx' });
  put(GPU_METRICS.nvlinkBytesPerSecond, r.nvlinkRxBytesPerSecond, { ...labels, direction: 'rx' });
  put(GPU_METRICS.nvlinkBytesPerSecond, r.nvlinkTxBytesPerSecond, { ...labels, direction: 'tx' });
  put(GPU_METRICS.smActive, r.smActive);
  put(GPU_METRICS.smOccupancy, r.smOccupancy);
  put(GPU_METRICS.pipeActive, r.tensorActive, { ...labels, pipe: 'tensor' });
  put(GPU_METRICS.pipeActive, r.fp64Active, { ...labels, pipe: 'fp64' });
  put(GPU_METRICS.pipeActive, r.fp32Active, { ...labels, pipe: 'fp32' });
  put(GPU_METRICS.pipeActive, r.fp16Active, { ...labels, pipe: 'fp16' });
  put(GPU_METRICS.dramActive, r.dramActive);
}

/**
 * Appends `gpu_process_memory_bytes{gpu, uuid, pid, process}`; `indexOf` maps a UUID to its index when known.
 * A row whose memory is not a finite, non-negative size is left out with its shares.
 */
export function emitProcesses(
  rows: readonly GpuProcessReading[],
  indexOf: (uuid: string) => string | undefined,
  t: number,
  out: Sample[],
): void {
  for (const p of rows) {
    if (!usable(GPU_METRICS.processMemory, p.usedBytes)) continue;
    const l: Record<string, string> = {};
    const gpu = indexOf(p.uuid);
    if (gpu !== undefined) l['gpu'] = gpu;
    l['uuid'] = labelValue(p.uuid);
    l['pid'] = p.pid;
    l['process'] = labelValue(p.process);
    out.push({ name: GPU_METRICS.processMemory, labels: l, t, v: p.usedBytes });
    if (usable(GPU_METRICS.processSmUtilization, p.smPercent)) out.push({ name: GPU_METRICS.processSmUtilization, labels: l, t, v: p.smPercent });
    if (usable(GPU_METRICS.processMemoryUtilization, p.memoryPercent)) {
      out.push({ name: GPU_METRICS.processMemoryUtilization, labels: l, t, v: p.memoryPercent });
    }
  }
}

/**
 * A number from a tool's text value, or undefined for what is not one:
 * `[N/A]`, `[Not Supported]`, `N/A`, `N/A (Secondary die)`, empty. A trailing
 * unit word (`81559 MiB`, `631.95 W`, `100 %`) is dropped, so the same parser
 * reads `--format=csv` and `--format=csv,nounits` output.
 */
export function parseNumber(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  let s = raw.trim();
  if (s === '' || s.charCodeAt(0) === 91 /* [ */ || s.startsWith('N/A')) return undefined;
  const sp = s.lastIndexOf(' ');
  if (sp > 0 && /^[A-Za-z%]+$/.test(s.slice(sp + 1))) s = s.slice(0, sp);
  if (s === '') return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** A hex bitmask (`0x0000000000000041`), low 32 bits, or undefined. */
export function parseHexMask(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  if (!/^0x[0-9a-fA-F]+$/.test(s)) return undefined;
  // The defined reasons use the low 9 bits; the low 32 bits parse without precision loss.
  return parseInt(s.length > 10 ? s.slice(-8) : s.slice(2), 16);
}

/** A text value, or undefined for the not-available spellings. */
export function parseText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  if (s === '' || s.charCodeAt(0) === 91 /* [ */ || s === 'N/A') return undefined;
  return s;
}
