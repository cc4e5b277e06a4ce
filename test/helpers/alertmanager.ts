/**
 * Starts a real Alertmanager (Debian's prometheus-alertmanager 0.25) on
 * 127.0.0.1 with a temp config and storage, no cluster gossip, routing every
 * alert at once (group_wait 0s, group_interval 1s, send_resolved) to a webhook
 * receiver that is an HTTP server of the test. Both stop in the test's t.after.
 * Without the binary the test skips (fails under REQUIRE_PEERS=1, helpers/peers.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { WebhookPayload } from '../../src/notify/notification.js';
import { requirePeer } from './peers.js';
import { freePort } from './prometheus.js';

/** An alert as GET /api/v2/alerts lists it (api/v2/openapi.yaml, gettableAlert). */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface AlertmanagerPeer {
  /** The base URL, e.g. http://127.0.0.1:9093 */
  url: string;
  /** What Alertmanager's webhook receiver posted to the test, in order (at most 100). */
  webhooks: WebhookPayload[];
  /** GET /api/v2/alerts: the alerts Alertmanager holds that have not resolved. */
  alerts(): Promise<GettableAlert[]>;
  /** Stops Alertmanager now (t.after does it anyway), for tests of it going away. */
  stop(): Promise<void>;
}

const MAX_WEBHOOKS = 100;
const MAX_BODY = 1 << 20;

/** The peer, or undefined when the binary is missing and the test was marked skipped. */
export async function startAlertmanager(t: TestContext): Promise<AlertmanagerPeer | undefined> {
  const binary = requirePeer(t, 'prometheus-alertmanager');
  if (binary === undefined) return undefined;

  const webhooks: WebhookPayload[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (webhooks.length < MAX_WEBHOOKS && size <= MAX_BODY) webhooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => {
    // Alertmanager keeps its connection alive; close it rather than wait it out.
    receiver.closeAllConnections();
    return new Promise<void>((r) => receiver.close(() => r()));
  });
  const hookPort = (receiver.address() as AddressInfo).port;

  const dir = mkdtempSync(join(tmpdir(), 'ep-am-'));
  const config = [
    'route:',
    '  receiver: test',
    "  group_by: ['...']",
    '  group_wait: 0s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: test',
    '    webhook_configs:',
    `      - url: http://127.0.0.1:${hookPort}/hook`,
    '        send_resolved: true',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no gossip listener, so parallel tests cannot cluster with each other.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
  };
  t.after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus-alertmanager exited with ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus-alertmanager not ready after 30 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    webhooks,
    stop,
    async alerts() {
      const r = await fetch(`${url}/api/v2/alerts`);
      if (!r.ok) throw new Error(`GET /api/v2/alerts: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as GettableAlert[];
    },
  };
}
