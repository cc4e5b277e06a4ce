// Property-based bad input for the config: arbitrary JSON values, and valid
// configs with one part replaced, removed or renamed. Each run gives back a
// config or throws EchoPerfError(EP_ERR_CONFIG_INVALID) whose message names
// every field it lists, with values shown bounded; nothing else is thrown and
// Object.prototype is never touched. Seeded (FC_SEED overrides): a failure
// prints the seed and path that replay it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../core/errors.js';
import { truncateText } from '../core/preview.js';
import { MAX_LISTED_ISSUES } from './load.js';
import { parseConfig, type ConfigIssue } from './index.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16c0f);
const RUN = { seed: SEED, interruptAfterTimeLimit: 4000, markInterruptAsFailure: false } as const;

/** A config using most sections, accepted as is (checked below). */
const VALID = {
  monitoring_interval: 2,
  collector_timeout: 1,
  max_metrics_history: 500,
  max_series: 20_000,
  reserved_series: 2000,
  alert_thresholds: { cpu_usage: 85, memory_usage: 90, token_throughput: 50, ttft_ms: 800 },
  degradation_detection: { window_size: 10, threshold: 0.15, enabled: true },
  rules: [{ kind: 'threshold', metric: 'cpu_usage', above: 90 }],
  alerting: { repeat_interval: 3600, default_for: 30, external_url: 'http://127.0.0.1:9464' },
  notifiers: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }, { type: 'console' }],
  remote_write: [
    {
      url: 'http://127.0.0.1:9/api/v1/write',
      name: 'local',
      headers: { 'X-Scope-OrgID': 'tenant' },
      external_labels: { cluster: 'lab' },
      queue: { capacity: 10_000, max_samples_per_send: 500 },
    },
  ],
  server: { host: '127.0.0.1', port: 0, push_token: 'secret-token-1234' },
  engines: [{ name: 'vllm-0', url: 'http://127.0.0.1:8000/metrics', flavor: 'vllm', labels: { model: 'qwen' } }],
  scrape_targets: [{ name: 'node', url: 'http://127.0.0.1:9100/metrics', labels: { role: 'host' } }],
  storage: { flush_interval: 5, retention: { raw: 172_800 } },
};

const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'polluted'];
const key = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_KEYS) }, { weight: 1, arbitrary: fc.constant('k'.repeat(300)) });
const leaf = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e300, -0, '', 'x'.repeat(10_000), '127.0.0.1', 'http://u:p@127.0.0.1/', '1.5'),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
);
/** JSON-like values whose objects may carry prototype-named own keys, as JSON.parse makes them. */
const { value: jsonish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => k }).map(ownObject),
  ),
}));

function ownObject(pairs: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  // defineProperty, not assignment: `__proto__` becomes an own key, as JSON.parse leaves it.
  for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** Every [path, value] of a JSON tree, the root included. */
function pathsOf(v: unknown, path: string[] = []): string[][] {
  const out = [path];
  if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...path, k]));
  return out;
}

const VALID_PATHS = pathsOf(VALID).filter((p) => p.length > 0);

type Mutation = { op: 'set'; value: unknown } | { op: 'delete' } | { op: 'rename'; key: string } | { op: 'add'; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), value: jsonish }),
  fc.constant({ op: 'delete' as const }),
  fc.record({ op: fc.constant('rename' as const), key }),
  fc.record({ op: fc.constant('add' as const), key, value: jsonish }),
);

function mutate(path: readonly string[], m: Mutation): unknown {
  const root = structuredClone(VALID) as unknown as Record<string, unknown>;
  let parent: Record<string, unknown> = root;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  const define = (o: Record<string, unknown>, k: string, v: unknown): void => {
    if (Array.isArray(o) && k === 'length') return; // not a key JSON can give an array
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  };
  switch (m.op) {
    case 'set':
      define(parent, last, m.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'rename': {
      const v = parent[last];
      delete parent[last];
      define(parent, m.key, v);
      break;
    }
    case 'add': {
      const target = parent[last];
      define(target !== null && typeof target === 'object' ? (target as Record<string, unknown>) : parent, m.key, m.value);
      break;
    }
  }
  return root;
}

/** A config back, or the documented error: each listed field in the message with a bounded value. */
function configOrFieldError(input: unknown): ConfigIssue[] {
  try {
    const c = parseConfig(input);
    assert.ok(Object.isFrozen(c));
    return [];
  } catch (e) {
    if (!(e instanceof EchoPerfError)) throw new Error(`not an EchoPerfError: ${String(e)}`, { cause: e });
    assert.equal(e.code, 'EP_ERR_CONFIG_INVALID');
    const issues = e.details as ConfigIssue[];
    assert.ok(issues.length > 0 && issues.length <= MAX_LISTED_ISSUES, `${issues.length} issues listed`);
    for (const i of issues) {
      assert.equal(typeof i.path, 'string');
      assert.ok(i.path.length <= 800, `a path of ${i.path.length} characters`);
      assert.ok(e.message.includes(`  - ${i.path || '(root)'}: got `), `the message names ${i.path.slice(0, 100)}`);
      assert.ok(typeof i.expected === 'string' && i.expected.length > 0);
    }
    for (const line of e.message.split('\n')) assert.ok(line.length <= 2000, `a line of ${line.length} characters: ${line.slice(0, 200)}`);
    return issues;
  } finally {
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype is untouched');
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  }
}

describe('config: property-based bad input', () => {
  it('the seed config of these properties is valid', () => {
    assert.deepEqual(configOrFieldError(VALID), []);
  });

  it('any JSON value: a config or EP_ERR_CONFIG_INVALID naming the fields', () => {
    fc.assert(
      fc.property(jsonish, (v) => {
        configOrFieldError(v);
      }),
      { ...RUN, numRuns: 400 },
    );
  });

  it('an object of unknown and prototype-named keys: every key refused by name', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, jsonish), { minLength: 1, maxLength: 6, selector: ([k]) => k }), (pairs) => {
        const issues = configOrFieldError(ownObject(pairs));
        assert.ok(issues.length > 0, 'no top-level key here is a config key');
      }),
      { ...RUN, numRuns: 300 },
    );
  });

  it('a valid config with one part replaced, removed, renamed or added to: a config or an error naming the part', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_PATHS), mutation, (path, m) => {
        const issues = configOrFieldError(mutate(path, m));
        if (issues.length === 0) return;
        // The error is about the section that changed, or a field checked against it (a timeout against its interval, a token against the host).
        const top = new Set(issues.map((i) => i.path.split('.')[0]));
        const crossField = issues.some((i) => /^(collector_timeout|reserved_series|server\.push_token|(engines|scrape_targets)\.\d+\.(name|timeout))$/.test(i.path));
        const namesKey = m.op === 'add' && issues.some((i) => i.path.endsWith(truncateText(m.key)));
        assert.ok(top.has(path[0]) || top.has('') || crossField || namesKey || m.op === 'rename', `changed ${path.join('.')}, errors at ${[...top].join(', ')}`);
      }),
      { ...RUN, numRuns: 600 },
    );
  });

  it('many long unknown keys: the error is bounded in size and listing', () => {
    const o: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) o[`${'k'.repeat(2000)}${i}`] = i;
    const issues = configOrFieldError(o);
    assert.equal(issues.length, MAX_LISTED_ISSUES);
    assert.ok(issues.every((i) => i.path.length <= 101));
    try {
      parseConfig(o);
    } catch (e) {
      assert.match((e as Error).message, /\.\.\. and 4950 more issues$/);
      assert.ok((e as Error).message.length < 50_000, `${(e as Error).message.length} characters`);
    }
  });
});
