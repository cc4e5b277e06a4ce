/**
 * Starts a real Prometheus (Debian's 2.42) on 127.0.0.1 with a temp config and
 * data dir, for tests that compare against it. Stopped by the caller's t.after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrometheusPeer {
  url: string;
  child: ChildProcess;
  /** Instant query at `time` (seconds); returns the result array. */
  query(expr: string, time?: number): Promise<{ metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]>;
  stop(): Promise<void>;
  /** Stops the process, keeping its data dir and port, so `resume` brings the same server back. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(binary: string, scrapeConfigs: string, extraArgs: string[] = []): Promise<PrometheusPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'ep-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}`);
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const launch = async (): Promise<ChildProcess> => {
    const c = spawn(
      binary,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`prometheus exited with ${c.exitCode}: ${stderr}`);
      try {
        const r = await fetch(`${url}/-/ready`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return c;
  };
  let child = await launch();
  const halt = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  return {
    url,
    get child() {
      return child;
    },
    async query(expr, time) {
      const q = new URLSearchParams({ query: expr, ...(time !== undefined ? { time: String(time) } : {}) });
      const r = await fetch(`${url}/api/v1/query?${q.toString()}`);
      const body = (await r.json()) as { status: string; error?: string; data: { result: [] } };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return body.data.result;
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    pause: halt,
    async resume() {
      child = await launch();
    },
  };
}

/** Polls `fn` every 250 ms until it returns a value other than undefined, for at most `ms`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
