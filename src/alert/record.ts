/**
 * @module alert/record
 * Checks an incident record read back after a restart (from disk: treated as
 * hostile) before it becomes an alert again.
 */
import { setLabel } from '../core/labels.js';
import { previewValue } from '../core/preview.js';
import { AlertSeverity } from '../core/severity.js';
import { FINDING_KINDS, type FindingKind } from '../analyze/finding.js';
import type { PerformanceAlert } from './alert.js';

const KINDS: ReadonlySet<string> = new Set<string>(FINDING_KINDS);
const SEVERITIES: ReadonlySet<string> = new Set(Object.values(AlertSeverity));
/** Longest string field taken back: records are the agent's own, so anything longer is damage. */
const MAX_TEXT = 4096;

/** The record as an alert, or the first problem: `<where>.<field>: got <value>; expected <what>`. */
export function checkAlertRecord(r: unknown, where: string): PerformanceAlert | string {
  const bad = (field: string, value: unknown, expected: string): string => {
    const shown = previewValue(value);
    return `${where}${field === '' ? '' : `.${field}`}: got ${typeof value === 'string' ? JSON.stringify(shown) : String(shown)}; expected ${expected}`;
  };
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return bad('', r, 'an alert record object');
  const o = r as Record<string, unknown>;
  for (const f of ['id', 'fingerprint', 'component', 'metric', 'message'] as const) {
    const v = o[f];
    if (typeof v !== 'string' || v === '' || v.length > MAX_TEXT) return bad(f, v, `a non-empty string of at most ${MAX_TEXT} characters`);
  }
  for (const f of ['currentValue', 'threshold'] as const) if (typeof o[f] !== 'number') return bad(f, o[f], 'a number');
  if (typeof o['timestamp'] !== 'number' || !Number.isFinite(o['timestamp'])) return bad('timestamp', o['timestamp'], 'a time in ms since the epoch');
  if (typeof o['kind'] !== 'string' || !KINDS.has(o['kind'])) return bad('kind', o['kind'], `one of ${[...KINDS].join(', ')}`);
  if (typeof o['severity'] !== 'string' || !SEVERITIES.has(o['severity'])) return bad('severity', o['severity'], `one of ${[...SEVERITIES].join(', ')}`);
  const status = o['status'];
  if (status !== 'firing' && status !== 'resolved') return bad('status', status, 'firing or resolved');
  const endsAt = o['endsAt'];
  if (status === 'resolved' ? typeof endsAt !== 'number' : endsAt !== undefined && endsAt !== null) {
    return bad('endsAt', endsAt, status === 'resolved' ? 'the time it resolved (ms)' : 'none while firing');
  }
  const metadata = o['metadata'] ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return bad('metadata', metadata, 'an object');
  const rule = o['rule'];
  if (rule !== undefined && (typeof rule !== 'string' || rule === '' || rule.length > MAX_TEXT)) return bad('rule', rule, `a rule name of at most ${MAX_TEXT} characters`);
  const labels = checkLabels(o['labels']);
  if (typeof labels === 'string') return bad(labels === '' ? 'labels' : `labels.${labels}`, labels === '' ? o['labels'] : (o['labels'] as Record<string, unknown>)[labels], `an object of at most ${MAX_LABELS} label names to strings of at most ${MAX_TEXT} characters`);
  return {
    id: o['id'] as string,
    fingerprint: o['fingerprint'] as string,
    kind: o['kind'] as FindingKind,
    severity: o['severity'] as AlertSeverity,
    component: o['component'] as string,
    metric: o['metric'] as string,
    currentValue: o['currentValue'] as number,
    threshold: o['threshold'] as number,
    message: o['message'] as string,
    timestamp: o['timestamp'],
    status,
    endsAt: status === 'resolved' ? (endsAt as number) : undefined,
    metadata: { ...(metadata as Record<string, unknown>) },
    ...(labels !== undefined ? { labels } : {}),
    ...(rule !== undefined ? { rule } : {}),
  };
}

/** Most labels a record's series may have (the store's own label_limit default). */
const MAX_LABELS = 64;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The labels, copied into a fresh object; or the offending label's name ('' for the whole value). */
function checkLabels(v: unknown): Record<string, string> | undefined | string {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) return '';
  const keys = Object.keys(v);
  if (keys.length > MAX_LABELS) return '';
  const out: Record<string, string> = {};
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (!LABEL_NAME.test(k) || typeof x !== 'string' || x.length > MAX_TEXT) return k;
    setLabel(out, k, x);
  }
  return out;
}
