/**
 * @module collect/components/hierarchy
 * DTESN may report its membrane hierarchy instead of (or beside) numbers:
 * `membrane_hierarchy: [1, 1, 2, 4, 9]` (membranes per level) or `membrane_tree`
 * (the tree itself). Both become numbers here: `a000081_compliance`,
 * `membrane_level` (levels) and `membrane_count`. Both are bounded to
 * MAX_HIERARCHY_LEVELS levels (and a tree to MAX_TREE_NODES nodes) before any
 * work that grows with them.
 */
import { a000081Compliance, countsPerLevel, MAX_HIERARCHY_LEVELS, MAX_TREE_NODES } from '../../core/a000081.js';
import { previewValue } from '../../core/preview.js';

export const HIERARCHY_KEYS = ['membrane_hierarchy', 'membrane_tree'] as const;

export interface Expanded {
  /** The result with hierarchy keys replaced by numbers. */
  result: unknown;
  /** Problems with the hierarchy keys, each naming the field, value (a bounded preview) and what was expected. */
  problems: { field: string; value: unknown; expected: string }[];
  /** Levels that did not match A000081, for status and alert metadata. */
  mismatches: { level: number; got: number; expected: string }[];
}

export const HIERARCHY_EXPECTED =
  `a non-empty array of at most ${MAX_HIERARCHY_LEVELS} membrane counts per level, integers 0..${Number.MAX_SAFE_INTEGER} ` +
  `(A000081 beyond level ${MAX_HIERARCHY_LEVELS} is not exact in a double)`;
export const TREE_EXPECTED = `a tree of nodes (arrays of children or {children: [...]}) at most ${MAX_HIERARCHY_LEVELS} levels deep with at most ${MAX_TREE_NODES} nodes`;

export function expandHierarchy(component: string, result: unknown): Expanded {
  const out: Expanded = { result, problems: [], mismatches: [] };
  if (component !== 'dtesn' || result === null || typeof result !== 'object' || Array.isArray(result)) return out;
  const obj = result as Record<string, unknown>;
  if (!HIERARCHY_KEYS.some((k) => Object.hasOwn(obj, k))) return out;
  const rest: Record<string, unknown> = { ...obj };
  let perLevel: number[] | undefined;
  if (Object.hasOwn(obj, 'membrane_hierarchy')) {
    delete rest['membrane_hierarchy'];
    const h = obj['membrane_hierarchy'];
    // Length first: every() over a huge array would be the very work the cap avoids.
    if (!Array.isArray(h) || h.length === 0 || h.length > MAX_HIERARCHY_LEVELS || !h.every(isCount)) {
      out.problems.push({ field: 'membrane_hierarchy', value: previewValue(h), expected: HIERARCHY_EXPECTED });
    } else perLevel = h as number[];
  }
  if (Object.hasOwn(obj, 'membrane_tree')) {
    delete rest['membrane_tree'];
    const t = obj['membrane_tree'];
    try {
      if (t === null || typeof t !== 'object') throw new TypeError(`got ${typeof t}`);
      const counts = countsPerLevel(t);
      perLevel ??= counts;
    } catch (e) {
      out.problems.push({ field: 'membrane_tree', value: previewValue(t), expected: `${TREE_EXPECTED}: ${(e as Error).message}` });
    }
  }
  if (perLevel !== undefined && out.problems.length === 0) {
    const c = a000081Compliance(perLevel);
    rest['a000081_compliance'] = c.compliance;
    // Derived only when the body has none: one it sends (even null) is kept and checked like any metric.
    if (!Object.hasOwn(rest, 'membrane_level')) rest['membrane_level'] = c.levels;
    rest['membrane_count'] = perLevel.reduce((a, b) => a + b, 0);
    out.mismatches = c.mismatches;
  }
  out.result = rest;
  return out;
}

function isCount(x: unknown): boolean {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}
