/**
 * Parse throughput on a ~1 MB engine page: echo-perf's parser against the npm
 * package parse-prometheus-text-format, in the same process and run.
 * Run: node --import tsx bench/parse.bench.ts
 * Last stdout line: {"bench":"parse","oursMBps":…,"peerMBps":…,"ratio":…}
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseExposition } from '../src/core/exposition/index.js';
import { buildPage, median, time } from './common.js';

const RUNS = 15;
const WARMUP = 5;

const { page, copies } = buildPage('vllm-v1-2026-qwen2.5-0.5b.metrics.txt', 1_000_000);
const mb = Buffer.byteLength(page, 'utf8') / 1e6;

const ours = parseExposition(page, 'text/plain; version=0.0.4');
const peer = parsePrometheusTextFormat(page);
const samples = ours.reduce((a, f) => a + f.samples.length, 0);

const oursMs = median(time(() => parseExposition(page, 'text/plain; version=0.0.4'), RUNS, WARMUP));
const peerMs = median(time(() => parsePrometheusTextFormat(page), RUNS, WARMUP));
const oursMBps = mb / (oursMs / 1000);
const peerMBps = mb / (peerMs / 1000);

process.stdout.write(
  `page: ${mb.toFixed(3)} MB, ${copies} copies of the vLLM fixture, ${ours.length} families (peer: ${peer.length}), ${samples} samples\n` +
    `echo-perf parseExposition: median ${oursMs.toFixed(2)} ms = ${oursMBps.toFixed(1)} MB/s (${RUNS} runs after ${WARMUP} warm-up)\n` +
    `parse-prometheus-text-format: median ${peerMs.toFixed(2)} ms = ${peerMBps.toFixed(1)} MB/s\n` +
    `node ${process.version}\n`,
);
const round = (x: number): number => Math.round(x * 10) / 10;
process.stdout.write(
  JSON.stringify({ bench: 'parse', oursMBps: round(oursMBps), peerMBps: round(peerMBps), ratio: Math.round((oursMBps / peerMBps) * 100) / 100 }) + '\n',
);
