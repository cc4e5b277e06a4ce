/**
 * @module notify/route
 * Which alerts a notifier hears: at least `min_severity`, and labels matching
 * `match` (exact) and `match_re` (anchored regex, as Alertmanager's matchers).
 * A missing label is the empty string, as Alertmanager compares it.
 */
import { compareSeverity, type AlertSeverity } from '../core/severity.js';
import { compileRegex } from '../alert/matchers.js';

export interface RouteConfig {
  readonly min_severity: 'info' | 'warning' | 'critical';
  readonly match?: Readonly<Record<string, string>> | undefined;
  readonly match_re?: Readonly<Record<string, string>> | undefined;
}

export type Route = (severity: AlertSeverity, labels: Readonly<Record<string, string>>) => boolean;

/** Throws EchoPerfError naming `field` for a regex that could run away. */
export function compileRoute(c: RouteConfig, field = 'notifier'): Route {
  const min: AlertSeverity = c.min_severity;
  const exact = Object.entries(c.match ?? {});
  // Label values come from scraped pages: a regex must run in bounded time on any of them (alert/matchers.ts).
  const re = Object.entries(c.match_re ?? {}).map(([k, s]) => [k, compileRegex(s, `${field}.match_re.${k}`)] as const);
  return (severity, labels) => {
    if (compareSeverity(severity, min) < 0) return false;
    for (const [k, v] of exact) if ((Object.hasOwn(labels, k) ? labels[k] : '') !== v) return false;
    for (const [k, r] of re) if (!r.test(Object.hasOwn(labels, k) ? labels[k]! : '')) return false;
    return true;
  };
}
