// Property-based bad input for replay files: arbitrary bytes, huge lines and
// mutated real NAB captures (test/fixtures/nab) written to real files and read
// through readCsv and readJsonl to the end. Each gives rows (finite values,
// times a Date can hold) or an EP_ERR_REPLAY_INPUT naming file:line, the field
// and a short echo of the value; nothing else is thrown and Object.prototype is
// untouched. Seeded (FC_SEED overrides); a failure prints the seed and path
// that replay it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
import { LABEL_NAME_RE } from '../../core/labels.js';
import { MAX_LINE_BYTES, readCsv, readJsonl, type Row } from './read.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16e1);
const RUN = { seed: SEED, interruptAfterTimeLimit: 4000, markInterruptAsFailure: false, numRuns: 150 } as const;
/** ECMAScript's time value range (ECMA-262 §21.4.1.1): ±8.64e15 ms. */
const MAX_TIME = 8.64e15;

const dir = mkdtempSync(join(tmpdir(), 'replay-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const nab = (p: string): string => readFileSync(new URL(`../../../test/fixtures/nab/${p}`, import.meta.url), 'utf8');
/** The first 60 lines of each capture: enough rows to mutate, small enough to read hundreds of times. */
const CSV_SEEDS = ['artificialWithAnomaly/art_daily_jumpsup.csv', 'realKnownCause/rogue_agent_key_hold.csv', 'realKnownCause/ec2_request_latency_system_failure.csv'].map((p) =>
  nab(p).split('\n').slice(0, 60).join('\n'),
);
/** The same rows as JSONL samples, with labels. */
const JSONL_SEEDS = CSV_SEEDS.map((csv) =>
  csv
    .split('\n')
    .slice(1, 30)
    .map((l) => l.split(','))
    .map(([t, v], i) => JSON.stringify({ name: 'nab_value', labels: { host: `h${i % 3}` }, ...(i % 2 === 0 ? { t, v: Number(v) } : { timestamp: t, value: Number(v) }) }))
    .join('\n'),
);

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(',', ',,,', '"', '\r', '\n', '\uFEFF', '\u0000', 'NaN', 'Infinity', '-1', '1e308', '9'.repeat(400), '-' + '9'.repeat(17), '2015-13-45 99:99:99', '0000-01-01'),
  fc.constantFrom('{"name":"a","t":1e300,"v":1}', '{"name":"a","t":"' + '9'.repeat(300) + '","v":1}', '{"name":"a","t":-1e17,"v":1}', '{"name":"__proto__","t":1,"v":1}'),
  fc.constantFrom('{"name":"a","t":1,"v":1,"labels":{"__proto__":"x","constructor":"y"}}', `{"name":"a","t":1,"v":1,"labels":{"${'k'.repeat(20_000)}":1}}`, '{"name":"a","t":1,"v":1,"labels":{"a b":"x"}}', '{"name":"a","t":1,"v":1,"labels":{"":"x"}}'),
  fc.constantFrom('[' .repeat(30_000), '{"a":'.repeat(10_000), 'x'.repeat(MAX_LINE_BYTES + 10)),
);

type Mutation = { kind: 'cut'; at: number } | { kind: 'insert'; at: number; v: string } | { kind: 'dupLine'; at: number; times: number } | { kind: 'swapCols'; at: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), v: garbage }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), v: garbage.map((g) => `\n${g}\n`) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('swapCols' as const), at: fc.nat() }),
);

function mutate(text: string, muts: readonly Mutation[]): string {
  let s = text;
  for (const m of muts) {
    const at = m.at % (s.length + 1);
    if (m.kind === 'cut') s = s.slice(0, at);
    else if (m.kind === 'insert') s = s.slice(0, at) + m.v + s.slice(at);
    else {
      const lines = s.split('\n');
      const i = m.at % Math.max(1, lines.length);
      if (m.kind === 'dupLine') lines.splice(i, 0, ...Array.from({ length: m.times }, () => lines[i] ?? ''));
      else lines[i] = (lines[i] ?? '').split(',').reverse().join(',');
      s = lines.join('\n');
    }
  }
  return s;
}

const file = (seeds: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([s, m]) => mutate(s, m)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.array(garbage, { maxLength: 6 }).map((g) => g.join('\n')) },
  );

let n = 0;
async function readAll(text: string, ext: 'csv' | 'jsonl'): Promise<{ path: string; rows: Row[] } | { path: string; error: unknown }> {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, text);
  const rows: Row[] = [];
  try {
    for await (const r of ext === 'csv' ? readCsv(path, 'nab_value') : readJsonl(path)) if (rows.push(r) > 100_000) break;
    return { path, rows };
  } catch (e) {
    return { path, error: e };
  } finally {
    rmSync(path, { force: true });
  }
}

function assertOutcome(o: Awaited<ReturnType<typeof readAll>>): void {
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  if ('error' in o) {
    const e = o.error;
    assert.ok(e instanceof EchoPerfError, `an EchoPerfError: ${String(e).slice(0, 300)}`);
    assert.equal(e.code, 'EP_ERR_REPLAY_INPUT');
    assert.ok(e.message.startsWith(`${o.path}`), e.message.slice(0, 200));
    assert.ok(e.message.length <= o.path.length + 400, `message of ${e.message.length} characters`);
    assert.match(e.message, /expected/);
    return;
  }
  for (const r of o.rows) {
    assert.ok(Number.isFinite(r.v), `v = ${r.v}`);
    assert.ok(Number.isFinite(r.t) && Math.abs(r.t) <= MAX_TIME, `t = ${r.t} (${r.rawT.slice(0, 50)})`);
    assert.doesNotThrow(() => new Date(r.t).toISOString());
    for (const k of Object.keys(r.labels)) assert.match(k, LABEL_NAME_RE);
  }
}

describe('replay input files: property-based bad input', () => {
  it('an epoch beyond what a Date holds is refused naming the timestamp, in CSV and JSONL', async () => {
    for (const t of ['-99999999999999999', '9'.repeat(300)]) {
      const o = await readAll(`timestamp,value\n${t},1\n`, 'csv');
      assert.ok('error' in o && o.error instanceof EchoPerfError && o.error.message.includes(':2: timestamp "'), String('error' in o && o.error));
    }
    const j = await readAll('{"name":"a","t":1e300,"v":1}\n', 'jsonl');
    assert.ok('error' in j && j.error instanceof EchoPerfError && j.error.message.includes(':1: t "1e+300"'), String('error' in j && j.error));
  });

  it('a bad label name is refused with a bounded echo of it', async () => {
    for (const k of ['k'.repeat(20_000), 'a b', '']) {
      const o = await readAll(`{"name":"a","t":1,"v":1,"labels":{"${k}":"x"}}\n`, 'jsonl');
      assertOutcome(o);
      assert.ok('error' in o && o.error instanceof EchoPerfError && /label name ".*"; expected a label name/.test(o.error.message), String('error' in o && o.error).slice(0, 300));
    }
  });

  it('CSV (NAB captures, mutated): rows or EP_ERR_REPLAY_INPUT naming file:line', async () => {
    await fc.assert(
      fc.asyncProperty(file(CSV_SEEDS), async (text) => assertOutcome(await readAll(text, 'csv'))),
      RUN,
    );
  });

  it('JSONL (the same rows, mutated): rows or EP_ERR_REPLAY_INPUT naming file:line', async () => {
    await fc.assert(
      fc.asyncProperty(file(JSONL_SEEDS), async (text) => assertOutcome(await readAll(text, 'jsonl'))),
      RUN,
    );
  });
});
