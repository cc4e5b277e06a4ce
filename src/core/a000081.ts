/**
 * @module core/a000081
 * OEIS A000081: the number of rooted trees with n nodes (1, 1, 2, 4, 9, 20, 48,
 * 115, 286, 719, ...), computed, not tabulated, by the Euler transform
 * recurrence a(n+1) = (1/n) Σ_{k=1..n} (Σ_{d|k} d·a(d)) · a(n−k+1), in BigInt so
 * deep hierarchies stay exact.
 */

const memo: bigint[] = [0n, 1n]; // a(0) = 0, a(1) = 1

/** a(n) for n >= 0. */
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

/** A membrane tree node: an array of children, or an object with `children`. */
export type TreeNode = readonly TreeNode[] | { readonly children?: readonly TreeNode[] };

/** Nodes per depth of a tree (depth 0 = the root). Bounded: at most `maxNodes` nodes are visited. */
export function countsPerLevel(root: TreeNode, maxNodes = 1_000_000): number[] {
  const counts: number[] = [];
  let level: TreeNode[] = [root];
  let visited = 0;
  while (level.length > 0) {
    counts.push(level.length);
    visited += level.length;
    if (visited > maxNodes) throw new RangeError(`membrane tree has more than ${maxNodes} nodes`);
    const next: TreeNode[] = [];
    for (const node of level) {
      const kids: unknown = Array.isArray(node) ? node : ((node as { children?: unknown }).children ?? []);
      if (!Array.isArray(kids)) throw new TypeError('membrane tree: children must be an array');
      for (const k of kids as unknown[]) {
        if (k === null || typeof k !== 'object') throw new TypeError('membrane tree: every node must be an array or an object');
        next.push(k);
      }
    }
    level = next;
  }
  return counts;
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
 * membrane hierarchy out along the rooted-tree enumeration.
 */
export function a000081Compliance(perLevel: readonly number[]): ComplianceResult {
  const mismatches: ComplianceResult['mismatches'] = [];
  perLevel.forEach((got, i) => {
    const expected = a000081(i + 1);
    if (!Number.isInteger(got) || BigInt(got) !== expected) mismatches.push({ level: i, got, expected: expected.toString() });
  });
  const levels = perLevel.length;
  return { compliance: levels === 0 ? 1 : (levels - mismatches.length) / levels, levels, mismatches };
}
