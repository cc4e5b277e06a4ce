// The bad-input suite of the push endpoint: generated component names,
// timestamps, DTESN hierarchies and trees, JSON values and text bodies, sent over
// HTTP to a real integrated system. Every answer is 200, 400, 413 or 429 with a
// JSON body (a 400 lists errors with field, value and expected, all short),
// within a per-request deadline that detects a hang (it is not a speed target).
// Afterwards the server still answers and Object.prototype is untouched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { levelTerms } from '../../src/core/a000081.js';
import { ManualClock } from '../../src/core/clock.js';
import { checkComponentName } from '../../src/core/components.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { createIntegratedSystem, type IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';

const T0 = 1_700_000_000_000;
/** A hang detector per request, far above any real answer. */
const DEADLINE_MS = 10_000;
const CONFIGURED = 'qwen';

interface Answer {
  status: number;
  body: { errors?: { field: string; value: unknown; expected: string }[] };
}

let system: IntegratedPerformanceSystem;
let clock: ManualClock;
let url: string;
let prototypeNames: string[];

async function send(component: string, body: string, contentType: string | undefined): Promise<Answer> {
  const r = await fetch(`${url}/api/v1/push/${encodeURIComponent(component)}`, {
    method: 'POST',
    body,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  const text = await r.text();
  assert.ok([200, 400, 413, 429].includes(r.status), `status ${r.status}: ${text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(text.length <= 16_384, `a reply of ${text.length} characters`);
  const parsed = JSON.parse(text) as Answer['body'];
  if (r.status === 400 || r.status === 429) {
    assert.ok(Array.isArray(parsed.errors) && parsed.errors.length > 0, text.slice(0, 300));
    for (const e of parsed.errors) {
      assert.equal(typeof e.field, 'string');
      assert.ok(e.field.length <= 101);
      assert.ok('value' in e, 'value is echoed');
      if (typeof e.value === 'string') assert.ok(e.value.length <= 101);
      assert.equal(typeof e.expected, 'string');
      assert.ok(e.expected.length > 0);
    }
  }
  return { status: r.status, body: parsed };
}

const pushJson = (component: string, value: unknown): Promise<Answer> => send(component, JSON.stringify(value), 'application/json');

function fieldsOf(a: Answer): string[] {
  return (a.body.errors ?? []).map((e) => e.field);
}

// ---- generators ----

const specialNames = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'engines',
  'system',
  'gpu',
  'GPU',
  'echo_dash',
  'echo-dash',
  'monitor',
  'echo_perf',
  'echo_perf_series',
  CONFIGURED,
  'QWEN',
  'dtesn',
  'echo-self',
  'embodied',
  'a'.repeat(64),
  'a'.repeat(65),
  'é',
  'naïve',
  '😀',
  'a b',
  '%',
  '%2F',
  'a/b',
  '\u0000',
  '-x',
  '_x',
);
const componentName = fc
  .oneof(
    { weight: 3, arbitrary: specialNames },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_.-]{0,70}$/) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }) },
  )
  // "." and ".." are path segments a URL resolves away: the request would not reach the route at all.
  .filter((n) => !/^\.{1,2}$/.test(n));

const timestamp = fc.oneof(
  fc.integer({ min: -10, max: 10 }).map((d) => T0 / 1000 + d),
  fc.integer({ min: -10_000, max: 10_000 }).map((d) => T0 + d),
  fc.integer({ min: 1, max: 3650 }).map((days) => T0 / 1000 + days * 86_400),
  fc.integer({ min: 1, max: 3650 }).map((days) => T0 - days * 86_400_000),
  fc.constantFrom<unknown>(T0 * 1000, T0 * 1e6, T0 * 1000 + 1, -1, 0, -T0, 'NaN', 'nan', 'Infinity', null, true, '1700000000', [T0], { t: T0 }),
  fc.double(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);

/** What the push rules take: seconds or ms, not µs/ns, within [now - 3 s, now + 1 s + 5 s] (interval 1 s, stale after 3). */
function timestampAccepted(ts: unknown, now: number): boolean {
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts <= 0 || ts >= 1e14) return false;
  const ms = ts < 1e11 ? ts * 1000 : ts;
  return ms >= now - 3000 && ms <= now + 6000;
}

const count = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constantFrom(2 ** 53, 1e300, -0, 0.5));
const hierarchy = fc.oneof(
  fc.array(count, { maxLength: 60 }),
  fc.integer({ min: 1, max: 39 }).map((n) => levelTerms().slice(0, n)),
  fc.integer({ min: 40, max: 20_000 }).map((n) => new Array<number>(n).fill(1)),
  fc.jsonValue({ maxDepth: 3 }),
);

function hierarchyValid(h: unknown): boolean {
  return Array.isArray(h) && h.length >= 1 && h.length <= 39 && h.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);
}

const { node: treeNode } = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constant<unknown>([]),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.record({ children: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.constantFrom<unknown>(1, 'x', null, { children: 5 }, { children: null }),
  ),
}));

const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain; version=0.0.4',
  'application/openmetrics-text; version=1.0.0',
  'text/html',
  'application/x-www-form-urlencoded',
  undefined,
);
const textBody = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc.constantFrom('m 1\n', 'm{__proto__="x"} 1\n', 'm{constructor="x"} 1\n', '# TYPE m counter\nm_total 1\n', 'm NaN\n', `m 1 ${T0 * 1000}\n`, 'm 1 1\n', '{"m": 1}', '{', '[]', 'null'),
);
const metricObject = fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'timestamp', 'labels', 'membrane_tree', 'membrane_hierarchy')), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 8,
});

// ---- the suite ----

describe('push endpoint under generated hostile input', () => {
  before(async () => {
    prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
    clock = new ManualClock(T0);
    system = createIntegratedSystem(undefined, {
      config: {
        log_level: 'silent',
        server: { port: 0 },
        echo_dash: { enabled: false },
        gpu: { enabled: false },
        system: { enabled: false },
        max_push_components: 16,
        engines: [{ name: CONFIGURED, url: 'http://127.0.0.1:1/metrics' }],
      },
      clock,
      logger: new MemoryLogger(),
      consoleAlerts: false,
    });
    await system.start();
    url = system.address!.url;
  });

  after(async () => {
    await system.stop();
  });

  it('component names: the pattern, reserved and configured names give a 400 naming component; others 200 or 429', async () => {
    await fc.assert(
      fc.asyncProperty(componentName, async (name) => {
        const a = await pushJson(name, { fuzz_gauge: 1 });
        const allowed = checkComponentName(name) === undefined && name.toLowerCase() !== CONFIGURED;
        if (allowed) assert.ok(a.status === 200 || a.status === 429, `${JSON.stringify(name)}: ${a.status} ${JSON.stringify(a.body)}`);
        else {
          assert.equal(a.status, 400, JSON.stringify(name));
          assert.deepEqual(fieldsOf(a), ['component']);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('timestamps: taken exactly when seconds or milliseconds inside the window; otherwise a 400 naming timestamp', async () => {
    await fc.assert(
      fc.asyncProperty(timestamp, async (ts) => {
        const a = await pushJson('embodied', { fuzz_gauge: 1, timestamp: ts });
        if (timestampAccepted(ts, clock.now())) assert.equal(a.status, 200, `${String(ts)}: ${JSON.stringify(a.body)}`);
        else {
          assert.equal(a.status, 400, String(ts));
          assert.deepEqual(fieldsOf(a), ['timestamp']);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('DTESN hierarchies and trees: valid ones are taken, anything else is a 400 naming the field', async () => {
    const hierarchyCase = hierarchy.map((h) => ({ kind: 'hierarchy' as const, h }));
    const treeCase = treeNode.map((t) => ({ kind: 'tree' as const, t }));
    const deepCase = fc.integer({ min: 1, max: 20_000 }).map((depth) => ({ kind: 'deep' as const, depth }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(hierarchyCase, treeCase, deepCase), async (c) => {
        if (c.kind === 'hierarchy') {
          const a = await pushJson('dtesn', { membrane_hierarchy: c.h });
          if (hierarchyValid(c.h)) assert.equal(a.status, 200, JSON.stringify(a.body));
          else {
            assert.equal(a.status, 400);
            assert.ok(fieldsOf(a).includes('membrane_hierarchy'), JSON.stringify(a.body));
          }
        } else if (c.kind === 'tree') {
          const a = await pushJson('dtesn', { membrane_tree: c.t });
          assert.ok(a.status === 200 || fieldsOf(a).includes('membrane_tree'), JSON.stringify(a.body));
        } else {
          const a = await send('dtesn', `{"membrane_tree":${'['.repeat(c.depth)}${']'.repeat(c.depth)}}`, 'application/json');
          if (c.depth <= 39) assert.equal(a.status, 200, JSON.stringify(a.body));
          else {
            assert.equal(a.status, 400);
            assert.deepEqual(fieldsOf(a), ['membrane_tree']);
            assert.match(a.body.errors![0]!.expected, /39 levels/);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('random JSON values, metric objects and text bodies under any content type: always a clear answer', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      metricObject.map((o) => JSON.stringify(o)),
      textBody,
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('perception', 'dtesn', 'echo_self', 'embodied'), body, contentType, async (component, b, type) => {
        await send(component, b, type);
      }),
      { numRuns: 100 },
    );
  });

  it('afterwards the server answers, a tick runs, and Object.prototype is untouched', async () => {
    await clock.advance(1000);
    for (const path of ['/healthz', '/metrics', '/api/v1/status']) {
      const r = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(DEADLINE_MS) });
      assert.equal(r.status, 200, path);
      await r.arrayBuffer();
    }
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeNames);
    assert.equal({}.constructor, Object);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.ok(system.monitor.componentCollectors.size <= 16 + 3, 'pushed components stay capped');
  });
});
