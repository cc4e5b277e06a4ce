/** @module core/severity  Alert severities, the seed's three levels. */

export const AlertSeverity = {
  /** Informational: something changed that an operator may want to know. */
  INFO: 'info',
  /** Degraded: a threshold or trend says performance is worse than configured. */
  WARNING: 'warning',
  /** Failing: a floor the system must not go under (the seed's min-thresholds). */
  CRITICAL: 'critical',
} as const;

export type AlertSeverity = (typeof AlertSeverity)[keyof typeof AlertSeverity];

const rank: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** Orders severities: negative when `a` is less severe than `b`. */
export function compareSeverity(a: AlertSeverity, b: AlertSeverity): number {
  return rank[a] - rank[b];
}
