/**
 * Parse throughput on a ~1 MB engine page: echo-perf's parser against the npm
 * package parse-prometheus-text-format, in the same process and run, timed in
 * turns so that load on a shared machine hits both alike.
 * Run: node --import tsx bench/parse.bench.ts
 * Last stdout line: {"bench":"parse","oursMBps":…,"peerMBps":…,"ratio":…}
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { formatExposition, parseExposition } from '../src/core/exposition/index.js';
import { buildPage, median, timeInTurns } from './common.js';

const RUNS = 15;
/** V8 needs about 15 parses of a 1 MB page before its optimised code settles; both parsers get the same warm-up. */
const WARMUP = 30;

const { page, copies } = buildPage('vllm-v1-2026-qwen2.5-0.5b.metrics.txt', 1_000_000);
const mb = Buffer.byteLength(page, 'utf8') / 1e6;

const ours = parseExposition(page, 'text/plain; version=0.0.4');
const peer = parsePrometheusTextFormat(page);
const samples = ours.reduce((a, f) => a + f.samples.length, 0);

// For information: the same families as OpenMetrics (the peer reads only text 0.0.4).
const omPage = formatExposition(ours, 'openmetrics');
const [oursRuns, peerRuns, omRuns] = timeInTurns(
  [
    () => parseExposition(page, 'text/plain; version=0.0.4'),
    () => parsePrometheusTextFormat(page),
    () => parseExposition(omPage, 'application/openmetrics-text; version=1.0.0'),
  ],
  RUNS,
  WARMUP,
);
const oursMs = median(oursRuns!);
const peerMs = median(peerRuns!);
const omMs = median(omRuns!);
const oursMBps = mb / (oursMs / 1000);
const peerMBps = mb / (peerMs / 1000);
const omMBps = Buffer.byteLength(omPage, 'utf8') / 1e6 / (omMs / 1000);

process.stdout.write(
  `page: ${mb.toFixed(3)} MB, ${copies} copies of the vLLM fixture, ${ours.length} families (peer: ${peer.length}), ${samples} samples\n` +
    `echo-perf parseExposition: median ${oursMs.toFixed(2)} ms = ${oursMBps.toFixed(1)} MB/s (${RUNS} runs each, taken in turns with the peer, after ${WARMUP} warm-up runs each)\n` +
    `parse-prometheus-text-format: median ${peerMs.toFixed(2)} ms = ${peerMBps.toFixed(1)} MB/s\n` +
    `echo-perf parseExposition, same families as OpenMetrics: median ${omMs.toFixed(2)} ms = ${omMBps.toFixed(1)} MB/s\n` +
    `node ${process.version}\n`,
);
const round = (x: number): number => Math.round(x * 10) / 10;
process.stdout.write(
  JSON.stringify({ bench: 'parse', oursMBps: round(oursMBps), peerMBps: round(peerMBps), ratio: Math.round((oursMBps / peerMBps) * 100) / 100 }) + '\n',
);
