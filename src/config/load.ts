/**
 * @module config/load
 * Reads and validates config. Errors name the field path, the value and what
 * was expected; unknown keys come with the closest valid name. Values at secret
 * paths (tokens, passwords, header values) are never shown, only their length:
 * error messages end up in terminals, logs and CI output.
 */
import { readFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { EchoPerfError } from '../core/errors.js';
import { isLoopbackHost } from '../core/net.js';
import { jsonPreview, previewValue, truncateText } from '../core/preview.js';
import { isSecretName, redactUrl } from '../core/redact.js';
import { closest } from './closest.js';
import { configSchema, type EchoPerfConfig } from './schema.js';
import { describeExpected, type UnknownKeysIssue } from './schemaParts.js';

type Issue = v.BaseIssue<unknown> & Partial<Pick<UnknownKeysIssue, 'keys'>>;

export interface ConfigIssue {
  /** Dotted path of the field, e.g. `alert_thresholds.cpu_usage`. */
  path: string;
  /** The value found there (undefined when missing). */
  value: unknown;
  /** What was expected, in words. */
  expected: string;
}

/** Validates a config object; throws EchoPerfError(EP_ERR_CONFIG_INVALID) listing every issue. */
export function parseConfig(input: unknown, source = 'config'): Readonly<EchoPerfConfig> {
  const r = v.safeParse(configSchema, input ?? {});
  if (r.success) {
    checkCombinations(r.output, source);
    return Object.freeze(r.output);
  }
  const issues: ConfigIssue[] = [];
  let omitted = 0;
  for (const i of r.issues as readonly Issue[]) {
    // Counted before they are described: a file with 100k unknown keys would otherwise be a message of megabytes.
    const room = MAX_LISTED_ISSUES - issues.length;
    const n = i.keys !== undefined ? i.keys.length : 1;
    if (room < n) omitted += n - Math.max(room, 0);
    if (room <= 0) continue;
    issues.push(...describeIssue(i.keys !== undefined ? { ...i, keys: i.keys.slice(0, room) } : i, input).map(redactIssue));
  }
  const more = omitted > 0 ? `\n  ... and ${omitted} more issue${omitted === 1 ? '' : 's'}` : '';
  throw new EchoPerfError('EP_ERR_CONFIG_INVALID', `${source} is invalid:\n` + issues.map(formatIssue).join('\n') + more, {
    details: issues,
  });
}

/** Issues listed in one error; past it they are counted. */
export const MAX_LISTED_ISSUES = 50;

/** Reads a JSON config file and validates it. */
export function loadConfigFile(path: string): Readonly<EchoPerfConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EchoPerfError('EP_ERR_CONFIG_READ', `cannot read config file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EchoPerfError('EP_ERR_CONFIG_READ', `config file ${path} is not valid JSON: ${jsonErrorText((e as Error).message, text)}`, {
      cause: e,
    });
  }
  return parseConfig(json, `config file ${path}`);
}

/** JSON Schema (draft 2020-12) of the config file, for editors and `echo-perf config schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return toJsonSchema(configSchema, {
    target: 'draft-2020-12',
    typeMode: 'input',
    // Checks across fields and of values JSON Schema has no word for (finite, a compiling regex) stay the agent's.
    ignoreActions: ['check', 'raw_check', 'finite'],
    overrideSchema: ({ jsonSchema }) => {
      if (Array.isArray(jsonSchema.required) && jsonSchema.required.length === 0) delete jsonSchema.required;
      if (typeof jsonSchema.const === 'string') jsonSchema.type = 'string';
      return undefined;
    },
    // The address syntax itself, not only the format name (validators need not check formats).
    overrideAction: ({ valibotAction, jsonSchema }) => {
      if (valibotAction.type === 'email') jsonSchema.pattern = (valibotAction as unknown as { requirement: RegExp }).requirement.source;
      return undefined;
    },
  }) as Record<string, unknown>;
}

export function formatIssue(i: ConfigIssue): string {
  const shown = typeof i.value === 'string' && SECRET_MARKER.test(i.value) ? i.value : showValue(i.value);
  return `  - ${i.path || '(root)'}: got ${shown}; expected ${i.expected}`;
}

/**
 * Whether the value at `path` is a credential: under a key that names one
 * (core/redact isSecretName: `push_token`, `password`, `client_secret`,
 * `authorization`), or any value under `headers`.
 * @example isSecretPath(['server', 'push_token']) // true
 */
export function isSecretPath(path: readonly string[]): boolean {
  const n = path.length;
  // basic_auth shows its username and the name of its password file, nothing else (a misspelt `pasword` included).
  if (n > 1 && path[n - 2] === 'basic_auth' && path[n - 1] !== 'username' && path[n - 1] !== 'password_file') return true;
  return path.some((p, i) => isSecretName(p) || (i < n - 1 && p.toLowerCase() === 'headers'));
}

const SECRET_MARKER = /^<secret, [a-z0-9 ]{1,30}>$/;

/** What an error shows instead of a secret: its length (a typo or a truncated paste shows there), never its text. */
function secretMarker(v: unknown): string {
  if (typeof v === 'string') return `<secret, ${v.length} character${v.length === 1 ? '' : 's'}>`;
  return `<secret, ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v}>`;
}

function redactIssue(i: ConfigIssue): ConfigIssue {
  const path = i.path === '' ? [] : i.path.split('.');
  return { ...i, value: redactValue(i.value, path, 0) };
}

/** A copy of `v` with every value at a secret path replaced by its marker; deeper than 16 levels is cut. */
function redactValue(v: unknown, path: readonly string[], depth: number): unknown {
  if (v === undefined) return v;
  if (isSecretPath(path)) return secretMarker(v);
  // A URL may carry credentials (`user:pass@`, `?api_key=`), a bad one under `url` too (`u:p@host`).
  if (typeof v === 'string') {
    const key = path[path.length - 1] ?? '';
    return key === 'url' || key.endsWith('_url') || /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? redactUrl(v) : v;
  }
  if (v === null || typeof v !== 'object') return v;
  if (depth >= 16) return '<…>';
  if (Array.isArray(v)) return v.map((x, i) => redactValue(x, [...path, String(i)], depth + 1));
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[k] = redactValue(x, [...path, k], depth + 1);
  return out;
}

/**
 * JSON.parse's message without the excerpt of the text it quotes (the excerpt
 * may be part of a token), and with the line and column when it gives a position.
 */
function jsonErrorText(message: string, text: string): string {
  const bare = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' (not valid JSON)');
  const at = /at position (\d+)/.exec(bare);
  if (at === null) return bare;
  const pos = Math.min(Number(at[1]), text.length);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${bare} (line ${line}, column ${column})`;
}

function checkCombinations(c: EchoPerfConfig, source: string): void {
  const issues: ConfigIssue[] = [];
  if (c.collector_timeout !== undefined && c.collector_timeout > c.monitoring_interval) {
    issues.push({
      path: 'collector_timeout',
      value: c.collector_timeout,
      expected: `a number of seconds <= monitoring_interval (${c.monitoring_interval})`,
    });
  }
  // The same rule the server applies when it binds: beyond loopback, write endpoints need a token.
  if (!isLoopbackHost(c.server.host) && c.server.push_token === undefined) {
    issues.push({
      path: 'server.push_token',
      value: undefined,
      expected: `a token of 8-512 visible ASCII characters, because server.host ${JSON.stringify(c.server.host.slice(0, 100))} is not a loopback address (or set server.host to 127.0.0.1)`,
    });
  }
  const names = new Set<string>();
  const targets = [...c.engines.map((t, i) => ({ ...t, path: `engines.${i}` })), ...c.scrape_targets.map((t, i) => ({ ...t, path: `scrape_targets.${i}` }))];
  targets.forEach((t) => {
    if (names.has(t.name)) issues.push({ path: `${t.path}.name`, value: t.name, expected: 'a name not used by another engine or scrape target' });
    names.add(t.name);
    const interval = t.interval ?? c.monitoring_interval;
    if (t.timeout !== undefined && t.timeout > interval) {
      issues.push({ path: `${t.path}.timeout`, value: t.timeout, expected: `a number of seconds <= the target's interval (${interval})` });
    }
  });
  if (issues.length > 0) {
    const redacted = issues.map(redactIssue);
    throw new EchoPerfError('EP_ERR_CONFIG_INVALID', `${source} is invalid:\n${redacted.map(formatIssue).join('\n')}`, {
      details: redacted,
    });
  }
}

function describeIssue(i: Issue, root: unknown): ConfigIssue[] {
  const base = (i.path ?? []).map((p) => String(p.key));
  // Keys of records (labels, headers) and unknown keys are input: shown bounded like any value.
  const shownBase = base.map((k) => truncateText(k));
  if (i.keys !== undefined) {
    const valid = validKeysAt(base, root);
    return i.keys.map((k) => {
      const near = closest(k, valid);
      const value = valueAt(root, [...base, k]);
      return {
        path: [...shownBase, truncateText(k)].join('.'),
        // A misspelt secret key (`push_tokn`) still holds a secret.
        value: near !== undefined && isSecretPath([...base, near]) ? secretMarker(value) : value,
        expected: `a known key${near ? `; did you mean "${near}"?` : ''} (unknown key; valid keys: ${valid.join(', ')})`,
      };
    });
  }
  return [{ path: shownBase.join('.'), value: valueAt(root, base), expected: describeExpected(i) }];
}

/** A schema node as walked here: valibot's schemas, by the fields each kind has. */
interface Node {
  type: string;
  wrapped?: Node;
  item?: Node;
  entries?: Record<string, Node>;
  options?: Node[];
  key?: unknown;
  value?: Node;
}

/** The object schema a value at that place is checked against, if any: a variant's by the value's discriminator. */
function objectAt(s: Node | undefined, value: unknown): Node | undefined {
  while (s?.type === 'optional') s = s.wrapped;
  if (s === undefined) return undefined;
  if (s.type === 'variant' && typeof s.key === 'string') {
    const d = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[s.key] : undefined;
    return s.options?.find((o) => (o.entries?.[s.key as string] as { literal?: unknown } | undefined)?.literal === d);
  }
  if (s.type === 'union') return s.options?.find((o) => o.type === 'strict_object');
  return s;
}

/** The keys valid in the object at `path`. */
function validKeysAt(path: readonly string[], root: unknown): string[] {
  let s: Node | undefined = configSchema as unknown as Node;
  let value = root;
  for (const p of path) {
    s = objectAt(s, value);
    if (s === undefined) return [];
    s = s.type === 'array' ? s.item : s.type === 'record' ? s.value : s.entries?.[p];
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
  }
  s = objectAt(s, value);
  return s?.type === 'strict_object' && s.entries !== undefined ? Object.keys(s.entries) : [];
}

function valueAt(root: unknown, path: string[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The value as the message shows it: at most about 100 characters of it, and its type. */
function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const type = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  const shown = typeof v === 'string' ? JSON.stringify(truncateText(v)) : typeof v === 'object' && v !== null ? jsonPreview(v) : previewValue(v);
  return `${String(shown)} (${type})`;
}
