/**
 * @module notify/senders/slack
 * One Slack message per notification through an incoming webhook (Slack's
 * "legacy" attachments, which carry the colour bar). The path of an
 * incoming-webhook URL after /services/ is its credential, so it never shows.
 */
import type { NotifierConfig } from '../../config/notifiers.js';
import { notifierNameOf } from '../../config/notifiers.js';
import { SECRET } from '../../core/redact.js';
import type { Notification, NotificationAlert } from '../notification.js';
import type { Notifier } from '../notifier.js';
import { postJson, userAgent } from './http.js';
import type { SenderContext } from './webhook.js';

export type SlackConfig = Extract<NotifierConfig, { type: 'slack' }>;

/** Slack's brand colours, as its own apps mark danger, warning, info and good. */
export const SLACK_COLOURS = { critical: '#E01E5A', warning: '#ECB22E', info: '#36C5F0', resolved: '#2EB67D' } as const;
/** Slack truncates an attachment's text past 3,000 characters; we cut first and say what was left out. */
export const SLACK_FIELD_LIMIT = 3000;
/** Attachment fields shown at most (Slack shows them two per row). */
const MAX_FIELDS = 10;

export interface SlackAttachment {
  color: string;
  title: string;
  title_link: string;
  text: string;
  fields?: { title: string; value: string; short: boolean }[];
  footer: string;
  ts: number;
}
export interface SlackMessage {
  channel?: string;
  username?: string;
  text: string;
  attachments: [SlackAttachment];
}

/**
 * Where a Slack URL sends, without its credential: origin and path up to and
 * including `/services/`, then `<secret>`. A URL without `/services/` is all
 * secret after its origin.
 * @example slackTarget('https://hooks.slack.com/services/T0/B0/xyz') // 'https://hooks.slack.com/services/<secret>'
 */
export function slackTarget(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return SECRET;
  }
  const i = u.pathname.indexOf('/services/');
  const prefix = i < 0 ? '/' : u.pathname.slice(0, i + '/services/'.length);
  const userinfo = u.username === '' && u.password === '' ? '' : `${SECRET}@`;
  return `${u.protocol}//${userinfo}${u.host}${prefix}${SECRET}`;
}

/** The credential part of a Slack URL (path after /services/, query and userinfo), to scrub from messages. */
function slackSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    const i = u.pathname.indexOf('/services/');
    const path = i < 0 ? u.pathname.slice(1) : u.pathname.slice(i + '/services/'.length);
    return [path, ...path.split('/').filter((p) => p.length >= 8), u.search.slice(1), u.username, u.password].filter((s) => s !== '');
  } catch {
    return [url];
  }
}

/** Slack mrkdwn reserves &, < and > (its "Formatting text" guide): they are escaped in all text we send. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link `<url|text>`; a URL with `|` or `>` would break the syntax, and a very long one the field limit, so those are left out. */
function link(url: string, text: string): string {
  return url.length <= 1000 && /^https?:\/\/[^\s|<>]+$/.test(url) ? `<${url}|${text}>` : text;
}

function colourOf(n: Notification): string {
  if (n.status === 'resolved') return SLACK_COLOURS.resolved;
  const firing = n.alerts.filter((a) => a.status === 'firing');
  if (firing.some((a) => a.labels['severity'] === 'critical')) return SLACK_COLOURS.critical;
  if (firing.some((a) => a.labels['severity'] === 'warning')) return SLACK_COLOURS.warning;
  return SLACK_COLOURS.info;
}

/** `[FIRING:2] vllm`, `[RESOLVED] vllm`, as Alertmanager's default Slack title reads. */
export function slackTitle(n: Notification): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const state = n.status === 'firing' ? `FIRING:${firing}` : 'RESOLVED';
  const group = Object.values(n.groupLabels).join(' ') || n.receiver;
  return `${n.test === true ? '[TEST] ' : ''}[${state}] ${group}`.slice(0, 256);
}

function alertLine(a: NotificationAlert): string {
  const summary = a.annotations['summary'] ?? a.labels['alertname'] ?? 'alert';
  const when = a.status === 'resolved' && a.endsAt !== undefined ? `resolved ${new Date(a.endsAt).toISOString()}` : `since ${new Date(a.startsAt).toISOString()}`;
  const head = link(a.generatorURL, esc(summary.slice(0, 500)));
  return `• ${head} (${esc(a.labels['severity'] ?? 'unknown')}, ${when})`;
}

/** One line per alert, cut to Slack's field limit with a last line counting what was left out. */
function alertLines(n: Notification): string {
  const lines: string[] = [];
  if (n.test === true) lines.push('This is a test notification from echo-perf: the receiver is reachable.');
  let used = lines.reduce((s, l) => s + l.length + 1, 0);
  let i = 0;
  for (; i < n.alerts.length; i++) {
    const line = alertLine(n.alerts[i]!);
    const left = n.alerts.length - i - 1;
    // Room for this line and, if more follow, the "left out" line.
    const reserve = left > 0 ? 40 : 0;
    if (used + line.length + 1 + reserve > SLACK_FIELD_LIMIT) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (i < n.alerts.length) lines.push(`… and ${n.alerts.length - i} more alerts not shown`);
  return lines.join('\n');
}

/** The Slack incoming-webhook body for a notification. */
export function slackMessage(n: Notification, cfg: Pick<SlackConfig, 'channel' | 'username'>): SlackMessage {
  const title = slackTitle(n);
  const fields = Object.entries(n.groupLabels)
    .slice(0, MAX_FIELDS)
    .map(([k, v]) => ({ title: k.slice(0, 256), value: esc(v).slice(0, SLACK_FIELD_LIMIT), short: true }));
  const attachment: SlackAttachment = {
    color: colourOf(n),
    title: esc(title),
    title_link: `${n.externalURL.replace(/\/+$/, '')}/api/v1/alerts`,
    text: alertLines(n),
    footer: 'echo-perf',
    ts: Math.floor(n.createdAt / 1000),
  };
  if (fields.length > 0) attachment.fields = fields;
  const msg: SlackMessage = { text: esc(title), attachments: [attachment] };
  if (cfg.channel !== undefined) msg.channel = cfg.channel;
  if (cfg.username !== undefined) msg.username = cfg.username;
  return msg;
}

export function createSlackNotifier(cfg: SlackConfig, ctx: SenderContext): Notifier {
  const name = notifierNameOf(cfg);
  const target = slackTarget(cfg.url);
  const what = `slack notifier ${JSON.stringify(name)}`;
  const secrets = slackSecrets(cfg.url);
  return {
    name,
    type: 'slack',
    target,
    async send(n: Notification, signal: AbortSignal): Promise<void> {
      const body = JSON.stringify(slackMessage(n, cfg));
      await postJson(cfg.url, body, { 'content-type': 'application/json', 'user-agent': userAgent() }, signal, what, { shownUrl: target, secrets });
      ctx.logger.debug(`${what}: delivered ${n.id} (${n.alerts.length} alerts) to ${target}`);
    },
  };
}
