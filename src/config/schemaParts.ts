/**
 * @module config/schemaParts
 * The valibot pieces the config schemas are built from, where valibot's own
 * differ from what the config has always accepted and said:
 * - objects and records refuse arrays (valibot takes any `typeof 'object'`);
 * - a strict object lists every unknown key in one issue (valibot reports the
 *   first only), so an error can name them and count the rest;
 * - a record keeps keys named `constructor` and `prototype` (valid label names)
 *   and refuses a bad key without checking its value;
 * - a failed `fatal` check, like a wrong type, stops the checks after it and the
 *   enclosing objects' cross-field checks: 2.5 where an integer of 3..10 goes is
 *   "an integer", not that and "a number >= 3";
 * - numbers are finite (JSON's 1e400 is Infinity, which valibot's number() takes).
 * Each keeps the valibot `type` it stands for, so JSON Schema conversion reads it as one.
 */
import * as v from 'valibot';

type Issue = v.BaseIssue<unknown>;
type PathItem = v.IssuePathItem;
/** A dataset as the run functions here fill it in (valibot's types make each state read-only). */
interface Dataset {
  typed: boolean;
  value: unknown;
  issues?: Issue[];
}
type Run = (dataset: v.UnknownDataset, config: v.Config<Issue>) => v.OutputDataset<unknown, Issue>;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Made by `{}`, JSON.parse or Object.create(null): a Date or a class instance is not a record. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (!isObject(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function issue(schema: { kind: Issue['kind']; type: string }, input: unknown, message: string, config: v.Config<Issue>, more?: Partial<Issue> & { keys?: string[] }): Issue {
  return {
    kind: schema.kind,
    type: schema.type,
    input,
    expected: null,
    received: typeof input,
    message,
    requirement: undefined,
    path: undefined,
    issues: undefined,
    lang: config.lang,
    abortEarly: config.abortEarly,
    abortPipeEarly: config.abortPipeEarly,
    ...more,
  };
}

function push(dataset: Dataset, issues: readonly Issue[], item?: PathItem): void {
  for (const i of issues) {
    if (item !== undefined) {
      if (i.path) (i.path as PathItem[]).unshift(item);
      else (i as { path: PathItem[] }).path = [item];
    }
    if (dataset.issues) dataset.issues.push(i);
    else dataset.issues = [i];
  }
}

function fail(dataset: Dataset, i: Issue): Dataset {
  push(dataset, [i]);
  dataset.typed = false;
  return dataset;
}

function run(schema: v.GenericSchema, value: unknown, config: v.Config<Issue>): Dataset {
  return schema['~run']({ value }, config) as Dataset;
}

/** `base` with another run function (and the standard-schema validate that calls it). */
function withRun<S extends v.GenericSchema>(base: S, fn: (this: S, dataset: Dataset, config: v.Config<Issue>) => Dataset): S {
  const s = { ...base, '~run': fn as unknown as Run } as S;
  Object.defineProperty(s, '~standard', {
    value: { version: 1, vendor: 'valibot', validate: (value: unknown) => s['~run']({ value }, v.getGlobalConfig()) },
    enumerable: true,
  });
  return s;
}

function objectItem(input: Record<string, unknown>, key: string, origin: 'key' | 'value' = 'value'): v.ObjectPathItem {
  return { type: 'object', origin, input, key, value: input[key] };
}

/** An issue's path items for `path` under `value`, as valibot builds them. */
function pathItems(value: unknown, path: readonly (string | number)[]): [PathItem, ...PathItem[]] {
  const items: PathItem[] = [];
  let cur = value;
  for (const key of path) {
    const next = isObject(cur) || Array.isArray(cur) ? (cur as Record<string | number, unknown>)[key] : undefined;
    items.push({ type: 'unknown', origin: 'value', input: cur, key, value: next });
    cur = next;
  }
  return items as [PathItem, ...PathItem[]];
}

/** An issue about unknown keys: all of them, in input order. */
export interface UnknownKeysIssue extends Issue {
  readonly keys: readonly string[];
}

/**
 * An object with these keys and no others. Unknown keys are one issue listing
 * them all; it does not stop the object's own checks (a typo next to two clashing
 * fields is reported with the clash).
 */
export function strictObject<const TEntries extends v.ObjectEntries>(entries: TEntries): v.StrictObjectSchema<TEntries, undefined> {
  return withRun(v.strictObject(entries), function (dataset, config) {
    const input = dataset.value;
    if (!isObject(input)) return fail(dataset, issue(this, input, 'an object', config));
    const out: Record<string, unknown> = {};
    dataset.typed = true;
    for (const key in entries) {
      const schema = entries[key]!;
      const present = key in input;
      // An absent optional key stays absent; an absent default one gets its default.
      if (!present && schema.type === 'optional' && (schema as { default?: unknown }).default === undefined) continue;
      const value = input[key];
      const r = run(schema, value, config);
      if (r.issues) push(dataset, r.issues, objectItem(input, key));
      if (!r.typed) dataset.typed = false;
      if (r.value !== undefined || present) out[key] = r.value;
    }
    const unknown: string[] = [];
    for (const key in input) if (!Object.hasOwn(entries, key)) unknown.push(key);
    if (unknown.length > 0) push(dataset, [issue(this, input, 'a known key', config, { keys: unknown })]);
    dataset.value = out;
    return dataset;
  });
}

/**
 * A record: a plain object whose every key passes `key` and value `value`. A
 * bad key is one issue (its value is not checked), `__proto__` is skipped.
 */
export function record<const TKey extends v.GenericSchema<string, string>, const TValue extends v.GenericSchema>(key: TKey, value: TValue): v.RecordSchema<TKey, TValue, undefined> {
  return withRun(v.record(key, value), function (dataset, config) {
    const input = dataset.value;
    if (!isPlainObject(input)) return fail(dataset, issue(this, input, 'a record', config));
    const out: Record<string, unknown> = {};
    dataset.typed = true;
    for (const k of Object.keys(input)) {
      if (k === '__proto__') continue;
      const kr = run(key, k, config);
      if (kr.issues) {
        push(dataset, [issue(this, k, `a valid key: ${kr.issues.map(describeExpected).join('; ')}`, config, { path: [objectItem(input, k, 'key')] })]);
        dataset.typed = false;
        continue;
      }
      const r = run(value, input[k], config);
      if (r.issues) push(dataset, r.issues, objectItem(input, k));
      if (!r.typed) dataset.typed = false;
      out[k] = r.value;
    }
    dataset.value = out;
    return dataset;
  });
}

/** One of `options`, picked by the value of `key`; anything but an object is refused as such first. */
export function variant<const TKey extends string, const TOptions extends v.VariantOptions<TKey>>(key: TKey, options: TOptions, message: string): v.VariantSchema<TKey, TOptions, string> {
  const base = v.variant(key, options, message);
  return withRun(base, function (dataset, config) {
    if (!isObject(dataset.value)) return fail(dataset, issue(this, dataset.value, 'an object', config));
    return base['~run'](dataset as unknown as v.UnknownDataset, config) as Dataset;
  });
}

/** The action, except that failing it stops the checks after it, as a wrong type does. */
export function fatal<TInput, TOutput, TIssue extends Issue>(action: v.BaseValidation<TInput, TOutput, TIssue>): v.BaseValidation<TInput, TOutput, TIssue> {
  return {
    ...action,
    '~run'(dataset, config) {
      const before = dataset.issues?.length ?? 0;
      const r = action['~run'].call(this, dataset, config);
      if ((r.issues?.length ?? 0) > before) (r as { typed: boolean }).typed = false;
      return r;
    },
  };
}

/**
 * Cross-field checks on a value whose fields passed their own type checks: `report`
 * adds an issue at `path` under the value, or at the value itself.
 */
export function refine<T>(fn: (value: T, report: (message: string, path?: readonly (string | number)[]) => void) => void): v.RawCheckAction<T> {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    fn(dataset.value, (message, path = []) => {
      addIssue(path.length > 0 ? { message, path: pathItems(dataset.value, path) } : { message });
    });
  });
}

/** A number other than NaN and ±Infinity. */
export const finite = v.pipe(v.number(), fatal(v.finite<number>()));
/** A safe integer; a fraction stops its other checks, an unsafe integer does not. */
export const int = v.pipe(v.number(), fatal(v.finite<number>()), fatal(v.integer<number>()), v.safeInteger<number>());

const HTTP_PREFIX = /^https?:\/\//i;

function isHttpUrl(s: string): boolean {
  // The `://` keeps out `http:host` and `https:/path`, which the URL parser accepts.
  if (!HTTP_PREFIX.test(s)) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * An http:// or https:// URL. The value kept is trimmed and without tabs and line
 * breaks: the URL parser ignores them, so they would only make the text differ
 * from the URL used.
 */
export function httpUrl(message: string): v.UrlAction<string, string> {
  const base = v.url<string, string>(message);
  return {
    ...base,
    requirement: (s: string) => isHttpUrl(s.trim()),
    '~run'(dataset, config) {
      const before = dataset.issues?.length ?? 0;
      const r = base['~run'].call(this, dataset, config);
      if (r.typed && (r.issues?.length ?? 0) === before) r.value = r.value.trim().replace(/[\t\n\r]/g, '');
      return r;
    },
  };
}

/** The address syntax the config has always taken: dotted atoms, a domain of labels and a TLD of 2+ letters. */
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function email(message: string): v.EmailAction<string, string> {
  return { ...v.email<string, string>(message), requirement: EMAIL };
}

const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** What an issue says was expected, in the words config errors use. */
export function describeExpected(i: Issue): string {
  switch (i.type) {
    case 'number':
    case 'finite':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'array':
      return 'an array';
    case 'integer':
      return 'an integer';
    case 'safe_integer':
      return (i.input as number) > 0 ? `a value <= ${SAFE_MAX}` : `a value >= ${-SAFE_MAX}`;
    case 'picklist':
    case 'literal':
      // valibot's `expected` is the options JSON-quoted and joined by ' | ', in parentheses when more than one
      return `one of ${(i.expected ?? '').replace(/^\((.*)\)$/, '$1').split(' | ').join(', ')}`;
    case 'min_value':
      return `a number >= ${String(i.requirement)}`;
    case 'gt_value':
      return `a number > ${String(i.requirement)}`;
    case 'max_value':
      return `a number <= ${String(i.requirement)}`;
    case 'lt_value':
      return `a number < ${String(i.requirement)}`;
    case 'min_length':
      return `a value >= ${String(i.requirement)}`;
    case 'max_length':
      return `a value <= ${String(i.requirement)}`;
    default:
      return i.message;
  }
}
