/** @module analyze/finding  What a rule reports: a condition that holds now. */
import type { AlertSeverity } from '../core/severity.js';

export type FindingKind = 'threshold' | 'trend' | 'component' | 'staleness' | 'target' | 'engine';

export interface Finding {
  /** Identity of the condition: the same key on consecutive evaluations is the same incident. */
  readonly key: string;
  readonly kind: FindingKind;
  readonly severity: AlertSeverity;
  readonly component: string;
  /** Metric name in snake_case, as config's alert_thresholds names it. */
  readonly metric: string;
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}
