/**
 * @module core/redact
 * Keeps credentials out of everything the agent shows: status, logs, errors,
 * echo.dash files and `config check` output. A secret is replaced by
 * `<secret>`, as Prometheus shows secrets in its config and target pages.
 */

export const SECRET = '<secret>';

const SECRET_NAMES = new Set(['api_key', 'apikey', 'key', 'token', 'access_token', 'password', 'passwd', 'secret', 'signature', 'sig', 'auth', 'authorization']);
const SECRET_SUFFIXES = ['_token', '_key', '_secret', '-token', '-key', '-secret'];
/** Anywhere in a name; `token` only as the last word above: `token_throughput` is a metric, not a secret. */
const SECRET_PART = /password|passwd|secret|credential|api[_-]?key/;

/** Whether a query parameter, header or config key names a secret (case-insensitive). */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  // `password_file`, `bearer_token_file` name where a secret is; the name helps find a wrong file.
  if (n.endsWith('_file')) return false;
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s)) || SECRET_PART.test(n);
}

/**
 * The URL with its userinfo and every secret-looking query value replaced by
 * `<secret>`. Text that does not parse as a URL gets the same treatment by
 * position (up to the first `@` before any `/`, `?`, `#`), so a malformed URL
 * does not leak either.
 * @example redactUrl('http://u:p@h:9/m?api_key=k&x=1') // 'http://<secret>@h:9/m?api_key=<secret>&x=1'
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
  let u: URL | undefined;
  try {
    u = scheme === undefined ? undefined : new URL(url);
  } catch {
    u = undefined;
  }
  if (u === undefined) {
    const start = scheme?.length ?? 0;
    return redactQuery(url.slice(0, start) + url.slice(start).replace(/^[^/?#]*@/, `${SECRET}@`));
  }
  const userinfo = u.username !== '' || u.password !== '' ? `${SECRET}@` : '';
  return `${u.protocol}//${userinfo}${u.host}${redactSlackPath(u.hostname, u.pathname)}${redactQuery(u.search)}${u.hash}`;
}

/**
 * A Slack incoming webhook (`https://hooks.slack.com/services/T…/B…/key`) is
 * authorised by its path alone, so everything after `/services/` is the secret.
 */
function redactSlackPath(hostname: string, pathname: string): string {
  if (hostname.toLowerCase() !== 'hooks.slack.com') return pathname;
  const i = pathname.toLowerCase().indexOf('/services/');
  return i < 0 ? pathname : `${pathname.slice(0, i)}/services/${SECRET}`;
}

/** `?a=1&token=x` → `?a=1&token=<secret>`; keeps the spelling of everything else. */
function redactQuery(text: string): string {
  const q = text.indexOf('?');
  if (q < 0) return text;
  const hash = text.indexOf('#', q);
  const end = hash < 0 ? text.length : hash;
  const parts = text.slice(q + 1, end).split('&');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const eq = p.indexOf('=');
    if (eq >= 0 && isSecretName(decodeLoose(p.slice(0, eq)))) parts[i] = `${p.slice(0, eq + 1)}${SECRET}`;
  }
  return `${text.slice(0, q + 1)}${parts.join('&')}${text.slice(end)}`;
}

/**
 * The secret strings a URL carries (userinfo and secret query values, raw and
 * decoded), to scrub from messages that may quote them.
 */
export function urlSecrets(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const v of [u.username, u.password]) if (v !== '') out.push(v, decodeLoose(v));
  for (const p of u.search.slice(1).split('&')) {
    const eq = p.indexOf('=');
    if (eq >= 0 && isSecretName(decodeLoose(p.slice(0, eq)))) {
      const v = p.slice(eq + 1);
      if (v !== '') out.push(v, decodeLoose(v.replace(/\+/g, ' ')));
    }
  }
  return out;
}

/**
 * `text` with every occurrence of each secret replaced by `<secret>` (longest
 * first, so a secret that contains another is replaced whole).
 * @example scrubSecrets('GET http://h/?token=abc failed', ['abc']) // 'GET http://h/?token=<secret> failed'
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (s !== '') out = out.split(s).join(SECRET);
  }
  return out;
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Longest text that `redactText` scans; beyond it the text is cut, so scrubbing stays linear and short. */
export const REDACT_TEXT_MAX = 16_384;

// A URL in free text: a scheme and `//`, up to whitespace or a quote/bracket that usually ends it.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>`]+/gi;
// A Slack webhook quoted without its scheme still carries its key in the path.
const SLACK_NO_SCHEME = /(^|[^/\w.-])(hooks\.slack\.com\/services\/)[^\s"'<>`]+/gi;
// `Bearer x` anywhere, and the value of a quoted `Authorization:` header (RFC 9110 §11.6.2).
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const AUTH_HEADER = /\b(authorization["']?\s*[:=]\s*["']?)(?!bearer\b)[^\s"',;]+(\s+[A-Za-z0-9._~+/=-]+)?/gi;

/**
 * `text` with every URL in it passed through `redactUrl` (userinfo, secret
 * query values and Slack webhook keys become `<secret>`), and `Bearer` tokens and
 * `Authorization:` header values removed; for log messages and other free text. Text longer than
 * `REDACT_TEXT_MAX` is cut there first.
 * @example redactText('POST http://u:p@h/x?token=t failed') // 'POST http://<secret>@h/x?token=<secret> failed'
 */
export function redactText(text: string): string {
  let s = text.length > REDACT_TEXT_MAX ? `${text.slice(0, REDACT_TEXT_MAX)}…` : text;
  if (s.includes('://')) s = s.replace(URL_IN_TEXT, redactUrlInText);
  if (/hooks\.slack\.com/i.test(s)) s = s.replace(SLACK_NO_SCHEME, (_m, pre: string, path: string) => `${pre}${path}${SECRET}`);
  if (/bearer/i.test(s)) s = s.replace(BEARER, (_m, scheme: string) => `${scheme} ${SECRET}`);
  if (/authorization/i.test(s)) s = s.replace(AUTH_HEADER, (_m, name: string) => `${name}${SECRET}`);
  return s;
}

/** A URL found in text, its trailing punctuation (`url: 500`, `(url).`) kept as text rather than redacted as path. */
function redactUrlInText(url: string): string {
  let end = url.length;
  while (end > 0 && '.,;:!?)]'.includes(url[end - 1]!)) end--;
  return redactUrl(url.slice(0, end)) + url.slice(end);
}
