/** @module notify/console  The seed's default handler: one line per alert event. */
import type { PerformanceAlert } from '../alert/alert.js';
import type { AlertHandler } from './dispatch.js';

/** Formats an event as the seed prints it: `🚨 WARNING: <message>`; resolutions get `✅ RESOLVED`. */
export function formatAlertLine(a: PerformanceAlert): string {
  if (a.status === 'resolved') return `✅ RESOLVED ${a.severity.toUpperCase()}: ${a.message}`;
  return `🚨 ${a.severity.toUpperCase()}: ${a.message}`;
}

/** A handler writing each event as one line (stdout by default). */
export function consoleAlertHandler(write: (line: string) => void = (l) => void process.stdout.write(l + '\n')): AlertHandler {
  return (a) => write(formatAlertLine(a));
}
