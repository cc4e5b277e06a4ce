/**
 * @module simulate/gpu/h200Replay
 * A GPU for the demo: five seconds of a real NVIDIA H200 (driver 580.159.04)
 * under a bf16 matmul loop, replayed in a loop. The rows are the project's own
 * captures, test/fixtures/engines/ (SOURCES.md):
 * `nvidia-smi-h200-driver-580-query-gpu-deep-loop-load.csv` (the collector's
 * query-gpu fields plus PCIe link and memory temperature, one row a second) and
 * the first rows of `nvidia-smi-h200-driver-580-dmon-loop-load.txt` (the same
 * run's `dmon -s pucvmet`: power violation, BAR1, PCIe replays and throughput).
 * The samples are the collector's own (emitReading), so every screen and rule
 * reads them as it reads a live GPU.
 */
import type { CollectedSample, Sample } from '../../core/types.js';
import { emptyReading, emitReading, MHZ, MIB, type GpuReading } from '../../collect/gpu/reading.js';

export const REPLAYED_GPU = 'NVIDIA H200';
const UUID = 'GPU-bced5929-bcff-66a2-d883-b400dc7b5a20';

/** utilization.gpu, memory.used MiB, temperature.gpu, power.draw W, clocks.sm MHz, temperature.memory; dmon pviol %, rxpci/txpci MB/s. */
const ROWS: readonly (readonly [util: number, usedMiB: number, temp: number, watts: number, smMHz: number, memTemp: number, pviol: number, rx: number, tx: number])[] = [
  [99, 1139, 46, 692.07, 1455, 35, 0, 15, 8],
  [99, 1139, 46, 690.93, 1500, 36, 100, 14, 6],
  [99, 1139, 46, 693.68, 1470, 36, 100, 21, 7],
  [99, 1139, 46, 690.95, 1485, 36, 100, 15, 13],
  [99, 1139, 47, 692.76, 1515, 37, 100, 17, 13],
];

/** The replayed reading of step `i` (rows in a loop). */
export function h200Reading(i: number): GpuReading {
  const [util, used, temp, watts, sm, memTemp, pviol, rx, tx] = ROWS[((i % ROWS.length) + ROWS.length) % ROWS.length]!;
  return {
    ...emptyReading('0'),
    uuid: UUID,
    name: REPLAYED_GPU,
    utilization: util,
    memoryUsedBytes: used * MIB,
    memoryTotalBytes: 143771 * MIB,
    memoryUtilization: 25,
    temperatureCelsius: temp,
    powerDrawWatts: watts,
    powerLimitWatts: 700,
    smClockHz: sm * MHZ,
    memoryClockHz: 3201 * MHZ,
    // clocks_event_reasons.active 0x…04: SW power cap, on every row of the capture.
    throttleReasons: 0x4,
    eccCorrected: 0,
    eccUncorrected: 0,
    memoryTemperatureCelsius: memTemp,
    pcieLinkGen: 5,
    pcieLinkWidth: 16,
    migEnabled: 0,
    powerViolationPercent: pviol,
    thermalViolation: 0,
    bar1UsedBytes: 1140 * MIB,
    pcieReplays: 0,
    // dmon's MB/s are MiB/s (NVML KB/s ÷ 1024).
    pcieRxBytesPerSecond: rx * MIB,
    pcieTxBytesPerSecond: tx * MIB,
  };
}

/** A collector function answering the next replayed reading at each call. */
export function h200ReplayCollector(): () => CollectedSample[] {
  let i = 0;
  return () => {
    const out: Sample[] = [];
    emitReading(h200Reading(i++), 0, out);
    return out.map((s) => ({ name: s.name, value: s.v, labels: { ...s.labels } }));
  };
}
