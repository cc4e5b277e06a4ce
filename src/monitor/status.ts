/**
 * @module monitor/status  Collector and component states as the API reports them.
 * Keyed by names that can come from requests (pushed components): the maps have
 * no prototype, so a name like `__proto__` is a plain key.
 */
import type { EchoPerfConfig } from '../config/index.js';
import type { CollectorEntry, CollectorStatus } from '../collect/runner.js';
import type { TargetStatus } from '../collect/scrape/index.js';
import type { Freshness } from '../analyze/staleness.js';
import type { CollectorSummary, ComponentState } from './types.js';

export function collectorSummaries(
  collectors: ReadonlyMap<string, CollectorEntry>,
  statuses: ReadonlyMap<string, Readonly<CollectorStatus>>,
): Record<string, CollectorSummary> {
  const out = Object.create(null) as Record<string, CollectorSummary>;
  for (const [name, entry] of collectors) {
    const s = statuses.get(name);
    const withStatus = entry as { status?: unknown };
    const own = typeof entry !== 'function' && typeof withStatus.status === 'function' ? (withStatus.status as () => unknown)() : undefined;
    out[name] = {
      ...(own !== undefined ? { detail: own } : {}),
      status: s?.status ?? 'pending',
      lastError: s?.lastError,
      lastDurationMs: s?.lastDurationMs,
      lastRunAt: s?.lastRunAt,
      lastSuccessAt: s?.lastSuccessAt,
      samples: s?.lastSamples ?? 0,
      errorsTotal: s?.errorsTotal ?? 0,
      timeoutsTotal: s?.timeoutsTotal ?? 0,
    };
  }
  return out;
}

export function componentStates(
  c: Readonly<EchoPerfConfig>,
  collectors: ReadonlyMap<string, CollectorEntry>,
  statuses: ReadonlyMap<string, Readonly<CollectorStatus>>,
  freshness: ReadonlyMap<string, Freshness>,
  targets: Record<string, TargetStatus>,
): Record<string, ComponentState> {
  const out = Object.create(null) as Record<string, ComponentState>;
  for (const name of collectors.keys()) {
    const s = statuses.get(name)?.status ?? 'pending';
    out[name] = s === 'error' || s === 'timeout' ? 'down' : freshness.get(name) === 'stale' ? 'stale' : s === 'ok' ? 'active' : 'pending';
  }
  for (const [name, t] of Object.entries(targets)) out[name] = t.health === 'up' ? 'active' : t.health === 'down' ? 'down' : 'pending';
  for (const p of c.components) if (!p.enabled) out[p.name] = 'disabled';
  return out;
}
