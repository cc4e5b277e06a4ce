/**
 * @module collect/gpu/nvidiaCsv
 * nvidia-smi's CSV: `--query-gpu=<fields> --format=csv[,noheader][,nounits]`
 * and `--query-compute-apps=…`. Rows are values joined by ", " in the order
 * of the fields asked for, one row per GPU (per process); with a header the
 * first line names the fields, with their units in brackets
 * (`memory.used [MiB]`), and `nounits` strips the units from the values only.
 * Facts from the H100 (driver 590.48.01), Tesla P100, GTX 1080 Ti captures
 * (test/fixtures/engines/nvidia-smi-*, sources in its SOURCES.md).
 */
import { emptyReading, MHZ, MIB, parseHexMask, parseNumber, parseText, type GpuProcessReading, type GpuReading } from './reading.js';

/** Fields every driver since the Kepler era answers. */
export const CORE_FIELDS: readonly string[] = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.mem',
];

/**
 * `clocks_event_reasons_counters.<reason>`: µs since the driver loaded that each
 * reason held the clocks down. Drivers added the five together, so a driver
 * that rejects one lacks them all.
 */
const COUNTERS_PREFIX = 'clocks_event_reasons_counters.';
const CLOCK_EVENT_COUNTERS: readonly string[] = ['sw_power_cap', 'sync_boost', 'sw_thermal_slowdown', 'hw_thermal_slowdown', 'hw_power_brake_slowdown'];

/**
 * Fields an older (or newer) driver may reject with `Field "x" is not a valid
 * field to query.`. Each group lists alternative names, tried in order:
 * drivers ≥ 530 call the throttle bitmask `clocks_event_reasons.active`
 * and keep the old name as an alias; older ones know only the old name.
 */
export const OPTIONAL_FIELD_GROUPS: readonly (readonly string[])[] = [
  ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'],
  ['ecc.errors.uncorrected.volatile.total'],
  ['ecc.errors.corrected.volatile.total'],
  ['utilization.memory'],
  ['fan.speed'],
  // Deep fields: cheap in the query loop (0.13 % of a core with ten of them at 1 s, measured on an
  // H200, driver 580.159.04), so they ride here rather than in a dmon child. Names checked against
  // that driver's `--help-query-gpu`.
  ['utilization.encoder'],
  ['utilization.decoder'],
  ['utilization.jpeg'],
  ['utilization.ofa'],
  ['temperature.memory'],
  ['pcie.link.gen.current'],
  ['pcie.link.gen.max'],
  ['pcie.link.width.current'],
  ['pcie.link.width.max'],
  ['mig.mode.current'],
  ['clocks.max.sm'],
  ...CLOCK_EVENT_COUNTERS.map((reason) => [`${COUNTERS_PREFIX}${reason}`]),
];

/** `--query-compute-apps` fields: timestamp groups the rows of one period. */
export const COMPUTE_APPS_FIELDS: readonly string[] = ['timestamp', 'pid', 'process_name', 'used_memory', 'gpu_uuid'];

type Setter = (r: GpuReading, raw: string) => void;

const num =
  (set: (r: GpuReading, v: number | undefined) => void, scale = 1): Setter =>
  (r, raw) => {
    const v = parseNumber(raw);
    set(r, v === undefined ? undefined : v * scale);
  };

/** What each known field (and its alias) fills in, converted to base units. */
const SETTERS: Readonly<Record<string, Setter>> = {
  index: (r, raw) => {
    r.index = raw.trim();
  },
  uuid: (r, raw) => {
    r.uuid = parseText(raw);
  },
  name: (r, raw) => {
    r.name = parseText(raw);
  },
  'utilization.gpu': num((r, v) => (r.utilization = v)),
  'utilization.memory': num((r, v) => (r.memoryUtilization = v)),
  'memory.used': num((r, v) => (r.memoryUsedBytes = v), MIB),
  'memory.total': num((r, v) => (r.memoryTotalBytes = v), MIB),
  'temperature.gpu': num((r, v) => (r.temperatureCelsius = v)),
  'power.draw': num((r, v) => (r.powerDrawWatts = v)),
  'power.limit': num((r, v) => (r.powerLimitWatts = v)),
  'clocks.sm': num((r, v) => (r.smClockHz = v), MHZ),
  'clocks.mem': num((r, v) => (r.memoryClockHz = v), MHZ),
  'fan.speed': num((r, v) => (r.fanSpeedPercent = v)),
  'clocks_event_reasons.active': (r, raw) => {
    r.throttleReasons = parseHexMask(raw);
  },
  'ecc.errors.corrected.volatile.total': num((r, v) => (r.eccCorrected = v)),
  'ecc.errors.uncorrected.volatile.total': num((r, v) => (r.eccUncorrected = v)),
  'utilization.encoder': num((r, v) => (r.encoderUtilization = v)),
  'utilization.decoder': num((r, v) => (r.decoderUtilization = v)),
  'utilization.jpeg': num((r, v) => (r.jpegUtilization = v)),
  'utilization.ofa': num((r, v) => (r.ofaUtilization = v)),
  'temperature.memory': num((r, v) => (r.memoryTemperatureCelsius = v)),
  'pcie.link.gen.current': num((r, v) => (r.pcieLinkGen = v)),
  'pcie.link.gen.max': num((r, v) => (r.pcieLinkGenMax = v)),
  'pcie.link.width.current': num((r, v) => (r.pcieLinkWidth = v)),
  'pcie.link.width.max': num((r, v) => (r.pcieLinkWidthMax = v)),
  'mig.mode.current': (r, raw) => {
    const s = raw.trim();
    r.migEnabled = s === 'Enabled' ? 1 : s === 'Disabled' ? 0 : undefined;
  },
  'clocks.max.sm': num((r, v) => (r.smClockMaxHz = v), MHZ),
  ...Object.fromEntries(CLOCK_EVENT_COUNTERS.map((reason): [string, Setter] => [`${COUNTERS_PREFIX}${reason}`, counterSetter(reason)])),
};

function counterSetter(reason: string): Setter {
  return (r, raw) => {
    const us = parseNumber(raw);
    if (us === undefined) return;
    r.clockEventSeconds ??= {};
    r.clockEventSeconds[reason] = us / 1e6;
  };
}

/** nvidia-smi's aliases (`--help-query-gpu`: `"name" or "gpu_name"`), mapped to the names above. */
const ALIASES: Readonly<Record<string, string>> = {
  gpu_name: 'name',
  gpu_uuid: 'uuid',
  'clocks.current.sm': 'clocks.sm',
  'clocks.current.memory': 'clocks.mem',
  'clocks_throttle_reasons.active': 'clocks_event_reasons.active',
};

/** A field name without its header unit (`memory.used [MiB]` → `memory.used`). */
export function fieldName(header: string): string {
  const h = header.trim();
  const b = h.indexOf(' [');
  return b === -1 ? h : h.slice(0, b);
}

/**
 * Splits one CSV row into exactly `n` values. nvidia-smi does not quote, so a
 * value holding ", " (a GPU or process name) yields extra parts: those are
 * joined back into column `mergeCol`. Fewer than `n` parts: undefined.
 */
export function splitRow(line: string, n: number, mergeCol: number): string[] | undefined {
  const parts = line.split(', ');
  if (parts.length === n) return parts;
  if (parts.length < n || mergeCol < 0) return undefined;
  const extra = parts.length - n;
  const merged = parts.slice(mergeCol, mergeCol + extra + 1).join(', ');
  return [...parts.slice(0, mergeCol), merged, ...parts.slice(mergeCol + extra + 1)];
}

/**
 * Parses rows of `--query-gpu` output for a fixed field list. Built once per
 * field list; `parse` does one split and one setter call per column.
 * @example
 * const p = new GpuRowParser(['index', 'utilization.gpu', 'memory.used']);
 * p.parse('0, 87, 19818') // { index: '0', utilization: 87, memoryUsedBytes: 19818 * 1048576, … }
 */
export class GpuRowParser {
  private readonly _setters: (Setter | undefined)[];
  private readonly _nameCol: number;
  private readonly _hasIndex: boolean;

  constructor(readonly fields: readonly string[]) {
    // Own keys only: the names come from the tool's header, and `constructor` or `__proto__` must not find Object's.
    const names = fields.map((f) => {
      const n = fieldName(f);
      return Object.hasOwn(ALIASES, n) ? ALIASES[n]! : n;
    });
    this._setters = names.map((n) => (Object.hasOwn(SETTERS, n) ? SETTERS[n] : undefined));
    this._nameCol = names.indexOf('name');
    this._hasIndex = names.includes('index');
  }

  /** One reading, or undefined for a line that is not a row of these fields (an error message, a header). */
  parse(line: string, defaultIndex = ''): GpuReading | undefined {
    const parts = splitRow(line, this._setters.length, this._nameCol);
    if (parts === undefined) return undefined;
    const r = emptyReading(defaultIndex);
    for (let i = 0; i < parts.length; i++) this._setters[i]?.(r, parts[i]!);
    if (this._hasIndex && !/^\d+$/.test(r.index)) return undefined;
    return r;
  }
}

/** What a whole CSV text held. */
export interface NvidiaCsvResult {
  fields: string[];
  readings: GpuReading[];
  /** Non-empty lines that were not rows of the fields. */
  rejected: number;
}

/**
 * Parses a complete `--query-gpu` output. Without `fields` the first line must
 * be the header (`--format=csv` or `csv,nounits`); with them the text is
 * `noheader` rows. Rows without an `index` field are numbered from 0.
 * @example parseNvidiaSmiCsv(readFileSync('tesla-p100.csv', 'utf8')).readings[0].name // 'Tesla P100-PCIE-16GB'
 */
export function parseNvidiaSmiCsv(text: string, fields?: readonly string[]): NvidiaCsvResult {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
  let names: string[];
  if (fields === undefined) {
    const header = lines.shift();
    if (header === undefined) return { fields: [], readings: [], rejected: 0 };
    names = header.split(', ').map(fieldName);
  } else {
    names = [...fields];
  }
  const parser = new GpuRowParser(names);
  const readings: GpuReading[] = [];
  let rejected = 0;
  for (const line of lines) {
    const r = parser.parse(line, String(readings.length));
    if (r === undefined) rejected++;
    else readings.push(r);
  }
  return { fields: names, readings, rejected };
}

/** One `--query-compute-apps` row with the tool's timestamp text (groups one period's rows). */
export interface ComputeAppRow extends GpuProcessReading {
  timestamp: string | undefined;
}

/**
 * Parses rows of `--query-compute-apps` for a field list (default
 * COMPUTE_APPS_FIELDS). A row without a number in `used_memory` (`[N/A]` under
 * WDDM or MIG) is dropped: the figure is not known.
 */
export class ComputeAppsParser {
  private readonly _col: Readonly<Record<'timestamp' | 'pid' | 'process' | 'used' | 'uuid', number>>;
  private readonly _n: number;

  constructor(fields: readonly string[] = COMPUTE_APPS_FIELDS) {
    const names = fields.map(fieldName);
    const at = (...alts: string[]): number => names.findIndex((n) => alts.includes(n));
    this._col = {
      timestamp: at('timestamp'),
      pid: at('pid'),
      process: at('process_name', 'name'),
      used: at('used_memory', 'used_gpu_memory'),
      uuid: at('gpu_uuid'),
    };
    this._n = names.length;
  }

  parse(line: string): ComputeAppRow | undefined {
    const c = this._col;
    if (c.pid < 0 || c.used < 0 || c.uuid < 0) return undefined;
    const parts = splitRow(line, this._n, c.process);
    if (parts === undefined) return undefined;
    const pid = parts[c.pid]!.trim();
    const usedMiB = parseNumber(parts[c.used]);
    const uuid = parseText(parts[c.uuid]);
    if (!/^\d+$/.test(pid) || usedMiB === undefined || uuid === undefined) return undefined;
    return {
      timestamp: c.timestamp >= 0 ? parts[c.timestamp]!.trim() : undefined,
      pid,
      process: c.process >= 0 ? (parseText(parts[c.process]) ?? '') : '',
      uuid,
      usedBytes: usedMiB * MIB,
    };
  }
}

/** Parses a complete `--query-compute-apps` output; without `fields` the first line is the header. */
export function parseComputeAppsCsv(text: string, fields?: readonly string[]): ComputeAppRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const names = fields ?? lines.shift()?.split(', ');
  if (names === undefined) return [];
  const p = new ComputeAppsParser(names);
  const out: ComputeAppRow[] = [];
  for (const l of lines) {
    const r = p.parse(l);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/**
 * nvidia-smi's timestamp (`2026/07/14 08:12:53.500`) as milliseconds, read as
 * UTC: only differences between two stamps are used. NaN when malformed.
 */
export function parseSmiTimestamp(s: string): number {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(s);
  if (m === null) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7] === undefined ? 0 : +m[7].padEnd(3, '0'));
}

/** The field named by nvidia-smi's `Field "x" is not a valid field to query.`, if `line` is that message. */
export function invalidFieldIn(line: string): string | undefined {
  const m = /Field "([^"]+)" is not a valid field to query/.exec(line);
  return m?.[1];
}

/**
 * The field list sent to nvidia-smi: the core fields plus one name from each
 * optional group still in play. `drop` reacts to a rejected field by trying
 * the group's next alternative, or giving the group up.
 */
export class FieldSet {
  private readonly _choice: number[] = OPTIONAL_FIELD_GROUPS.map(() => 0);
  readonly dropped: string[] = [];

  fields(): string[] {
    const out = [...CORE_FIELDS];
    OPTIONAL_FIELD_GROUPS.forEach((g, i) => {
      const f = g[this._choice[i]!];
      if (f !== undefined) out.push(f);
    });
    return out;
  }

  /** True when `field` was an optional one in use and the query changed; false for core or unknown fields. */
  drop(field: string): boolean {
    for (let i = 0; i < OPTIONAL_FIELD_GROUPS.length; i++) {
      const g = OPTIONAL_FIELD_GROUPS[i]!;
      if (g[this._choice[i]!] === field) {
        this._choice[i]!++;
        this.dropped.push(field);
        if (field.startsWith(COUNTERS_PREFIX)) this._dropFamily(COUNTERS_PREFIX);
        return true;
      }
    }
    return false;
  }

  /** Gives up every field in use that starts with `prefix` (one restart instead of one per sibling). */
  private _dropFamily(prefix: string): void {
    OPTIONAL_FIELD_GROUPS.forEach((g, i) => {
      const f = g[this._choice[i]!];
      if (f !== undefined && f.startsWith(prefix)) {
        this.dropped.push(f);
        this._choice[i] = g.length;
      }
    });
  }

  /** Gives up every optional field still in use (when the rejected field could not be identified). */
  dropAllOptional(): boolean {
    let changed = false;
    OPTIONAL_FIELD_GROUPS.forEach((g, i) => {
      const f = g[this._choice[i]!];
      if (f !== undefined) {
        this.dropped.push(f);
        this._choice[i] = g.length;
        changed = true;
      }
    });
    return changed;
  }
}
