/**
 * One node of a fleet: an agent scraping 50 simulated vLLM engines every 1 s
 * and forwarding everything by remote_write to a receiver on 127.0.0.1, beside
 * Prometheus in agent mode (`--enable-feature=agent`, Debian's 2.42) scraping
 * the same 50 engines at 1 s and remote_writing to a receiver of its own, in
 * the same run. Two forwarders, at once:
 *   - ours: `echo-perf start` (built CLI, defaults but GPU and echo.dash off,
 *     history on disk), forwarding what it holds: the engines' unified metrics
 *     (~40 series per engine), the host's, its own;
 *   - prom_agent: Prometheus agent mode, forwarding the raw pages (370 series
 *     per simulated vLLM page, plus `up` & co.).
 * They forward different series, so the comparison is per node (CPU, RSS,
 * bytes/s) and per forwarded sample (bytes, CPU).
 * Each receiver decodes every request (snappy + prompb WriteRequest) to count
 * samples, and counts the bytes read from its sockets (HTTP headers and
 * bodies) and the bodies alone. CPU % of one core (all threads, schedstat)
 * and RSS of each forwarder over BENCH_SECONDS after BENCH_WARMUP seconds;
 * BENCH_RUNS fresh runs, the figures are the medians.
 * BENCH_SPLIT=1 adds a third agent, the same without remote_write, so that
 * the cost of forwarding shows as the difference.
 * Run: npm run build && node --import tsx bench/fleet.bench.ts
 *      (BENCH_SECONDS=30 BENCH_RUNS=3 to shorten; ENGINES=50; BENCH_SPLIT=1)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decodeWriteRequestBody } from '../src/export/remoteWrite/encode.js';
import { cpuSeconds, median, rssBytes } from './common.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 20);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const ENGINES = Number(process.env['ENGINES'] ?? 50);
const SPLIT = process.env['BENCH_SPLIT'] === '1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A remote-write receiver that counts what reaches it. */
interface Receiver {
  url: string;
  server: Server;
  counts(): { samples: number; series: number; requests: number; bodyBytes: number; wireBytes: number; refused: number };
}

async function startReceiver(): Promise<Receiver> {
  let samples = 0;
  let series = 0;
  let requests = 0;
  let bodyBytes = 0;
  let refused = 0;
  let closedBytes = 0;
  const live = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const ts = decodeWriteRequestBody(body);
        requests++;
        bodyBytes += body.length;
        series += ts.length;
        for (const s of ts) samples += s.samples.length;
        res.writeHead(204).end();
      } catch (e) {
        refused++;
        res.writeHead(400).end(String(e));
      }
    });
  });
  server.on('connection', (s: Socket) => {
    live.add(s);
    s.once('close', () => {
      closedBytes += s.bytesRead;
      live.delete(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    server,
    counts() {
      let wireBytes = closedBytes;
      for (const s of live) wireBytes += s.bytesRead;
      return { samples, series, requests, bodyBytes, wireBytes, refused };
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Figures {
  cpuPct: number;
  rssMiB: number;
  samplesPerS: number;
  wireBytesPerSample: number;
  bodyBytesPerSample: number;
  wireBytesPerS: number;
}

async function oneRun(urls: readonly string[]): Promise<Record<string, Figures>> {
  const dir = mkdtempSync(join(tmpdir(), 'ep-fleet-bench-'));
  const receivers: Record<string, Receiver> = { ours: await startReceiver(), prom_agent: await startReceiver() };
  const children: Record<string, ChildProcess> = {};
  try {
    // ours_no_rw (BENCH_SPLIT=1): the same agent without remote_write, to split out what forwarding costs.
    for (const variant of SPLIT ? ['ours', 'ours_no_rw'] : ['ours']) {
      const config = join(dir, `${variant}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          log_level: 'warn',
          monitoring_interval: 1,
          gpu: { enabled: false },
          echo_dash: { enabled: false },
          engines: urls.map((url, i) => ({ name: `vllm-${i}`, url, flavor: 'vllm' })),
          ...(variant === 'ours' ? { remote_write: [{ url: receivers['ours']!.url, name: 'bench', external_labels: { job: 'echo-perf', instance: 'bench-node' } }] } : {}),
        }),
      );
      // As `npm start` runs it (the CLI's shebang flag, see src/cli/main.ts), history on disk.
      children[variant] = spawn(process.execPath, ['--no-memory-reducer', '--max-semi-space-size=4', join(ROOT, 'dist/cli/main.js'), 'start', '--port', '0', '--config', config, '--data-dir', join(dir, `${variant}-data`)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    const promConfig = join(dir, 'prometheus.yml');
    const targets = urls.map((u) => `'${new URL(u).host}'`).join(', ');
    writeFileSync(
      promConfig,
      [
        'global:',
        '  scrape_interval: 1s',
        '  external_labels: { instance: bench-node }',
        'scrape_configs:',
        '  - job_name: engines',
        '    static_configs:',
        `      - targets: [${targets}]`,
        'remote_write:',
        `  - url: ${receivers['prom_agent']!.url}`,
        '',
      ].join('\n'),
    );
    children['prom_agent'] = spawn(
      'prometheus',
      ['--enable-feature=agent', `--config.file=${promConfig}`, `--storage.agent.path=${join(dir, 'prom-agent')}`, `--web.listen-address=127.0.0.1:${await freePort()}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await new Promise((r) => setTimeout(r, WARMUP * 1000));
    for (const [k, c] of Object.entries(children)) if (c.exitCode !== null) throw new Error(`${k} exited with ${c.exitCode} during warm-up`);
    const cpu0: Record<string, number> = {};
    const rx0: Record<string, ReturnType<Receiver['counts']>> = {};
    for (const [k, c] of Object.entries(children)) cpu0[k] = cpuSeconds(c.pid!);
    for (const [k, r] of Object.entries(receivers)) rx0[k] = r.counts();
    const rss: Record<string, number[]> = {};
    const t0 = performance.now();
    for (let s = 0; s < SECONDS; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const [k, c] of Object.entries(children)) (rss[k] ??= []).push(rssBytes(c.pid!));
    }
    const wall = (performance.now() - t0) / 1000;
    const out: Record<string, Figures> = {};
    for (const [k, c] of Object.entries(children)) {
      const cpuPct = ((cpuSeconds(c.pid!) - cpu0[k]!) / wall) * 100;
      const rssMiB = median(rss[k]!) / 2 ** 20;
      const receiver = receivers[k];
      if (receiver === undefined) {
        out[k] = { cpuPct, rssMiB, samplesPerS: 0, wireBytesPerSample: NaN, bodyBytesPerSample: NaN, wireBytesPerS: 0 };
        continue;
      }
      const a = rx0[k]!;
      const b = receiver.counts();
      if (b.refused > 0) throw new Error(`${k}: the receiver could not decode ${b.refused} requests`);
      const n = b.samples - a.samples;
      out[k] = {
        cpuPct,
        rssMiB,
        samplesPerS: n / wall,
        wireBytesPerSample: (b.wireBytes - a.wireBytes) / n,
        bodyBytesPerSample: (b.bodyBytes - a.bodyBytes) / n,
        wireBytesPerS: (b.wireBytes - a.wireBytes) / wall,
      };
    }
    return out;
  } finally {
    await Promise.all(
      Object.values(children).map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await gone;
      }),
    );
    for (const r of Object.values(receivers)) {
      r.server.closeAllConnections();
      await new Promise<void>((res) => r.server.close(() => res()));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (spawnSync('which', ['prometheus']).status !== 0) throw new Error('prometheus not found on PATH (Debian package prometheus): the bench compares against its agent mode');
const engines = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/fleetEngines.ts')], { env: { ...process.env, ENGINES: String(ENGINES) }, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: engines.stdout }).once('line', resolve);
    engines.once('exit', (code) => reject(new Error(`the engines exited with ${code}`)));
  });
  const urls = JSON.parse(first) as string[];
  const runs: Record<string, Figures>[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await oneRun(urls));
    const r = runs.at(-1)!;
    console.log(`run ${i + 1}/${RUNS}: ${Object.entries(r).map(([k, v]) => `${k} cpu ${v.cpuPct.toFixed(2)}% rss ${v.rssMiB.toFixed(0)} MiB ${v.samplesPerS.toFixed(0)} samples/s ${v.wireBytesPerSample.toFixed(2)} B/sample`).join('; ')}`);
  }
  const med = (k: string, f: keyof Figures): number => median(runs.map((r) => r[k]![f]));
  const fig: Record<string, number> = {};
  for (const k of ['ours', 'prom_agent']) {
    fig[`${k}CpuPct`] = med(k, 'cpuPct');
    fig[`${k}RssMiB`] = med(k, 'rssMiB');
    fig[`${k}SamplesPerS`] = med(k, 'samplesPerS');
    fig[`${k}WireBytesPerSample`] = med(k, 'wireBytesPerSample');
    fig[`${k}BodyBytesPerSample`] = med(k, 'bodyBytesPerSample');
    fig[`${k}WireBytesPerS`] = med(k, 'wireBytesPerS');
  }
  if (SPLIT) {
    fig['ours_no_rwCpuPct'] = med('ours_no_rw', 'cpuPct');
    fig['ours_no_rwRssMiB'] = med('ours_no_rw', 'rssMiB');
  }
  const perSample = (k: string): number => fig[`${k}CpuPct`]! / fig[`${k}SamplesPerS`]!;
  console.log(`${ENGINES} engines at 1 s, ${SECONDS} s after ${WARMUP} s warm-up, median of ${RUNS} runs`);
  console.log(JSON.stringify({ bench: 'fleet', engines: ENGINES, seconds: SECONDS, runs: RUNS, ...fig, cpuVsPromAgent: fig['oursCpuPct']! / fig['prom_agentCpuPct']!, rssVsPromAgent: fig['oursRssMiB']! / fig['prom_agentRssMiB']!, wireBytesPerSampleVsPromAgent: fig['oursWireBytesPerSample']! / fig['prom_agentWireBytesPerSample']!, cpuPerSampleVsPromAgent: perSample('ours') / perSample('prom_agent') }));
} finally {
  engines.kill('SIGTERM');
}
