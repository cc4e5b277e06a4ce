import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runConfigCheck } from '../../src/cli/configCmd.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { tempDir } from '../helpers/tempTree.js';

const PW_URL = 'url-pw-1f2e';
const PW_FILE_1 = 'file-pw-3a4b';
const PW_FILE_2 = 'file-pw-5c6d';
const TOKEN = 'inline-tok-7e8f';
const TOKEN_FILE = 'file-tok-9a0b';
const QUERY_KEY = 'query-key-c1d2';
const WRONG = 'wrong-tok-e3f4';
const SECRETS = [PW_URL, PW_FILE_1, PW_FILE_2, TOKEN, TOKEN_FILE, QUERY_KEY, WRONG, encodeURIComponent(PW_URL)];

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** A /metrics endpoint that answers only the Authorization header it is told to expect. */
async function protectedTarget(t: TestContext, expected: () => string, seen: string[]): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.headers.authorization ?? ''} ${req.url ?? ''}`);
    if (req.headers.authorization !== expected()) {
      res.statusCode = 401;
      res.end('unauthorized');
      return;
    }
    res.end('secured_metric 1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('per-target basic auth and bearer tokens are sent, files re-read at each scrape; no secret shows in status, logs or echo.dash files', async (t) => {
  const dir = tempDir(t);
  const pwFile = join(dir, 'pw');
  const tokFile = join(dir, 'tok');
  writeFileSync(pwFile, `${PW_FILE_1}\n`);
  writeFileSync(tokFile, TOKEN_FILE);
  let filePw = PW_FILE_1;
  const seen: Record<string, string[]> = { url: [], file: [], bearer: [], bearerFile: [], wrong: [] };
  const hostUrl = await protectedTarget(t, () => basic('alice', PW_URL), seen['url']!);
  const hostFile = await protectedTarget(t, () => basic('bob', filePw), seen['file']!);
  const hostBearer = await protectedTarget(t, () => `Bearer ${TOKEN}`, seen['bearer']!);
  const hostBearerFile = await protectedTarget(t, () => `Bearer ${TOKEN_FILE}`, seen['bearerFile']!);
  const hostWrong = await protectedTarget(t, () => 'Bearer right', seen['wrong']!);
  const logger = new MemoryLogger();
  const clock = new ManualClock(Date.now());
  const system = new IntegratedPerformanceSystem({
    config: {
      log_level: 'debug',
      server: { port: 0 },
      echo_dash: { stats_dir: join(dir, 'stats') },
      scrape_targets: [
        { name: 'in_url', url: `http://alice:${encodeURIComponent(PW_URL)}@${hostUrl}/metrics?api_key=${QUERY_KEY}` },
        { name: 'pw_file', url: `http://${hostFile}/metrics`, basic_auth: { username: 'bob', password_file: pwFile } },
        { name: 'bearer', url: `http://${hostBearer}/metrics`, bearer_token: TOKEN },
        { name: 'bearer_file', url: `http://${hostBearerFile}/metrics`, bearer_token_file: tokFile },
        { name: 'wrong', url: `http://${hostWrong}/metrics?token=${QUERY_KEY}`, bearer_token: WRONG },
        { name: 'no_file', url: `http://${hostWrong}/metrics`, bearer_token_file: join(dir, 'missing') },
        { name: 'refused', url: `http://carol:${PW_URL}@127.0.0.1:1/metrics?access_token=${QUERY_KEY}` },
      ],
    },
    clock,
    systemCollector: false,
    logger,
    consoleAlerts: false,
  });
  await system.start();
  t.after(() => system.stop());
  const m = system.monitor;
  await m.collectNow();

  const up = (job: string): number | undefined => m.store.latest('up', { job })[0]?.v;
  for (const job of ['in_url', 'pw_file', 'bearer', 'bearer_file']) assert.equal(up(job), 1, job);
  assert.ok(seen['url']!.some((s) => s.endsWith(`/metrics?api_key=${QUERY_KEY}`)), 'the query string is still sent');
  const targets = m.getPerformanceSummary().targets;
  assert.equal(targets['in_url']!.url, `http://<secret>@${hostUrl}/metrics?api_key=<secret>`);
  assert.equal(targets['wrong']!.lastError, 'server returned HTTP status 401 Unauthorized');
  assert.equal(targets['no_file']!.lastError, `cannot read bearer_token_file ${join(dir, 'missing')}: ENOENT`);
  assert.match(targets['refused']!.lastError!, /fetch failed|ECONNREFUSED/);

  // The password file is rotated: the next scrape sends the new password.
  writeFileSync(pwFile, PW_FILE_2);
  filePw = PW_FILE_2;
  await clock.advance(1000);
  await m.collectNow();
  assert.equal(up('pw_file'), 1);
  assert.equal(seen['file']!.filter((s) => s.startsWith(basic('bob', PW_FILE_2))).length >= 1, true);
  await m.flushAlerts();

  const res = await fetch(`${system.address!.url}/api/v1/status`);
  assert.equal(res.status, 200);
  const status = await res.text();
  assert.match(status, /Target wrong is down|"wrong"/);
  const files = filesUnder(join(dir, 'stats'));
  assert.ok(files.some((f) => /alert_.*\.json$/.test(f)), 'target-down alerts reached echo.dash');
  const shown: Array<[string, string]> = [
    ['/api/v1/status', status],
    ['getComprehensiveStatus', JSON.stringify(system.getComprehensiveStatus())],
    ['log', logger.lines.map((l) => l.msg).join('\n')],
    ...files.map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
  ];
  assert.ok(shown.some(([, text]) => text.includes('<secret>')), 'redacted URLs are shown');
  for (const [where, text] of shown) {
    for (const s of SECRETS) assert.ok(!text.includes(s), `${s} appears in ${where}`);
  }
});

test('config check prints no credential, in success or failure', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'c.json');
  const lines: string[] = [];
  const out = (s: string): void => void lines.push(s);
  writeFileSync(file, JSON.stringify({ scrape_targets: [{ name: 'a', url: `http://u:${PW_URL}@127.0.0.1:9/m?api_key=${QUERY_KEY}` }] }));
  assert.equal(runConfigCheck(file, out, out), 0);
  writeFileSync(file, JSON.stringify({ scrape_targets: [{ name: 'a', url: `http://u:${PW_URL}@127.0.0.1:9/m`, bearer_token: TOKEN, intervall: 1 }] }));
  assert.equal(runConfigCheck(file, out, out), 2);
  const all = lines.join('');
  assert.match(all, /intervall/);
  for (const s of SECRETS) assert.ok(!all.includes(s), `${s} in ${all}`);
});
