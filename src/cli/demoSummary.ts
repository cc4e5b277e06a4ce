/**
 * @module cli/demoSummary
 * The alert events `echo-perf demo` saw, attributed to the phase running when
 * the handler heard of them, and the summary printed at the end.
 */
import type { PerformanceAlert } from '../alert/alert.js';
import { clock } from './demoView.js';

export interface DemoEvent {
  /** Index of the phase running when the event arrived. */
  readonly phase: number;
  /** ms since the demo started. */
  readonly atMs: number;
  readonly alert: PerformanceAlert;
}

export interface PhaseRun {
  readonly name: string;
  /** Seconds it actually ran (less when interrupted). */
  readonly ranS: number;
}

const SEVERITIES = ['critical', 'warning', 'info'] as const;
const label = (a: PerformanceAlert): string => `${a.component}/${a.metric}`;

/** The summary, one line per string: per phase, totals by severity, what resolved, what still fires. */
export function formatSummary(runs: readonly PhaseRun[], events: readonly DemoEvent[], stillFiring: readonly PerformanceAlert[], interrupted: boolean): string[] {
  const fired = events.filter((e) => e.alert.status === 'firing');
  const resolved = events.filter((e) => e.alert.status === 'resolved');
  const lines: string[] = [];
  const total = runs.reduce((s, r) => s + r.ranS, 0);
  lines.push(`━━ summary: ${runs.length} phase(s) in ${clock(total * 1000)}${interrupted ? ' (interrupted)' : ''} ━━`);
  lines.push(`${'phase'.padEnd(27)}${'time'.padStart(5)}${'fired'.padStart(7)}${'resolved'.padStart(10)}   alerts fired`);
  runs.forEach((r, i) => {
    const f = fired.filter((e) => e.phase === i);
    const n = resolved.filter((e) => e.phase === i).length;
    const which = f.map((e) => `${e.alert.severity.toUpperCase()} ${label(e.alert)}`).join(', ');
    lines.push(`${`${i + 1} ${r.name}`.padEnd(27)}${`${Math.round(r.ranS)}s`.padStart(5)}${String(f.length).padStart(7)}${String(n).padStart(10)}   ${which || '–'}`);
  });
  const bySeverity = SEVERITIES.map((s) => `${fired.filter((e) => e.alert.severity === s).length} ${s.toUpperCase()}`).join(' · ');
  lines.push(`fired: ${bySeverity} (${fired.length} incidents); resolved: ${resolved.length}; still firing: ${stillFiring.length}`);
  const first = fired[0];
  if (first !== undefined) lines.push(`first alert after ${(first.atMs / 1000).toFixed(1)} s: ${first.alert.message}`);
  if (resolved.length > 0) {
    const after = (a: PerformanceAlert): string => (a.endsAt === undefined ? '' : ` after ${Math.round((a.endsAt - a.timestamp) / 1000)} s`);
    lines.push(`resolved: ${resolved.map((e) => `${label(e.alert)}${after(e.alert)}`).join(', ')}`);
  }
  if (stillFiring.length > 0) lines.push(`still firing: ${stillFiring.map((a) => `${a.severity.toUpperCase()} ${label(a)}`).join(', ')}`);
  return lines;
}
