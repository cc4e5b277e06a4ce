/** @module analyze/finding  What a rule reports: a condition that holds now. */
import type { AlertSeverity } from '../core/severity.js';

export const FINDING_KINDS = ['threshold', 'trend', 'baseline', 'anomaly', 'forecast', 'slo', 'component', 'staleness', 'target', 'engine'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  /** Identity of the condition: the same key on consecutive evaluations is the same incident. */
  readonly key: string;
  readonly kind: FindingKind;
  readonly severity: AlertSeverity;
  readonly component: string;
  /** Metric name in snake_case, as config's alert_thresholds names it. */
  readonly metric: string;
  readonly value: number;
  /** What the value was compared against: a threshold, a baseline's centre, a horizon. */
  readonly threshold: number;
  readonly message: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The subject series' labels (engine, model, gpu, …), without `__name__`; none for host-wide conditions. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The rule that raised it (config `rules[].name`, or a default rule's name). */
  readonly rule?: string;
  /** ms the condition must hold before the alert fires (Prometheus `for`); pending until then. */
  readonly forMs?: number;
  /** ms the alert keeps firing after the condition stopped holding (Prometheus `keep_firing_for`). */
  readonly keepFiringForMs?: number;
}

/** A condition that stopped holding this evaluation, said the way a person would ("CPU usage back to 62 % (≤ 85 %)"). */
export interface Recovery {
  readonly key: string;
  readonly value: number;
  readonly message: string;
}
