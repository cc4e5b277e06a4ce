/**
 * @module notify/local
 * The console and echo.dash outputs as notifiers: on unless `notifiers` lists
 * them with `enabled: false`, each with its route (`min_severity`, `match`,
 * `match_re`). They hear every event as it happens — no grouping, no outbox:
 * a terminal and a local directory need neither.
 */
import type { NotifierConfig } from '../config/notifiers.js';
import type { PerformanceAlert } from '../alert/alert.js';
import { alertLabels } from '../alert/labelSet.js';
import type { AlertHandler } from './dispatch.js';
import { compileRoute } from './route.js';

/** The handler wrapped in the route of the `type` output; undefined when that output is off. */
export function routedLocal(configs: readonly NotifierConfig[], type: 'console' | 'echo_dash', handler: AlertHandler): AlertHandler | undefined {
  const listed = configs.filter((c) => c.type === type);
  if (listed.length === 0) return handler;
  const on = listed.filter((c) => c.enabled);
  if (on.length === 0) return undefined;
  const routes = on.map((c, i) => compileRoute(c, `notifiers.${c.name ?? type}${on.length > 1 ? `[${i}]` : ''}`));
  // Several entries of one output: an event goes out once if any route takes it.
  return (a: PerformanceAlert) => {
    const labels = alertLabels(a);
    if (routes.some((r) => r(a.severity, labels))) return handler(a);
  };
}
