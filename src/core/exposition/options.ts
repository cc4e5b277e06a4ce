/**
 * @module core/exposition/options
 * The options of `parseExposition`, their validation, and the per-page limits
 * (Prometheus's `sample_limit`, `label_limit`, `label_name_length_limit`,
 * `label_value_length_limit`), checked while the page is read so that a page
 * over a limit is never materialised whole.
 */
import { EchoPerfError } from '../errors.js';

/**
 * Per-page limits, as Prometheus's scrape config names them. 0 or absent means
 * no limit. Labels are counted as Prometheus counts them (scrape/scrape.go
 * `verifyLabelLimits`): the metric name is the label `__name__`, so `up{a="1"}`
 * has 2 labels and its name is a label value of length 2; lengths are UTF-8 bytes.
 */
export interface ParseLimits {
  /** Most samples (series lines) in one page; `sample_limit`. */
  maxSamples?: number;
  /** Most labels of one sample, `__name__` included; `label_limit`. */
  maxLabels?: number;
  /** Longest label name, in bytes; `label_name_length_limit`. */
  maxLabelNameLength?: number;
  /** Longest label value (metric name included), in UTF-8 bytes; `label_value_length_limit`. */
  maxLabelValueLength?: number;
}

export interface ParseOptions {
  /**
   * `true` (the default): every OpenMetrics 1.0 MUST is enforced and the first
   * violation throws. `false`: OpenMetrics is read as leniently as Prometheus
   * reads it; violations Prometheus accepts go to `onViolation`. Text 0.0.4 is
   * read the same way in both modes.
   */
  strict?: boolean;
  /** Receives each tolerated violation (`line L, column C: …`) when `strict` is false. */
  onViolation?: (message: string) => void;
  /** Stops reading at the first breach with `EP_ERR_EXPOSITION_LIMIT`. */
  limits?: ParseLimits;
}

/** Limits resolved for the readers: `Infinity` where there is none. */
export interface ResolvedLimits {
  readonly maxSamples: number;
  readonly maxLabels: number;
  readonly maxLabelNameLength: number;
  readonly maxLabelValueLength: number;
  /** True when a per-sample label check is needed at all. */
  readonly labels: boolean;
}

export const NO_LIMITS: ResolvedLimits = {
  maxSamples: Infinity,
  maxLabels: Infinity,
  maxLabelNameLength: Infinity,
  maxLabelValueLength: Infinity,
  labels: false,
};

const LIMIT_KEYS = ['maxSamples', 'maxLabels', 'maxLabelNameLength', 'maxLabelValueLength'] as const;
const OPTION_KEYS = new Set(['strict', 'onViolation', 'limits']);

export interface ResolvedOptions {
  readonly strict: boolean;
  readonly onViolation: ((message: string) => void) | undefined;
  readonly limits: ResolvedLimits;
}

const DEFAULTS: ResolvedOptions = { strict: true, onViolation: undefined, limits: NO_LIMITS };

/** Checks `options` (API input, so anything) and fills in the defaults. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) return DEFAULTS;
  if (options === null || typeof options !== 'object') argError('options', options, 'an object');
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.has(key)) keyError('options', key, [...OPTION_KEYS]);
  }
  const { strict, onViolation, limits } = o;
  if (strict !== undefined && typeof strict !== 'boolean') argError('options.strict', strict, 'true or false');
  if (onViolation !== undefined && typeof onViolation !== 'function') {
    argError('options.onViolation', onViolation, 'a function (message: string) => void');
  }
  return {
    strict: strict !== false,
    onViolation: onViolation as ((message: string) => void) | undefined,
    limits: resolveLimits(limits),
  };
}

function resolveLimits(limits: unknown): ResolvedLimits {
  if (limits === undefined) return NO_LIMITS;
  if (limits === null || typeof limits !== 'object') argError('options.limits', limits, 'an object');
  const l = limits as Record<string, unknown>;
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const key of Object.keys(l)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key)) {
      keyError('options.limits', key, LIMIT_KEYS);
    }
  }
  for (const key of LIMIT_KEYS) {
    const v = l[key];
    if (v === undefined) {
      out[key] = Infinity;
      continue;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      argError(`options.limits.${key}`, v, 'a non-negative integer (0 = no limit)');
    }
    out[key] = v === 0 ? Infinity : v;
  }
  const maxLabels = out.maxLabels!;
  const maxLabelNameLength = out.maxLabelNameLength!;
  const maxLabelValueLength = out.maxLabelValueLength!;
  return {
    maxSamples: out.maxSamples!,
    maxLabels,
    maxLabelNameLength,
    maxLabelValueLength,
    labels: maxLabels !== Infinity || maxLabelNameLength !== Infinity || maxLabelValueLength !== Infinity,
  };
}

function argError(field: string, value: unknown, expected: string): never {
  throw new EchoPerfError('EP_ERR_ARGUMENT', `parseExposition ${field}: expected ${expected}, got ${show(value)}`);
}

function keyError(field: string, key: string, known: readonly string[]): never {
  throw new EchoPerfError(
    'EP_ERR_ARGUMENT',
    `parseExposition ${field}: expected only the keys ${known.join(', ')}; got the key ${show(key)}`,
  );
}

/** A value for messages, cut to 100 characters. */
function show(value: unknown): string {
  let s: string;
  if (typeof value === 'function') s = 'a function';
  else if (typeof value === 'string') s = JSON.stringify(value);
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      // Circular, BigInt, or an object without a prototype: say what it is instead.
      s = typeof value === 'bigint' ? `${value}n` : `a value of type ${typeof value}`;
    }
  }
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}
