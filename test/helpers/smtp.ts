/**
 * A real SMTP server (smtp-server) on 127.0.0.1 for mail tests: it keeps what
 * it receives (envelope, login, raw message, decoded text and HTML parts),
 * checks logins when users are given, and can refuse every message with a
 * chosen SMTP reply. Closed by the test's t.after.
 */
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The user name the client logged in with, if it did. */
  user: string | undefined;
  raw: string;
  /** Header name (lower case) → value, unfolded. */
  headers: Map<string, string>;
  text: string | undefined;
  html: string | undefined;
}

export interface SmtpPeer {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMail[];
  /** Logins tried, accepted or not. */
  logins: { user: string; ok: boolean }[];
}

export interface SmtpPeerOptions {
  /** user → password; when given, sending needs a login that matches. */
  users?: Record<string, string>;
  /** Answer every DATA with this reply (e.g. 550 or 451) instead of accepting. */
  reject?: { code: number; message: string };
}

/** Messages and bytes kept at most, so a runaway test cannot fill memory. */
const MAX_MESSAGES = 100;
const MAX_BYTES = 1 << 20;

export async function startSmtpPeer(t: TestContext, opts: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const logins: { user: string; ok: boolean }[] = [];
  const users = new Map(Object.entries(opts.users ?? {}));
  const server = new SMTPServer({
    logger: false,
    authOptional: users.size === 0,
    // No certificate here; plain-text AUTH is fine on loopback.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    size: MAX_BYTES,
    socketTimeout: 10_000,
    closeTimeout: 1_000,
    onAuth(auth, _session, cb) {
      const ok = users.get(auth.username ?? '') === auth.password && auth.password !== undefined;
      if (logins.length < MAX_MESSAGES) logins.push({ user: auth.username ?? '', ok });
      if (!ok) return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BYTES) chunks.push(c);
      });
      stream.on('end', () => {
        if (opts.reject !== undefined) return cb(Object.assign(new Error(opts.reject.message), { responseCode: opts.reject.code }));
        if (messages.length < MAX_MESSAGES) {
          const raw = Buffer.concat(chunks).toString('utf8');
          const user = session.user as string | undefined;
          messages.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            user,
            raw,
            ...parseMime(raw),
          });
        }
        cb(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { host: '127.0.0.1', port, messages, logins };
}

/** The top-level headers and the text/plain and text/html parts, decoded (a small MIME reader, enough for what nodemailer writes). */
function parseMime(raw: string): { headers: Map<string, string>; text: string | undefined; html: string | undefined } {
  const { headers, body } = splitPart(raw);
  const out = { headers, text: undefined as string | undefined, html: undefined as string | undefined };
  const visit = (h: Map<string, string>, b: string, depth: number): void => {
    const type = h.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.startsWith('multipart/') && boundary !== undefined && depth < 5) {
      for (const piece of b.split(`--${boundary}`).slice(1)) {
        if (piece.startsWith('--')) break;
        const part = splitPart(piece.replace(/^\r?\n/, ''));
        visit(part.headers, part.body, depth + 1);
      }
      return;
    }
    const text = decode(b, h.get('content-transfer-encoding') ?? '7bit');
    if (type.startsWith('text/html')) out.html ??= text;
    else if (type.startsWith('text/plain')) out.text ??= text;
  };
  visit(headers, body, 0);
  return out;
}

function splitPart(s: string): { headers: Map<string, string>; body: string } {
  const m = /\r?\n\r?\n/.exec(s);
  const head = m === null ? s : s.slice(0, m.index);
  const body = m === null ? '' : s.slice(m.index + m[0].length);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function decode(body: string, encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}
