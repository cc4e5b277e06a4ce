/**
 * @module collect/scrape/credentials
 * Per-target credentials as Prometheus's HTTP client config has them:
 * `basic_auth` (password or password_file) or a bearer token (inline or file).
 * Files are read at every scrape so a rotated secret takes effect without a
 * restart; like Prometheus, surrounding whitespace is trimmed.
 */
import { open } from 'node:fs/promises';

export type ScrapeAuth =
  | { kind: 'basic'; username: string; password?: string | undefined; passwordFile?: string | undefined }
  | { kind: 'bearer'; token?: string | undefined; tokenFile?: string | undefined };

/** A secret file is a line or two, never megabytes. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

export class CredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialsError';
  }
}

/**
 * The URL without `user:pass@`, and that userinfo as basic auth: fetch refuses
 * URLs that carry credentials, and a URL is shown in too many places to keep them.
 */
export function splitUserinfo(url: string): { url: string; auth: ScrapeAuth | undefined } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, auth: undefined };
  }
  if (u.username === '' && u.password === '') return { url, auth: undefined };
  const auth: ScrapeAuth = { kind: 'basic', username: decode(u.username), password: decode(u.password) };
  u.username = '';
  u.password = '';
  return { url: u.href, auth };
}

/** The Authorization header value, with any file read now; and the secrets it holds, to scrub from messages. */
export async function authorization(auth: ScrapeAuth): Promise<{ header: string; secrets: string[] }> {
  if (auth.kind === 'basic') {
    const password = auth.passwordFile !== undefined ? await readSecretFile('basic_auth.password_file', auth.passwordFile) : (auth.password ?? '');
    const encoded = Buffer.from(`${auth.username}:${password}`, 'utf8').toString('base64');
    return { header: `Basic ${encoded}`, secrets: [password, encoded] };
  }
  const token = auth.tokenFile !== undefined ? await readSecretFile('bearer_token_file', auth.tokenFile) : (auth.token ?? '');
  if (token === '') throw new CredentialsError(`bearer_token_file ${auth.tokenFile ?? ''} is empty`);
  return { header: `Bearer ${token}`, secrets: [token] };
}

/** Reads a secret file, bounded; errors name the config key and the file, never the content. */
async function readSecretFile(key: string, path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new CredentialsError(`cannot read ${key} ${path}: ${codeOf(e)}`, { cause: e });
  }
  try {
    const buf = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > MAX_SECRET_FILE_BYTES) throw new CredentialsError(`${key} ${path} is larger than ${MAX_SECRET_FILE_BYTES} bytes`);
    }
    const text = buf.subarray(0, n).toString('utf8').trim();
    // A line break would end the header early; say so without quoting the file.
    if (/[\r\n\0]/.test(text)) throw new CredentialsError(`${key} ${path} holds more than one line`);
    return text;
  } catch (e) {
    if (e instanceof CredentialsError) throw e;
    throw new CredentialsError(`cannot read ${key} ${path}: ${codeOf(e)}`, { cause: e });
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** The errno code (ENOENT, EACCES, EISDIR); the message would repeat the path. */
function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
