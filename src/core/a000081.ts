/**
 * @module core/a000081
 * OEIS A000081: the number of rooted trees with n nodes (1, 1, 2, 4, 9, 20, 48,
 * 115, 286, 719, ...), computed, not tabulated, by the Euler transform
 * recurrence a(n+1) = (1/n) Σ_{k=1..n} (Σ_{d|k} d·a(d)) · a(n−k+1), in BigInt so
 * the terms stay exact.
 *
 * A membrane hierarchy is compared level by level with these terms. Only the
 * first MAX_HIERARCHY_LEVELS terms are exact in a double: a(40) =
 * 11703780079612453 is odd and above 2^53, so no JSON number can equal it and a
 * deeper level could never be compliant. Deeper input is refused rather than
 * computed: the recurrence is cubic, and 2,000 levels took seconds.
 */

/** Most hierarchy levels compared: a(1..39) are exact doubles, a(40) is not. */
export const MAX_HIERARCHY_LEVELS = 39;

/**
 * Most nodes of a `membrane_tree` (a compliant tree of 12 levels has 7,813).
 * Measured on 2 shared cores: 10,000 nodes traverse in about 0.1-0.2 ms and
 * parse from JSON in about 1.5 ms; 50,000 took 0.7-1.3 ms to traverse.
 */
export const MAX_TREE_NODES = 10_000;

const memo: bigint[] = [0n, 1n]; // a(0) = 0, a(1) = 1

/**
 * a(n) for n >= 0, exact. Each new term costs O(n²) BigInt work; the request
 * path reads the precomputed table of `levelTerms()` instead.
 */
export function a000081(n: number): bigint {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`a000081: n must be an integer >= 0, got ${n}`);
  for (let m = memo.length - 1; m < n; m++) {
    // compute a(m+1) from a(1..m)
    let sum = 0n;
    for (let k = 1; k <= m; k++) {
      let s = 0n;
      for (let d = 1; d <= k; d++) if (k % d === 0) s += BigInt(d) * memo[d]!;
      sum += s * memo[m - k + 1]!;
    }
    memo.push(sum / BigInt(m));
  }
  return memo[n]!;
}

let terms: readonly number[] | undefined;

/** a(1..MAX_HIERARCHY_LEVELS) as exact numbers: index i holds what level i (0-based) should count. Computed once. */
export function levelTerms(): readonly number[] {
  if (terms === undefined) {
    const t: number[] = [];
    for (let n = 1; n <= MAX_HIERARCHY_LEVELS; n++) {
      const v = a000081(n);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`a000081(${n}) = ${v} is not an exact double`);
      t.push(Number(v));
    }
    terms = Object.freeze(t);
  }
  return terms;
}

/** A membrane tree node: an array of children, or an object with `children`. */
export type TreeNode = readonly TreeNode[] | { readonly children?: readonly TreeNode[] };

/**
 * Nodes per depth of a tree (depth 0 = the root), breadth first without
 * recursion. Throws RangeError past `maxLevels` levels or `maxNodes` nodes
 * (checked before a level is queued, so work stays bounded whatever the input)
 * and TypeError on a node that is neither an array nor an object.
 */
export function countsPerLevel(root: TreeNode | object, maxNodes = MAX_TREE_NODES, maxLevels = MAX_HIERARCHY_LEVELS): number[] {
  const counts: number[] = [];
  let level: unknown[] = [root];
  let visited = 1;
  while (level.length > 0) {
    if (counts.length === maxLevels) throw new RangeError(`membrane tree is deeper than ${maxLevels} levels`);
    counts.push(level.length);
    const next: unknown[] = [];
    for (const node of level) {
      const kids = childrenOf(node);
      visited += kids.length;
      if (visited > maxNodes) throw new RangeError(`membrane tree has more than ${maxNodes} nodes`);
      for (const k of kids) {
        if (k === null || typeof k !== 'object') throw new TypeError('membrane tree: every node must be an array or an object');
        next.push(k);
      }
    }
    level = next;
  }
  return counts;
}

function childrenOf(node: unknown): readonly unknown[] {
  if (Array.isArray(node)) return node as unknown[];
  // Own property only: an inherited `children` is not part of the input.
  const kids: unknown = Object.hasOwn(node as object, 'children') ? (node as { children: unknown }).children : [];
  if (!Array.isArray(kids)) throw new TypeError('membrane tree: children must be an array');
  return kids as unknown[];
}

export interface ComplianceResult {
  /** Fraction of levels whose count equals A000081(level + 1). */
  compliance: number;
  levels: number;
  /** Levels (0-based) that do not match, with what was expected. */
  mismatches: { level: number; got: number; expected: string }[];
}

/**
 * Compares membranes per hierarchy level with A000081: level i (0-based) should
 * hold a(i+1) membranes (1, 1, 2, 4, 9, ...), as the DTESN design lays its
 * membrane hierarchy out along the rooted-tree enumeration. At most
 * MAX_HIERARCHY_LEVELS levels (RangeError beyond): callers bound the input first.
 */
export function a000081Compliance(perLevel: readonly number[]): ComplianceResult {
  if (perLevel.length > MAX_HIERARCHY_LEVELS) {
    throw new RangeError(`a000081Compliance: ${perLevel.length} levels; at most ${MAX_HIERARCHY_LEVELS} can be compared exactly`);
  }
  const expected = levelTerms();
  const mismatches: ComplianceResult['mismatches'] = [];
  for (let i = 0; i < perLevel.length; i++) {
    const got = perLevel[i]!;
    if (got !== expected[i]) mismatches.push({ level: i, got, expected: String(expected[i]) });
  }
  const levels = perLevel.length;
  return { compliance: levels === 0 ? 1 : (levels - mismatches.length) / levels, levels, mismatches };
}
