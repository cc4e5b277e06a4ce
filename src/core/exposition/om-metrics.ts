/**
 * @module core/exposition/om-metrics
 * The identity of an OpenMetrics Metric (a family's label set, less the
 * label a type adds per point: `le`, `quantile`, the stateset's own): whether a
 * sample continues the previous Metric, and whether a Metric was met before
 * (OpenMetrics 1.0: "Metrics MUST NOT be interleaved"; a MetricPoint appears
 * once). Hashes first; exact keys only for a family where two hashes collide.
 */

/** What a family remembers of its Metrics. */
export interface MetricMemory {
  /** By hash: index into seenLabels/seenSpecials, until the first collision. */
  seen: Map<number, number> | undefined;
  readonly seenLabels: Array<Record<string, string>>;
  readonly seenSpecials: Array<string | undefined>;
  /** After a collision: exact keys. */
  seenKeys: Set<string> | undefined;
}

/**
 * Whether a sample belongs to the previous sample's Metric: equal labels once each
 * leaves out its own special label. Returns the sample's label count (besides
 * its special one) when it does, -1 when it does not.
 */
export function sameMetric(
  prev: Record<string, string>,
  prevSpecial: string | undefined,
  prevCount: number,
  cur: Record<string, string>,
  curSpecial: string | undefined,
): number {
  let n = 0;
  for (const k in cur) {
    if (k === curSpecial) continue;
    if (k === prevSpecial || !Object.hasOwn(prev, k) || prev[k] !== cur[k]) return -1;
    n++;
  }
  return n === prevCount ? n : -1;
}

/** Records a Metric of `f`; true when it was met before. */
export function remember(f: MetricMemory, labels: Record<string, string>, special: string | undefined): boolean {
  const keys = f.seenKeys;
  if (keys !== undefined) {
    const key = metricKey(labels, special);
    const met = keys.has(key);
    keys.add(key);
    return met;
  }
  const seen = f.seen!;
  const h = metricHash(labels, special);
  const i = seen.get(h);
  if (i === undefined) {
    seen.set(h, f.seenLabels.length);
    f.seenLabels.push(labels);
    f.seenSpecials.push(special);
    return false;
  }
  const other = f.seenLabels[i]!;
  const otherSpecial = f.seenSpecials[i];
  if (sameMetric(other, otherSpecial, countLabels(other, otherSpecial), labels, special) >= 0) return true;
  // A collision: from now on this family keys its Metrics exactly.
  const exact = (f.seenKeys = new Set());
  f.seenLabels.forEach((l, k) => exact.add(metricKey(l, f.seenSpecials[k])));
  f.seenLabels.length = 0;
  f.seenSpecials.length = 0;
  exact.add(metricKey(labels, special));
  return false;
}

/** An order-independent 32-bit hash of a label set (FNV-1a per label, summed). */
function metricHash(labels: Record<string, string>, special: string | undefined): number {
  let h = 0;
  for (const k in labels) {
    if (k === special) continue;
    const v = labels[k]!;
    let x = 0x811c9dc5;
    for (let i = 0; i < k.length; i++) x = Math.imul(x ^ k.charCodeAt(i), 0x01000193);
    x = Math.imul(x ^ 0x3d, 0x01000193);
    for (let i = 0; i < v.length; i++) x = Math.imul(x ^ v.charCodeAt(i), 0x01000193);
    h = (h + x) | 0;
  }
  return h;
}

function countLabels(labels: Record<string, string>, special: string | undefined): number {
  let n = 0;
  for (const k in labels) if (k !== special) n++;
  return n;
}

/** A Metric's identity: its sorted labels, lengths prefixed so no value can forge another key. */
export function metricKey(labels: Readonly<Record<string, string>>, special: string | undefined): string {
  const keys = Object.keys(labels).sort();
  let key = '';
  for (const k of keys) {
    if (k === special) continue;
    const v = labels[k]!;
    key += `${k}=${v.length}:${v},`;
  }
  return key;
}
