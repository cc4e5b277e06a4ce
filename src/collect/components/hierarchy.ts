/**
 * @module collect/components/hierarchy
 * DTESN may report its membrane hierarchy instead of (or beside) numbers:
 * `membrane_hierarchy: [1, 1, 2, 4, 9]` (membranes per level) or `membrane_tree`
 * (the tree itself). Both become numbers here: `a000081_compliance`,
 * `membrane_level` (levels) and `membrane_count`.
 */
import { a000081Compliance, countsPerLevel } from '../../core/a000081.js';

export const HIERARCHY_KEYS = ['membrane_hierarchy', 'membrane_tree'] as const;

export interface Expanded {
  /** The result with hierarchy keys replaced by numbers. */
  result: unknown;
  /** Problems with the hierarchy keys, each naming the field, value and what was expected. */
  problems: { field: string; value: unknown; expected: string }[];
  /** Levels that did not match A000081, for status and alert metadata. */
  mismatches: { level: number; got: number; expected: string }[];
}

export function expandHierarchy(component: string, result: unknown): Expanded {
  const out: Expanded = { result, problems: [], mismatches: [] };
  if (component !== 'dtesn' || result === null || typeof result !== 'object' || Array.isArray(result)) return out;
  const obj = result as Record<string, unknown>;
  if (!HIERARCHY_KEYS.some((k) => k in obj)) return out;
  const rest: Record<string, unknown> = { ...obj };
  let perLevel: number[] | undefined;
  if ('membrane_hierarchy' in obj) {
    delete rest['membrane_hierarchy'];
    const h = obj['membrane_hierarchy'];
    if (!Array.isArray(h) || h.length === 0 || h.length > 10_000 || !h.every((x) => Number.isInteger(x) && (x as number) >= 0)) {
      out.problems.push({ field: 'membrane_hierarchy', value: h, expected: 'a non-empty array of membrane counts per level (integers >= 0)' });
    } else perLevel = h as number[];
  }
  if ('membrane_tree' in obj) {
    delete rest['membrane_tree'];
    try {
      const t = obj['membrane_tree'];
      if (t === null || typeof t !== 'object') throw new TypeError(`got ${typeof t}`);
      perLevel ??= countsPerLevel(t);
    } catch (e) {
      out.problems.push({ field: 'membrane_tree', value: obj['membrane_tree'], expected: `a tree of nodes (arrays of children or {children: [...]}): ${(e as Error).message}` });
    }
  }
  if (perLevel !== undefined) {
    const c = a000081Compliance(perLevel);
    rest['a000081_compliance'] = c.compliance;
    rest['membrane_level'] ??= c.levels;
    rest['membrane_count'] = perLevel.reduce((a, b) => a + b, 0);
    out.mismatches = c.mismatches;
  }
  out.result = rest;
  return out;
}
