/**
 * @module analyze/engines/flavor
 * Which inference engine served a `/metrics` page, told by its metric-name
 * prefixes (reference/engines.md §0): `aphrodite:`, `vllm:`, `sglang:`,
 * `llamacpp:` (colon-separated namespaces) and `tgi_` (TGI has no separator).
 */

/** The engines whose metrics echo-perf maps to the unified set. */
export type EngineFlavor = 'aphrodite' | 'vllm' | 'sglang' | 'tgi' | 'llamacpp';

/** Every flavor with the name prefix its metrics carry, in detection order (ties go to the earlier). */
export const FLAVOR_PREFIXES: readonly (readonly [EngineFlavor, string])[] = [
  ['aphrodite', 'aphrodite:'],
  ['vllm', 'vllm:'],
  ['sglang', 'sglang:'],
  ['tgi', 'tgi_'],
  ['llamacpp', 'llamacpp:'],
];

/**
 * The flavor whose prefix most family (or series) names carry; undefined when
 * none does. Counting, rather than taking the first hit, keeps a page that
 * re-exports one foreign metric (a router, a sidecar) on its own flavor.
 * @example detectFlavor(['python_info', 'vllm:num_requests_running']) // 'vllm'
 */
export function detectFlavor(familyNames: Iterable<string>): EngineFlavor | undefined {
  const counts = new Map<EngineFlavor, number>();
  for (const name of familyNames) {
    for (const [flavor, prefix] of FLAVOR_PREFIXES) {
      if (name.startsWith(prefix)) {
        counts.set(flavor, (counts.get(flavor) ?? 0) + 1);
        break;
      }
    }
  }
  let best: EngineFlavor | undefined;
  let bestCount = 0;
  for (const [flavor] of FLAVOR_PREFIXES) {
    const n = counts.get(flavor) ?? 0;
    if (n > bestCount) [best, bestCount] = [flavor, n];
  }
  return best;
}
