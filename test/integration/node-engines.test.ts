/**
 * The dependency tree in package-lock.json stays installable on the Node
 * versions package.json's `engines` names, so `npm install` / `npm ci` on
 * Node 20 print no EBADENGINE warning. Ranges are read with npm's semver
 * rules (node-semver README: `||`, comparators, `^`, `~`, x-ranges).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

type Version = [number, number, number];
interface LockPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, LockPackage> };

/** Parses `1`, `1.2`, `1.x`, `1.2.*`, `*`, `v1.2.3` into its known parts (wildcards end it). */
function partial(text: string, range: string): number[] {
  const parts: number[] = [];
  for (const p of text.replace(/^v/, '').split('.')) {
    if (p === 'x' || p === 'X' || p === '*') break;
    if (!/^\d+$/.test(p)) throw new Error(`engines range ${JSON.stringify(range)}: cannot read version ${JSON.stringify(text)}`);
    parts.push(Number(p));
  }
  return parts;
}

const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const fill = (p: number[]): Version => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
/** The first version past a partial one (`1.2` → 1.3.0, `1` → 2.0.0). */
function next(p: number[]): Version {
  const v = fill(p);
  if (p.length === 0) return [Infinity, 0, 0];
  v[p.length - 1]! += 1;
  return fill(v.slice(0, p.length));
}

function comparatorHolds(op: string, text: string, v: Version, range: string): boolean {
  const p = partial(text, range);
  switch (op) {
    case '':
    case '=':
      return cmp(v, fill(p)) >= 0 && (p.length === 3 ? cmp(v, fill(p)) === 0 : cmp(v, next(p)) < 0);
    case '>=':
      return cmp(v, fill(p)) >= 0;
    case '>':
      return p.length === 3 ? cmp(v, fill(p)) > 0 : cmp(v, next(p)) >= 0;
    case '<':
      return cmp(v, fill(p)) < 0;
    case '<=':
      return p.length === 3 ? cmp(v, fill(p)) <= 0 : cmp(v, next(p)) < 0;
    case '^': {
      const first = p.findIndex((n) => n !== 0);
      const upTo = first === -1 ? Math.max(p.length, 1) : first + 1;
      return cmp(v, fill(p)) >= 0 && cmp(v, next(p.slice(0, upTo))) < 0;
    }
    case '~':
      return cmp(v, fill(p)) >= 0 && cmp(v, next(p.slice(0, p.length >= 2 ? 2 : 1))) < 0;
    default:
      throw new Error(`engines range ${JSON.stringify(range)}: unknown operator ${op}`);
  }
}

/** Whether Node `version` satisfies the engines range `range`. */
function satisfies(version: string, range: string): boolean {
  const v = fill(partial(version, version));
  return range.split('||').some((alt) => {
    const set = alt.trim();
    if (set === '' || set === '*' || set === 'x') return true;
    const comparators = [...set.matchAll(/(>=|<=|>|<|=|\^|~)?\s*(v?[\dxX*]+(?:\.[\dxX*]+){0,2})/g)];
    if (comparators.map((m) => m[0]).join(' ').replace(/\s+/g, '') !== set.replace(/\s+/g, '')) {
      throw new Error(`engines range ${JSON.stringify(range)}: cannot read ${JSON.stringify(set)}`);
    }
    return comparators.every((m) => comparatorHolds(m[1] ?? '', m[2]!, v, range));
  });
}

test('the range reader agrees with npm semver on the shapes found in lockfiles', () => {
  const cases: [string, string, boolean][] = [
    ['20.0.0', '>=20', true],
    ['20.20.2', '>=22', false],
    ['20.19.0', '^18.18.0 || ^20.9.0 || >=21.1.0', true],
    ['20.8.0', '^18.18.0 || ^20.9.0 || >=21.1.0', false],
    ['20.0.0', '18 || 20 || >=22', true],
    ['21.0.0', '18 || 20 || >=22', false],
    ['20.18.0', '^20.19.0 || ^22.13.0 || >=24', false],
    ['20.0.0', '10.* || >= 12.*', true],
    ['20.0.0', '>= 10.x', true],
    ['20.0.0', '*', true],
    ['8.9.4', '>=9.4.0 || ^8.9.4', true],
    ['0.3.0', '^0.2.1', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['20.0.0', '<20', false],
  ];
  for (const [v, r, want] of cases) assert.equal(satisfies(v, r), want, `${v} in ${r}`);
  assert.throws(() => satisfies('20.0.0', '>=twenty'), /engines range ">=twenty": cannot read/);
});

test('every package in package-lock.json accepts the Node versions package.json supports', () => {
  const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node)?.[1];
  assert.ok(floor, `package.json engines.node is ${JSON.stringify(pkg.engines.node)}; this test reads only ">=N"`);
  // Production packages: the oldest Node that engines allows. The dev toolchain
  // (eslint and its parser) needs 20.19, the oldest Node 20 with require(esm),
  // which the README names as the minimum for development and CommonJS users.
  const bad: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
    if (path === '' || range === undefined) continue;
    const node = p.dev === true ? '20.19.0' : floor;
    if (!satisfies(node, range)) bad.push(`${path}@${p.version ?? '?'} wants node ${range}; Node ${node} is supported`);
  }
  assert.deepEqual(bad, []);
});
