/**
 * @module config/load
 * Reads and validates config. Errors name the field path, the value and what
 * was expected; unknown keys come with the closest valid name.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EchoPerfError } from '../core/errors.js';
import { isLoopbackHost } from '../core/net.js';
import { redactConfigValue } from '../core/redact.js';
import { closest } from './closest.js';
import { configSchema, type EchoPerfConfig } from './schema.js';

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
  const r = configSchema.safeParse(input ?? {});
  if (r.success) {
    checkCombinations(r.data, source);
    return Object.freeze(r.data);
  }
  const issues = r.error.issues.flatMap((i) => describeIssue(i, input));
  throw new EchoPerfError('EP_ERR_CONFIG_INVALID', `${source} is invalid:\n` + issues.map(formatIssue).join('\n'), {
    details: issues,
  });
}

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
    throw new EchoPerfError('EP_ERR_CONFIG_READ', `config file ${path} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseConfig(json, `config file ${path}`);
}

/** JSON Schema (draft 2020-12) of the config file, for editors and `echo-perf config schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
}

export function formatIssue(i: ConfigIssue): string {
  return `  - ${i.path || '(root)'}: got ${showValue(i.value)}; expected ${i.expected}`;
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
    throw new EchoPerfError('EP_ERR_CONFIG_INVALID', `${source} is invalid:\n${issues.map(formatIssue).join('\n')}`, {
      details: issues,
    });
  }
}

function describeIssue(i: z.core.$ZodIssue, root: unknown): ConfigIssue[] {
  const base = i.path.map(String);
  if (i.code === 'unrecognized_keys') {
    const valid = validKeysAt(base);
    return i.keys.map((k) => {
      const near = closest(k, valid);
      return {
        path: [...base, k].join('.'),
        value: redactConfigValue([...base, k], valueAt(root, [...base, k])),
        expected: `a known key${near ? `; did you mean "${near}"?` : ''} (unknown key; valid keys: ${valid.join(', ')})`,
      };
    });
  }
  return [{ path: base.join('.'), value: redactConfigValue(base, valueAt(root, base)), expected: expectedText(i) }];
}

function expectedText(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'invalid_type':
      return i.expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(i.expected) ? 'an' : 'a'} ${i.expected}`;
    case 'too_small':
      return `${i.origin === 'number' ? 'a number' : 'a value'} ${i.inclusive ? '>=' : '>'} ${String(i.minimum)}`;
    case 'too_big':
      return `${i.origin === 'number' ? 'a number' : 'a value'} ${i.inclusive ? '<=' : '<'} ${String(i.maximum)}`;
    case 'invalid_value':
      return `one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      return `a valid key: ${i.issues.map((x) => x.message).join('; ')}`;
    case 'not_multiple_of':
      return `a multiple of ${String(i.divisor)}`;
    default:
      return i.message;
  }
}

function validKeysAt(path: string[]): string[] {
  let s: z.ZodType = configSchema;
  for (const p of path) {
    s = unwrap(s);
    if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[p] ?? s;
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
  return cur;
}

function valueAt(root: unknown, path: string[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return `${s && s.length > 60 ? s.slice(0, 57) + '...' : s} (${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v})`;
}
