/**
 * How long a big scrape holds the event loop: a target serving a page at the
 * default sample_limit (20 000 samples, ~1.2 MB) is scraped and stored while a
 * 1 ms interval timer measures the longest gap between its calls (the longest
 * time nothing else, /healthz included, could run). The page is served by a
 * child process, so its own work does not count. Baseline in the same run:
 * the same page parsed in one piece (`parseExposition`), the block a scrape
 * would cause without slicing.
 * Run: node --import tsx bench/scrape-block.bench.ts
 */
import { spawn } from 'node:child_process';
import { ManualClock } from '../src/core/clock.js';
import { parseExposition } from '../src/core/exposition/index.js';
import { silentLogger } from '../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { median } from './common.js';

const SAMPLES = 19_999;
const RUNS = 12;
const WARMUP = 4;

const serverSource = `
const { createServer } = require('node:http');
let page = '# TYPE big gauge\\n';
for (let i = 0; i < ${SAMPLES}; i++) page += 'big{instance_id="node-' + i + '",zone="z' + (i % 7) + '",pod="pod-' + (i % 300) + '"} ' + i + '.5\\n';
const s = createServer((_q, r) => { r.setHeader('content-type', 'text/plain; version=0.0.4'); r.end(page); });
s.listen(0, '127.0.0.1', () => process.send({ port: s.address().port, page }));
`;
const child = spawn(process.execPath, ['-e', serverSource], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const { port, page } = await new Promise<{ port: number; page: string }>((r) => child.once('message', (m) => r(m as { port: number; page: string })));

const monitor = new UnifiedPerformanceMonitor({
  config: { scrape_targets: [{ name: 'big', url: `http://127.0.0.1:${port}/metrics` }], log_level: 'silent' },
  clock: new ManualClock(Date.now()),
  systemCollector: false,
  gpuCollector: false,
  logger: silentLogger,
});

const gaps: number[] = [];
for (let k = 0; k < WARMUP + RUNS; k++) {
  let worst = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await monitor.collectNow();
  clearInterval(probe);
  if (monitor.scrapes.statuses()['big']!.health !== 'up') throw new Error('the page was not read');
  if (k >= WARMUP) gaps.push(worst);
}
const onePiece: number[] = [];
for (let k = 0; k < WARMUP + RUNS; k++) {
  const t0 = performance.now();
  parseExposition(page, 'text/plain', { strict: false });
  if (k >= WARMUP) onePiece.push(performance.now() - t0);
}
child.kill();
const ours = median(gaps);
const base = median(onePiece);
console.log(
  `scrape of a ${(page.length / 1e6).toFixed(2)} MB page (${SAMPLES} samples) and one tick: longest event-loop gap median ${ours.toFixed(1)} ms ` +
    `(max ${Math.max(...gaps).toFixed(1)} ms over ${RUNS} runs); the page parsed in one piece takes ${base.toFixed(1)} ms`,
);
console.log(
  JSON.stringify({ bench: 'scrape-block', samples: SAMPLES, worstGapMs: Math.round(ours * 10) / 10, onePieceParseMs: Math.round(base * 10) / 10, ratio: Math.round((base / ours) * 100) / 100 }),
);
