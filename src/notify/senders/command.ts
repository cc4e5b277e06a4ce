/**
 * @module notify/senders/command
 * Runs a program for each notification, without a shell (an alert's text can
 * never become a command), handing it Alertmanager's webhook payload as one
 * JSON line on stdin. Exit 0 means delivered.
 */
import { spawn } from 'node:child_process';
import type { NotifierConfig } from '../../config/notifiers.js';
import { notifierNameOf } from '../../config/notifiers.js';
import { toWebhookPayload, type Notification } from '../notification.js';
import { DeliveryError, type Notifier } from '../notifier.js';
import { escapeControl } from './http.js';
import type { SenderContext } from './webhook.js';

export type CommandConfig = Extract<NotifierConfig, { type: 'command' }>;

/** Output kept per stream: the head of stdout and the tail of stderr (where a failure says why), 64 KiB in all. */
const KEEP_BYTES = 32 * 1024;
/** Characters of stderr quoted in an error. */
const STDERR_TAIL_CHARS = 500;
/** After SIGTERM, how long a command may take to stop before SIGKILL. */
export const KILL_GRACE_MS = 2000;

/** Keeps the first (or last) `cap` bytes of a stream and drops the rest, so a chatty command cannot fill memory. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  constructor(
    private readonly cap: number,
    private readonly keep: 'head' | 'tail',
  ) {}
  add(b: Buffer): void {
    if (this.keep === 'head') {
      if (this.bytes >= this.cap) return;
      const part = b.subarray(0, this.cap - this.bytes);
      this.chunks.push(part);
      this.bytes += part.byteLength;
      return;
    }
    this.chunks.push(b.byteLength > this.cap ? b.subarray(b.byteLength - this.cap) : b);
    this.bytes += Math.min(b.byteLength, this.cap);
    while (this.bytes > this.cap && this.chunks.length > 1) this.bytes -= this.chunks.shift()!.byteLength;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function environment(extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  // Null prototype: a configured name like __proto__ stays a plain (if odd) variable.
  const env = Object.create(null) as NodeJS.ProcessEnv;
  // Only PATH and HOME are passed on: the agent's own environment may hold credentials.
  if (process.env['PATH'] !== undefined) env['PATH'] = process.env['PATH'];
  if (process.env['HOME'] !== undefined) env['HOME'] = process.env['HOME'];
  for (const [k, v] of Object.entries(extra ?? {})) env[k] = v;
  return env;
}

export function createCommandNotifier(cfg: CommandConfig, ctx: SenderContext): Notifier {
  const name = notifierNameOf(cfg);
  const program = cfg.argv[0]!;
  const what = `command notifier ${JSON.stringify(name)}`;
  const shown = JSON.stringify(program.length > 100 ? `${program.slice(0, 100)}…` : program);
  return {
    name,
    type: 'command',
    target: program,
    send(n: Notification, signal: AbortSignal): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          reject(new DeliveryError(`${what}: ${shown} not started: timed out`, true));
          return;
        }
        const child = spawn(program, cfg.argv.slice(1), { shell: false, stdio: ['pipe', 'pipe', 'pipe'], env: environment(cfg.env) });
        const out = new Capture(KEEP_BYTES, 'head');
        const err = new Capture(KEEP_BYTES, 'tail');
        let settled = false;
        let killTimer: NodeJS.Timeout | undefined;
        const settle = (e?: DeliveryError): void => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          if (e === undefined) resolve();
          else reject(e);
        };
        const onAbort = (): void => {
          child.kill('SIGTERM');
          killTimer = setTimeout(() => {
            child.kill('SIGKILL');
            settle(new DeliveryError(`${what}: ${shown} timed out; killed (SIGKILL after ignoring SIGTERM for ${KILL_GRACE_MS} ms)`, true));
          }, KILL_GRACE_MS);
          killTimer.unref();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        child.stdout.on('data', (b: Buffer) => out.add(b));
        child.stderr.on('data', (b: Buffer) => err.add(b));
        // A command that exits without reading its stdin makes the write fail (EPIPE); its exit status decides.
        child.stdin.on('error', () => undefined);
        child.on('error', (e: NodeJS.ErrnoException) => {
          clearTimeout(killTimer);
          if (e.code === 'ENOENT' || e.code === 'EACCES') {
            const why = e.code === 'ENOENT' ? 'not found' : 'permission denied';
            settle(new DeliveryError(`${what}: cannot run ${shown}: ${why} (${e.code}); expected argv[0] to be an executable file (an absolute path, or a name on PATH)`, false, { cause: e }));
          } else {
            settle(new DeliveryError(`${what}: cannot run ${shown}: ${e.message}`, true, { cause: e }));
          }
        });
        child.on('close', (code, sig) => {
          clearTimeout(killTimer);
          if (code === 0) {
            // Exit 0 says the command did its work, even if it finished as the timeout struck.
            const said = out.text().trim();
            ctx.logger.debug(`${what}: delivered ${n.id}${said === '' ? '' : `; stdout: ${escapeControl(said.slice(0, 200))}`}`);
            settle();
          } else if (signal.aborted) {
            settle(new DeliveryError(`${what}: ${shown} timed out; stopped (${sig ?? `exit status ${code}`})${stderrTail(err)}`, true));
          } else {
            const how = sig === null ? `exited with status ${code}` : `was killed by ${sig}`;
            settle(new DeliveryError(`${what}: ${shown} ${how}${stderrTail(err)}`, true));
          }
        });
        child.stdin.end(JSON.stringify(toWebhookPayload(n)) + '\n');
      });
    },
  };
}

function stderrTail(err: Capture): string {
  const s = err.text().trimEnd();
  if (s === '') return '';
  return `; stderr: ${s.length > STDERR_TAIL_CHARS ? '…' : ''}${escapeControl(s.slice(-STDERR_TAIL_CHARS))}`;
}
