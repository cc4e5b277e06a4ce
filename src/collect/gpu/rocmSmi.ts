/**
 * @module collect/gpu/rocmSmi
 * AMD GPUs through `rocm-smi … --json`. rocm-smi has no loop mode (its
 * maintainers point to `amd-smi monitor`, rocm_smi_lib #216), so it runs once
 * per collect, asynchronously, under a timeout.
 *
 * The JSON is `{"card0": {"<label>": "<string>", …}, …, "system": {…}}`: keys
 * are the human labels each `--show*` flag prints and every value is a string
 * (`"45.0"`, `"N/A"`, `"(1600Mhz)"`). Key names drift across ROCm releases;
 * the alternatives below come from the ROCm 4.3 / 6.0.2 / 6.1.2 and MI250
 * `-a` fixtures (test/fixtures/engines/rocm-smi-*.json).
 */
import { execFile } from 'node:child_process';
import { describeError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { Sample } from '../../core/types.js';
import { emitReading, emptyReading, MHZ, parseNumber, parseText, type GpuReading } from './reading.js';

/** The flags asked for; `--showmeminfo vram` takes an argument list, ended by the next flag. */
export const ROCM_SMI_ARGS: readonly string[] = [
  '--showuse',
  '--showmemuse',
  '--showmeminfo',
  'vram',
  '--showtemp',
  '--showpower',
  '--showmaxpower',
  '--showclocks',
  '--showfan',
  '--showproductname',
  '--showuniqueid',
  // "PCIe Replay Count": one more key in the same run, no extra process.
  '--showreplaycount',
  '--json',
];
/** What older/newer builds that reject one of the flags above still accept (`rocm-smi -a --json`, as wandb runs it). */
export const ROCM_SMI_FALLBACK_ARGS: readonly string[] = ['-a', '--json'];

type Card = Readonly<Record<string, unknown>>;

function str(card: Card, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = card[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function num(card: Card, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = parseNumber(str(card, k));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** `"(1502Mhz)"` → 1.502e9 Hz. */
function clockHz(card: Card, key: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*Mhz/i.exec(str(card, key) ?? '');
  return m === null ? undefined : Number(m[1]) * MHZ;
}

/** PCIe transfer rate per lane (GT/s) of each generation, PCI-SIG base specifications 1.0-6.0. */
const PCIE_GEN_BY_GTS: ReadonlyMap<number, number> = new Map([
  [2.5, 1],
  [5, 2],
  [8, 3],
  [16, 4],
  [32, 5],
  [64, 6],
]);

/**
 * `"pcie clock level"` (from `--showclocks`) is the link's current DPM level,
 * e.g. `"1 (16.0GT/s x16)"` in the MI100 and RX 6700 XT captures: speed and width.
 */
function pcieLink(card: Card): { gen: number | undefined; width: number | undefined } {
  const m = /\((\d+(?:\.\d+)?)\s*GT\/s\s+x(\d{1,2})\)/i.exec(str(card, 'pcie clock level') ?? '');
  if (m === null) return { gen: undefined, width: undefined };
  return { gen: PCIE_GEN_BY_GTS.get(Number(m[1])), width: Number(m[2]) };
}

/** One card's figures. `index` is the N of `cardN`. */
export function readingFromCard(index: string, card: Card): GpuReading {
  const r = emptyReading(index);
  const uuid = parseText(str(card, 'Unique ID'));
  r.uuid = uuid;
  // 6.1 prints "Device Name"; older builds the PCI database's "Card series" (4.3 may print a bare vendor id there).
  r.name = parseText(str(card, 'Device Name', 'Card Series', 'Card series', 'Card SKU'));
  r.utilization = num(card, 'GPU use (%)');
  r.memoryTotalBytes = num(card, 'VRAM Total Memory (B)');
  r.memoryUsedBytes = num(card, 'VRAM Total Used Memory (B)');
  r.memoryUsagePercent = num(card, 'GPU Memory Allocated (VRAM%)');
  // ROCm ≤ 6.0's "GPU memory use (%)" is the memory busy percentage (mem_busy_percent), not allocation:
  // the RX 6700 XT 4.3 capture shows 0 % next to 1.6 of 12.9 GB used.
  r.memoryUtilization = num(card, 'GPU Memory Read/Write Activity (%)', 'GPU memory use (%)');
  // Not "Memory Activity": the MI250 capture prints 2189510857 there (next to "GFX Activity"
  // 2469071528), an accumulating counter of the gpu_metrics table, not a percentage; the MI100
  // and RX 6700 XT captures print "N/A". Not "Avg. Memory Bandwidth" either: it is memory, not
  // PCIe, its unit is not printed, and every capture shows 0.
  r.memoryTemperatureCelsius = num(card, 'Temperature (Sensor memory) (C)');
  r.pcieReplays = num(card, 'PCIe Replay Count');
  const link = pcieLink(card);
  r.pcieLinkGen = link.gen;
  r.pcieLinkWidth = link.width;
  // MI300X has no edge sensor; junction is the nearest equivalent.
  r.temperatureCelsius = num(card, 'Temperature (Sensor edge) (C)', 'Temperature (Sensor junction) (C)');
  r.powerDrawWatts = num(card, 'Average Graphics Package Power (W)', 'Current Socket Graphics Package Power (W)');
  r.powerLimitWatts = num(card, 'Max Graphics Package Power (W)');
  r.smClockHz = clockHz(card, 'sclk clock speed:');
  r.memoryClockHz = clockHz(card, 'mclk clock speed:');
  r.fanSpeedPercent = num(card, 'Fan speed (%)');
  return r;
}

/** More cards than this in one answer is a broken or hostile tool; the rest are left out. */
export const MAX_ROCM_CARDS = 256;

/**
 * Parses rocm-smi's JSON (one line as rocm_smi.py prints it, or pretty-printed).
 * Text around the object (warnings some builds print first) is ignored.
 * Throws when there is no JSON object in `text`.
 * @example parseRocmSmiJson('{"card0": {"GPU use (%)": "12"}}')[0].utilization // 12
 */
export function parseRocmSmiJson(text: string): GpuReading[] {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end < start) throw new Error(`rocm-smi printed no JSON object: ${JSON.stringify(text.trim().slice(0, 200))}`);
  const doc = JSON.parse(text.slice(start, end + 1)) as unknown;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('rocm-smi JSON is not an object');
  const out: GpuReading[] = [];
  for (const [key, card] of Object.entries(doc as Record<string, unknown>)) {
    if (out.length >= MAX_ROCM_CARDS) break;
    const m = /^card(\d{1,6})$/.exec(key);
    if (m === null || typeof card !== 'object' || card === null) continue;
    out.push(readingFromCard(m[1]!, card as Card));
  }
  out.sort((a, b) => Number(a.index) - Number(b.index));
  return out;
}

export interface RocmSmiSourceOptions {
  readonly binary: string;
  readonly timeoutMs: number;
  /** Stamps lastSuccessAt. */
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv | undefined;
}

const MAX_OUTPUT = 8 * 1024 * 1024;

/** Runs rocm-smi per collect; one run at a time (a second collect joins the run in flight). */
export class RocmSmiSource {
  readonly kind = 'rocm-smi';
  private _args: readonly string[] = ROCM_SMI_ARGS;
  private _inFlight: Promise<GpuReading[]> | undefined;
  lastError: string | undefined;
  lastSuccessAt: number | undefined;
  gpus = 0;
  runs = 0;

  constructor(private readonly _o: RocmSmiSourceOptions) {}

  get target(): string {
    return this._o.binary;
  }

  /** Appends samples; returns the number of cards, or undefined when this run failed (see lastError). */
  async collect(t: number, signal: AbortSignal, out: Sample[]): Promise<number | undefined> {
    try {
      this._inFlight ??= this._run(signal).finally(() => (this._inFlight = undefined));
      const readings = await this._inFlight;
      for (const r of readings) emitReading(r, t, out);
      this.lastError = undefined;
      this.lastSuccessAt = this._o.clock.now();
      this.gpus = readings.length;
      return readings.length;
    } catch (e) {
      this.lastError = describeError(e);
      return undefined;
    }
  }

  private async _run(signal: AbortSignal): Promise<GpuReading[]> {
    this.runs++;
    try {
      return parseRocmSmiJson(await this._exec(this._args, signal));
    } catch (e) {
      // argparse rejects a flag this build does not know ("unrecognized arguments"): fall back to -a once.
      if (this._args !== ROCM_SMI_FALLBACK_ARGS && /unrecognized arguments|invalid choice/i.test(describeError(e))) {
        this._args = ROCM_SMI_FALLBACK_ARGS;
        return parseRocmSmiJson(await this._exec(this._args, signal));
      }
      throw e;
    }
  }

  private _exec(args: readonly string[], signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this._o.binary,
        args,
        { timeout: this._o.timeoutMs, signal, maxBuffer: MAX_OUTPUT, env: this._o.env, encoding: 'utf8', windowsHide: true },
        (err, stdout, stderr) => {
          const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
          // rocm_smi.py exits non-zero when one query is unsupported on one card, after printing the JSON.
          if (e === null || (e.killed !== true && !signal.aborted && typeof e.code === 'number' && stdout.includes('{') && !/unrecognized arguments/.test(stderr))) {
            resolve(stdout);
            return;
          }
          const diag = (stderr || stdout).trim().split('\n').slice(-3).join(' | ');
          const why =
            e.killed === true && !signal.aborted
              ? `timed out after ${this._o.timeoutMs} ms`
              : typeof e.code === 'number'
                ? `exited with code ${e.code}`
                : describeError(e).split('\n')[0];
          reject(new Error(`rocm-smi ${why}${diag === '' ? '' : `: ${diag}`}`));
        },
      );
    });
  }
}
