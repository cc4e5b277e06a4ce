/**
 * @module collect/system/samples
 * How readers hand figures to the collector: `emit(name, value, labels)`.
 * The collector stamps the time and drops values that are not finite, so a
 * figure that cannot be computed is left out rather than reported as 0.
 */
import type { Labels } from '../../core/types.js';

export type Emit = (name: string, value: number, labels?: Labels) => void;

export const NO_LABELS: Labels = Object.freeze({});

/**
 * A cache of one-label sets, so a per-device series reuses the same frozen
 * object every second instead of allocating a new one.
 * @example const byDevice = labelCache('device'); byDevice('sda') === byDevice('sda')
 */
export function labelCache(name: string): (value: string) => Labels {
  const cache = new Map<string, Labels>();
  return (value) => {
    let l = cache.get(value);
    if (l === undefined) {
      l = Object.freeze({ [name]: value });
      // Devices come and go (containers create veths); keep the cache bounded.
      if (cache.size >= 4096) cache.clear();
      cache.set(value, l);
    }
    return l;
  };
}
