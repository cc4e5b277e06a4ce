/**
 * The fault tests' agent: the built CLI (`dist/cli/main.js start`) as a real
 * child process with its own config, data and state dirs, on a free port of
 * 127.0.0.1. Every child is SIGKILLed when the test ends, whatever happened.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface After {
  after(fn: () => void | Promise<void>): void;
}

export interface Agent {
  readonly child: ChildProcess;
  readonly base: string;
  readonly pid: number;
  out(): string;
  err(): string;
  get(path: string, ms?: number): Promise<{ status: number; text: string; ms: number }>;
  json<T>(path: string): Promise<T>;
  /** The value of one sample of /metrics, found by its full `name{labels}` prefix; undefined when absent. */
  metric(name: string): Promise<number | undefined>;
  /** SIGTERM, then the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  exited(): boolean;
}

/** Resident set size of a live process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

/** A sample's value in an exposition page, by the exact text before its value. */
export function sampleValue(page: string, series: string): number | undefined {
  for (const line of page.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1).split(' ')[0]);
  }
  return undefined;
}

export async function startAgent(t: After, dir: string, config: object, opts: { env?: NodeJS.ProcessEnv; name?: string; prefix?: string[] } = {}): Promise<Agent> {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const cfg = join(dir, `${opts.name ?? 'agent'}.json`);
  writeFileSync(cfg, JSON.stringify(config));
  const [cmd, ...pre] = opts.prefix ?? [];
  const argv = [process.execPath, CLI, 'start', '--config', cfg, '--port', '0'];
  const env = { ...process.env, XDG_STATE_HOME: join(dir, 'state'), ...opts.env };
  const child = cmd === undefined ? spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env }) : spawn(cmd, [...pre, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d.length + out.length > 4_000_000 ? '' : d));
  // Bounded: a long run logs a lot; the tail says what went wrong.
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-1_000_000)));
  let exitedFlag = false;
  const exit = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      exitedFlag = true;
      r(code);
    }),
  );
  t.after(() => {
    if (!exitedFlag) child.kill('SIGKILL');
  });
  const end = Date.now() + 20_000;
  let base: string | undefined;
  while (base === undefined) {
    const m = /metrics at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(out);
    if (m !== null) base = m[1];
    else if (exitedFlag) assert.fail(`the agent exited before serving:\n${out}\n${err.slice(-3000)}`);
    else if (Date.now() > end) assert.fail(`the agent did not serve within 20 s:\n${out}\n${err.slice(-3000)}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const url = base;
  const get = async (path: string, ms = 10_000): Promise<{ status: number; text: string; ms: number }> => {
    const t0 = performance.now();
    const r = await fetch(url + path, { signal: AbortSignal.timeout(ms) });
    const text = await r.text();
    return { status: r.status, text, ms: performance.now() - t0 };
  };
  return {
    child,
    base: url,
    pid: child.pid!,
    out: () => out,
    err: () => err,
    get,
    async json<T>(path: string): Promise<T> {
      const r = await get(path);
      assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
      return JSON.parse(r.text) as T;
    },
    async metric(name: string): Promise<number | undefined> {
      return sampleValue((await get('/metrics')).text, name);
    },
    async stop(): Promise<number | null> {
      if (exitedFlag) return exit;
      child.kill('SIGTERM');
      const k = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(k);
      return code;
    },
    async kill(): Promise<void> {
      if (!exitedFlag) child.kill('SIGKILL');
      await exit;
    },
    exited: () => exitedFlag,
  };
}

/** `echo-perf simulate engine` as a child process; resolves with its base URL. */
export async function startSimEngine(t: After, flavor = 'vllm', seed = 42): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'simulate', 'engine', '--flavor', flavor, '--port', '0', '--seed', String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    child.kill('SIGKILL');
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.resume();
  const end = Date.now() + 15_000;
  for (;;) {
    const m = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out);
    if (m !== null) return { url: m[1]!, child };
    if (child.exitCode !== null || Date.now() > end) assert.fail(`the simulated engine did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
