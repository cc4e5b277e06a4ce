/**
 * formatExposition's text 0.0.4 output checked by Prometheus's own tool:
 * `promtool check metrics` (prometheus/common expfmt parser + client_golang lint)
 * must read it without a parse error.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatExposition, parseExposition } from '../../src/core/exposition/index.js';
import type { MetricFamily } from '../../src/core/exposition/index.js';
import { requirePeer } from '../helpers/peers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/engines/', import.meta.url));

/** Lint findings that are about naming conventions of the source page, not about the format. */
const NAMING_LINTS = [
  /metric names should not contain ':'/,
  /counter metrics should have "_total" suffix/,
  /non-counter metrics should not have "_total" suffix/,
  /non-histogram and non-summary metrics should not have "_(count|sum|bucket)" suffix/,
  /label names should be written in 'snake_case' not 'camelCase'/,
  /metric name should not include type '\w+'/,
  /no help text/,
];

/** Writes `page` to a temp file and runs `promtool check metrics` with it on stdin. */
function checkMetrics(t: TestContext, promtool: string, page: string): { status: number | null; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-promtool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'metrics.prom');
  writeFileSync(file, page);
  const fd = openSync(file, 'r');
  try {
    const r = spawnSync(promtool, ['check', 'metrics'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.error, undefined, String(r.error));
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
    return { status: r.status, lines };
  } finally {
    closeSync(fd);
  }
}

const FAMILIES: MetricFamily[] = [
  {
    name: 'echo_requests_total',
    type: 'counter',
    help: 'Requests served, by "path" (a \\ backslash and a\nnewline in HELP).',
    samples: [
      { name: 'echo_requests_total', labels: { path: '/v1/chat "quoted"', note: 'back\\slash\nnew line' }, value: 42 },
      { name: 'echo_requests_total', labels: { path: '/v1/models', note: '' }, value: 7, timestamp: 1700000000123 },
    ],
  },
  {
    name: 'echo_queue_depth',
    type: 'gauge',
    help: 'Requests waiting.',
    samples: [
      { name: 'echo_queue_depth', labels: { engine: '0' }, value: 3 },
      { name: 'echo_queue_depth', labels: { engine: '1' }, value: NaN },
      { name: 'echo_queue_depth', labels: { engine: '2' }, value: -Infinity },
    ],
  },
  {
    name: 'echo_ttft_seconds',
    type: 'histogram',
    help: 'Time to first token.',
    samples: [
      { name: 'echo_ttft_seconds_bucket', labels: { model: 'Qwen/Qwen2.5-0.5B-Instruct', le: '0.1' }, value: 1 },
      { name: 'echo_ttft_seconds_bucket', labels: { model: 'Qwen/Qwen2.5-0.5B-Instruct', le: '1' }, value: 4 },
      { name: 'echo_ttft_seconds_bucket', labels: { model: 'Qwen/Qwen2.5-0.5B-Instruct', le: '+Inf' }, value: 5 },
      { name: 'echo_ttft_seconds_sum', labels: { model: 'Qwen/Qwen2.5-0.5B-Instruct' }, value: 2.75 },
      { name: 'echo_ttft_seconds_count', labels: { model: 'Qwen/Qwen2.5-0.5B-Instruct' }, value: 5 },
      { name: 'echo_ttft_seconds_created', labels: { model: 'Qwen/Qwen2.5-0.5B-Instruct' }, value: 1700000000.5 },
    ],
  },
  {
    name: 'echo_tpot_seconds',
    type: 'summary',
    help: 'Time per output token.',
    samples: [
      { name: 'echo_tpot_seconds', labels: { quantile: '0.5' }, value: 0.02 },
      { name: 'echo_tpot_seconds', labels: { quantile: '0.99' }, value: 0.08 },
      { name: 'echo_tpot_seconds_sum', labels: {}, value: 1.5 },
      { name: 'echo_tpot_seconds_count', labels: {}, value: 60 },
    ],
  },
  {
    name: 'echo_build',
    type: 'info',
    help: 'Build information.',
    samples: [{ name: 'echo_build_info', labels: { version: '0.1.0' }, value: 1 }],
  },
];

describe('promtool check metrics reads formatExposition text output', () => {
  it('accepts families of every text type, with escapes, specials and a timestamp, without complaint', (t) => {
    const promtool = requirePeer(t, 'promtool');
    if (promtool === undefined) return;
    const page = formatExposition(FAMILIES, 'text');
    const { status, lines } = checkMetrics(t, promtool, page);
    assert.deepEqual(lines, [], page);
    assert.equal(status, 0);
    // And the page reads back as written, apart from the _created series that text 0.0.4 puts in its own family.
    const back = parseExposition(page, 'text/plain; version=0.0.4');
    assert.deepEqual(
      back.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['echo_requests_total', 'counter', 2],
        ['echo_queue_depth', 'gauge', 3],
        ['echo_ttft_seconds', 'histogram', 5],
        ['echo_ttft_seconds_created', 'gauge', 1],
        ['echo_tpot_seconds', 'summary', 4],
        ['echo_build_info', 'gauge', 1],
      ],
    );
  });

  it('accepts a re-formatted engine page (vLLM V1) with only naming lints from the source page', (t) => {
    const promtool = requirePeer(t, 'promtool');
    if (promtool === undefined) return;
    const source = readFileSync(FIXTURES + 'vllm-v1-2026-qwen2.5-0.5b.metrics.txt', 'utf8');
    const page = formatExposition(parseExposition(source, 'text/plain'), 'text');
    const { status, lines } = checkMetrics(t, promtool, page);
    assert.ok(status === 0 || status === 3, `exit ${status} (0 = clean, 3 = lint findings, 1 = parse error): ${lines.join('\n')}`);
    for (const line of lines) {
      assert.ok(NAMING_LINTS.some((re) => re.test(line)), `unexpected promtool output: ${line}`);
    }
    // The source page itself gets the same verdict: formatting added nothing.
    const original = checkMetrics(t, promtool, source.endsWith('\n') ? source : source + '\n');
    assert.deepEqual(lines, original.lines);
  });
});
