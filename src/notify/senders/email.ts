/**
 * @module notify/senders/email
 * Mail through SMTP (nodemailer): one message per notification, a plain-text
 * body with an HTML alternative. The subject follows Alertmanager's default
 * email template (`[FIRING:2] <group labels> …`, templates/default.tmpl),
 * with the first alert's summary in place of the label list.
 *
 * Failures follow RFC 5321's reply classes: a 4yz reply is transient (try
 * again), a 5yz reply permanent; a connection that cannot be made or breaks
 * is transient too.
 */
import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type { NotifierConfig } from '../../config/notifiers.js';
import { notifierNameOf } from '../../config/notifiers.js';
import type { Logger } from '../../core/logger.js';
import { scrubSecrets } from '../../core/redact.js';
import type { Notification, NotificationAlert } from '../notification.js';
import { DeliveryError, type Notifier } from '../notifier.js';

export type EmailNotifierConfig = Extract<NotifierConfig, { type: 'email' }>;

/** Alerts written out in one mail at most; the rest are counted, so a storm stays a readable mail. */
export const MAX_MAIL_ALERTS = 100;
/** Characters of one label or annotation value shown at most. */
const MAX_VALUE = 2000;
const MAX_SUBJECT = 200;
/** Characters of the server's reply quoted in an error. */
const MAX_REPLY = 200;

/** Nodemailer codes for errors no retry can fix: the message or the config is wrong. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'ENOAUTH', 'ECONFIG', 'EREQUIRETLS', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

export function createEmailNotifier(cfg: EmailNotifierConfig, ctx: { logger: Logger }): Notifier {
  const { smtp } = cfg;
  const target = `smtp://${smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host}:${smtp.port}`;
  const name = notifierNameOf(cfg);
  const timeoutMs = cfg.timeout * 1000;
  const secrets = secretForms(smtp.username, smtp.password);
  // Loaded with the first email notifier: an agent that sends no mail does not hold the mail library.
  const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.require_tls,
    ...(smtp.username !== undefined && smtp.password !== undefined ? { auth: { user: smtp.username, pass: smtp.password } } : {}),
    // One connection per attempt: an attempt is what the outbox retries, and a
    // pooled connection would outlive the attempt's timeout.
    pool: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Nothing in a notification is a file or URL to attach.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });

  return {
    name,
    type: 'email',
    target,
    async send(n: Notification, signal: AbortSignal): Promise<void> {
      if (signal.aborted) throw new DeliveryError(`email notifier ${name} to ${target}: timed out before sending`, true);
      try {
        await transport.sendMail({
          from: cfg.from,
          to: cfg.to,
          subject: mailSubject(n),
          text: mailText(n),
          html: mailHtml(n),
          headers: { 'X-Echo-Perf-Notification-Id': n.id },
          signal,
        });
      } catch (err) {
        throw toDeliveryError(err, `email notifier ${name} to ${target}`, signal, secrets);
      }
      ctx.logger.debug(`email ${name}: notification ${n.id} sent to ${cfg.to.length} recipient(s) via ${target}`);
    },
    close(): Promise<void> {
      transport.close();
      return Promise.resolve();
    },
  };
}

/** The DeliveryError for a nodemailer failure, naming the SMTP reply code when there is one. */
export function toDeliveryError(err: unknown, where: string, signal: AbortSignal, secrets: readonly string[]): DeliveryError {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const clean = (s: string): string => scrubSecrets(s, secrets).replace(/\s+/g, ' ').trim().slice(0, MAX_REPLY);
  if (signal.aborted || code === 'EABORT') return new DeliveryError(`${where}: timed out`, true);
  if (reply !== undefined && reply >= 400 && reply < 600) {
    const text = (typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : '').replace(/^\d{3}[ -]/, '');
    const permanent = reply >= 500;
    return new DeliveryError(`${where}: SMTP ${reply} (${permanent ? 'permanent' : 'transient'} failure): ${clean(text)}`, !permanent);
  }
  const message = clean(err instanceof Error ? err.message : String(err));
  const permanent = code !== undefined && PERMANENT_CODES.has(code);
  return new DeliveryError(`${where}: ${code !== undefined ? `${code} ` : ''}${message}`, !permanent);
}

/**
 * The password as it may appear in a reply or a logged exchange: raw, and
 * inside the base64 of AUTH PLAIN and LOGIN.
 */
function secretForms(user: string | undefined, password: string | undefined): string[] {
  if (password === undefined) return [];
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(password), ...(user !== undefined ? [b64(`\0${user}\0${password}`)] : [])];
}

const firing = (n: Notification): NotificationAlert[] => n.alerts.filter((a) => a.status === 'firing');

/** `[FIRING:2] vllm: <first alert's summary>`; `[RESOLVED] …`; a test notification starts with `[TEST]`. */
export function mailSubject(n: Notification): string {
  const f = firing(n).length;
  const state = n.status === 'firing' ? `[FIRING:${f}]` : '[RESOLVED]';
  const group = Object.values(n.groupLabels).filter((v) => v !== '').join(' ') || 'echo-perf';
  const first = (n.status === 'firing' ? firing(n)[0] : undefined) ?? n.alerts[0];
  const summary = first === undefined ? '' : `: ${first.annotations['summary'] ?? first.labels['alertname'] ?? ''}`;
  const subject = `${n.test === true ? '[TEST] ' : ''}${state} ${group}${summary}`;
  // Header injection: nothing from an alert may start a new header line.
  return oneLine(subject).slice(0, MAX_SUBJECT);
}

/** The alerts shown in the body: firing first, as Alertmanager's template lists them. */
function shown(n: Notification): { alerts: NotificationAlert[]; more: number } {
  const ordered = [...firing(n), ...n.alerts.filter((a) => a.status === 'resolved')];
  return { alerts: ordered.slice(0, MAX_MAIL_ALERTS), more: Math.max(0, ordered.length - MAX_MAIL_ALERTS) };
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
const oneLine = (s: string): string => s.replace(/[\r\n\t\0]+/g, ' ');
const bounded = (s: string): string => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s);

export function mailText(n: Notification): string {
  const { alerts, more } = shown(n);
  const lines: string[] = [];
  if (n.test === true) lines.push('TEST notification: sent by `echo-perf notify test`, no alert is firing.', '');
  lines.push(`${n.status.toUpperCase()}: ${firing(n).length} firing, ${n.alerts.length - firing(n).length} resolved (group ${oneLine(n.groupKey)})`, '');
  for (const a of alerts) {
    const sev = (a.labels['severity'] ?? 'unknown').toUpperCase();
    lines.push(`[${a.status.toUpperCase()}] ${oneLine(sev)} ${oneLine(bounded(a.annotations['summary'] ?? a.labels['alertname'] ?? ''))}`);
    const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${JSON.stringify(bounded(v))}`);
    lines.push(`  Labels: ${oneLine(labels.join(', '))}`);
    for (const [k, v] of Object.entries(a.annotations)) if (k !== 'summary') lines.push(`  ${oneLine(k)}: ${oneLine(bounded(v))}`);
    lines.push(`  Started: ${iso(a.startsAt)}`);
    if (a.endsAt !== undefined) lines.push(`  Ended: ${iso(a.endsAt)}`);
    if (a.generatorURL !== '') lines.push(`  Source: ${oneLine(a.generatorURL)}`);
    lines.push('');
  }
  if (more > 0) lines.push(`… and ${more} more alert(s) not shown.`, '');
  if (n.externalURL !== '') lines.push(`Agent: ${oneLine(n.externalURL)}`);
  lines.push(`Notification id: ${n.id}`);
  return lines.join('\n') + '\n';
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value put into the HTML goes through this: alert text is input, not markup. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
/** Only http(s) links become links; anything else (javascript:, data:) stays text. */
const link = (url: string): string => (/^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url));

export function mailHtml(n: Notification): string {
  const { alerts, more } = shown(n);
  const out: string[] = ['<!DOCTYPE html><html><body style="font-family:sans-serif">'];
  if (n.test === true) out.push('<p><strong>TEST notification</strong>: sent by <code>echo-perf notify test</code>, no alert is firing.</p>');
  out.push(`<h2>${escapeHtml(mailSubject(n))}</h2>`);
  for (const a of alerts) {
    const colour = a.status === 'resolved' ? '#2e7d32' : a.labels['severity'] === 'critical' ? '#c62828' : '#ef6c00';
    out.push(`<div style="border-left:4px solid ${colour};padding-left:8px;margin-bottom:12px">`);
    out.push(`<p><strong>[${escapeHtml(a.status.toUpperCase())}] ${escapeHtml((a.labels['severity'] ?? 'unknown').toUpperCase())}</strong> ${escapeHtml(bounded(a.annotations['summary'] ?? a.labels['alertname'] ?? ''))}</p>`);
    out.push('<table>');
    const row = (k: string, v: string): string => `<tr><td><strong>${escapeHtml(k)}</strong></td><td>${v}</td></tr>`;
    for (const [k, v] of Object.entries(a.annotations)) if (k !== 'summary') out.push(row(k, escapeHtml(bounded(v))));
    out.push(row('labels', Object.entries(a.labels).map(([k, v]) => `${escapeHtml(k)}=&quot;${escapeHtml(bounded(v))}&quot;`).join(', ')));
    out.push(row('started', escapeHtml(iso(a.startsAt))));
    if (a.endsAt !== undefined) out.push(row('ended', escapeHtml(iso(a.endsAt))));
    if (a.generatorURL !== '') out.push(row('source', link(a.generatorURL)));
    out.push('</table></div>');
  }
  if (more > 0) out.push(`<p>… and ${more} more alert(s) not shown.</p>`);
  if (n.externalURL !== '') out.push(`<p>Agent: ${link(n.externalURL)}</p>`);
  out.push(`<p style="color:#777">Notification id: ${escapeHtml(n.id)}</p></body></html>`);
  return out.join('\n');
}
