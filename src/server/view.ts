/**
 * @module server/view
 * What the server reads, declared here by its consumer (DESIGN.md: the stage
 * that uses an interface declares it); the monitor implements it and wires it in.
 */
import type { MetricFamily } from '../core/exposition/index.js';

/** What the server reads; the monitor implements it. */
export interface MonitorView {
  /** Every series the monitor holds plus its self-metrics, as exposition families. Must be cheap and pure. */
  metricFamilies(): MetricFamily[];
  /** JSON for GET /api/v1/status. */
  status(): unknown;
  /** Liveness/readiness for GET /healthz. */
  health(): { ok: boolean; detail?: Record<string, unknown> };
}
