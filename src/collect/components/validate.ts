/**
 * @module collect/components/validate
 * Checks samples of declared components (DTESN, Echo-Self, Embodied AI)
 * against their schema's valid ranges; unknown metrics pass as custom metrics.
 */
import { rangeProblem } from '../../core/components.js';
import type { Sample } from '../../core/types.js';

export function checkRanges(samples: Sample[]): { kept: Sample[]; problems: string[] } {
  const kept: Sample[] = [];
  const problems: string[] = [];
  for (const s of samples) {
    const why = rangeProblem(s.labels['component'] ?? '', s.name, s.v);
    if (why === undefined) kept.push(s);
    else problems.push(why);
  }
  return { kept, problems };
}
