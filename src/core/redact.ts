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
  return `${u.protocol}//${userinfo}${u.host}${u.pathname}${redactQuery(u.search)}${u.hash}`;
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

/**
 * A config value as it may be shown (`config check`, error details): values
 * under a key that names a secret, and anything in `basic_auth` but the
 * username and the file name, read `<secret>` (a misspelt `pasword` too);
 * URLs are redacted. `path` is where the value sits. Size and depth are bounded:
 * the value comes from a user's file.
 * @example redactConfigValue(['scrape_targets', '0'], { url: 'http://u:p@h/', bearer_token: 't' }) // { url: 'http://<secret>@h/', bearer_token: '<secret>' }
 */
export function redactConfigValue(path: readonly string[], value: unknown): unknown {
  return redactAt(path.length > 0 ? path[path.length - 1] : undefined, path.length > 1 ? path[path.length - 2] : undefined, value, 0);
}

const BASIC_AUTH_SHOWN = new Set(['username', 'password_file']);

function redactAt(key: string | undefined, parent: string | undefined, value: unknown, depth: number): unknown {
  if (value === undefined || value === null) return value;
  if (key !== undefined && (isSecretName(key) || (parent === 'basic_auth' && !BASIC_AUTH_SHOWN.has(key)))) return SECRET;
  if (typeof value === 'string') return key === 'url' || key?.endsWith('_url') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value) : value;
  if (typeof value !== 'object') return value;
  if (depth > 8) return '(nested too deep to show)';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactAt(undefined, key, v, depth + 1));
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(value).slice(0, 100)) out[k] = redactAt(k, key, (value as Record<string, unknown>)[k], depth + 1);
  return out;
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
