/** @module alert/alert  The alert record: the seed's PerformanceAlert, one per incident. */
import type { AlertSeverity } from '../core/severity.js';
import type { FindingKind } from '../analyze/finding.js';

export type AlertStatus = 'firing' | 'resolved';

/** The seed's PerformanceAlert, camelCased, with an incident lifecycle. */
export interface PerformanceAlert {
  /** Unique per incident. */
  readonly id: string;
  /** Identity of the condition; a new incident of the same condition has the same fingerprint. */
  readonly fingerprint: string;
  readonly kind: FindingKind;
  readonly severity: AlertSeverity;
  readonly component: string;
  /** snake_case metric name, as config's alert_thresholds names it. */
  readonly metric: string;
  /** The value at the latest evaluation (the worst is in metadata.worstValue). */
  readonly currentValue: number;
  readonly threshold: number;
  readonly message: string;
  /** When the incident started (ms since epoch), the seed's `timestamp`. */
  readonly timestamp: number;
  readonly status: AlertStatus;
  /** When it resolved (ms), undefined while firing. */
  readonly endsAt: number | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The subject series' labels (engine, model, gpu, …); none for host-wide conditions. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The rule that raised it. */
  readonly rule?: string;
}
