/**
 * @module analyze/componentThresholds
 * Default thresholds declared by component schemas beyond the seed's snapshot
 * thresholds (e.g. DTESN's `a000081_compliance` below 1 → WARNING).
 */
import { COMPONENT_SCHEMAS } from '../core/components.js';
import type { Sample } from '../core/types.js';
import type { Finding } from './finding.js';
import { fmt } from './thresholds.js';

export function evaluateComponentThresholds(samples: readonly Sample[]): Finding[] {
  const out: Finding[] = [];
  for (const s of samples) {
    const component = s.labels['component'];
    if (component === undefined) continue;
    const m = COMPONENT_SCHEMAS.get(component)?.metrics.find((x) => x.name === s.name);
    const th = m?.threshold;
    if (th === undefined) continue;
    const breached = th.op === 'min' ? s.v < th.value : s.v > th.value;
    if (!breached) continue;
    out.push({
      key: `component:${component}:${s.name}`,
      kind: 'component',
      severity: th.severity,
      component,
      metric: s.name,
      value: s.v,
      threshold: th.value,
      message: `${m!.help}: ${fmt(s.v)} ${th.op === 'min' ? '<' : '>'} ${fmt(th.value)}`,
      metadata: { rule: 'component', op: th.op },
    });
  }
  return out;
}
