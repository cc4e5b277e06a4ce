/**
 * @module monitor/pushIngest
 * A push to a component: checked all or nothing; on its first push the
 * component gets a collector that offers the pushed values while they are fresh.
 */
import { canonicalComponent } from '../core/components.js';
import type { EchoPerfConfig } from '../config/index.js';
import { HeldValues, pushedCollector } from '../collect/components/held.js';
import { parseComponentPayload, type PayloadResult } from '../collect/components/payload.js';
import type { CollectorEntry } from '../collect/runner.js';

export function ingestPush(
  collectors: Map<string, CollectorEntry>,
  c: Readonly<EchoPerfConfig>,
  now: number,
  intervalMs: () => number,
  component: string,
  body: string,
  contentType: string,
): PayloadResult & { component: string } {
  const name = canonicalComponent(component);
  const existing = collectors.get(name);
  const held = existing !== undefined && typeof existing !== 'function' && 'pushed' in existing ? (existing as unknown as { held: HeldValues }).held : undefined;
  if (existing !== undefined && held === undefined) {
    return { ok: false, component: name, errors: [{ field: 'component', value: component, expected: 'a component that is not already collected in-process or pulled' }] };
  }
  const r = parseComponentPayload(name, body, contentType, now, { maxSamples: c.max_samples_per_collector });
  if (!r.ok) return { ...r, component: name };
  if (held === undefined) {
    const pushed = pushedCollector(name, new HeldValues(), () => c.stale_after_intervals * intervalMs());
    pushed.held.update(r.samples);
    collectors.set(name, pushed);
  } else held.update(r.samples);
  return { ...r, component: name };
}
