// The stalled-engine rule over unified series in a real SeriesStore: one
// unified evaluation every 15 s, a 30 s window (stallIntervals = 2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertSeverity } from '../../core/severity.js';
import type { Sample } from '../../core/types.js';
import { deriveEngineMetrics } from './derive.js';
import { familyTypes, fixture, newStore, scrape, set, STEP, T0 } from './scrapes.test.js';
import { evaluateEngineStalls } from './stall.js';
import { parseExposition } from '../../core/exposition/index.js';

const AT = T0 + 2 * STEP;
const WINDOW = 2 * STEP;

/** Unified samples for engine `e1`, model `m`: one [running, waiting, tokens/s] per step ending at AT. */
function unified(steps: readonly (readonly [running: number, waiting: number, tokens: number | undefined])[], extra: Record<string, string> = {}): Sample[] {
  const out: Sample[] = [];
  const t0 = AT - (steps.length - 1) * STEP;
  steps.forEach(([running, waiting, tokens], k) => {
    const labels = { engine: 'e1', model: 'm', ...extra };
    const t = t0 + k * STEP;
    out.push({ name: 'requests_running', labels, t, v: running }, { name: 'requests_waiting', labels, t, v: waiting });
    if (tokens !== undefined) out.push({ name: 'token_throughput', labels, t, v: tokens });
  });
  return out;
}

function stalls(samples: readonly Sample[], at = AT, windowMs = WINDOW) {
  const store = newStore();
  store.append(samples);
  return evaluateEngineStalls(store, [{ name: 'e1' }], at, windowMs);
}

describe('evaluateEngineStalls', () => {
  it('fires when requests wait and none run throughout the window', () => {
    const [f, ...rest] = stalls(unified([[0, 5, 0], [0, 5, 0], [0, 7, 0]]));
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.key, 'engine_stalled:e1');
    assert.equal(f.metric, 'engine_stalled');
    assert.equal(f.component, 'e1');
    assert.equal(f.kind, 'engine');
    assert.equal(f.severity, AlertSeverity.CRITICAL);
    assert.equal(f.value, 7);
    assert.match(f.message, /7 requests waiting, none running for 30s/);
    assert.equal(f.metadata['reason'], 'waiting_none_running');
  });

  it('fires when requests run and no token is generated throughout the window', () => {
    const [f, ...rest] = stalls(unified([[3, 0, 0], [3, 1, 0], [3, 1, 0]]));
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.value, 3);
    assert.match(f.message, /3 requests running but 0 tokens\/s for 30s/);
    assert.equal(f.metadata['reason'], 'running_no_tokens');
  });

  it('stays quiet for a healthy or an idle engine', () => {
    assert.deepEqual(stalls(unified([[3, 2, 40], [3, 2, 35], [4, 0, 41]])), []);
    assert.deepEqual(stalls(unified([[0, 0, 0], [0, 0, 0], [0, 0, 0]])), []);
  });

  it('stays quiet when the condition held for only part of the window', () => {
    assert.deepEqual(stalls(unified([[3, 0, 40], [0, 5, 0], [0, 5, 0]])), []);
    assert.deepEqual(stalls(unified([[3, 0, 0], [3, 0, 12], [3, 0, 0]])), []);
  });

  it('needs at least 2 samples in the window', () => {
    assert.deepEqual(stalls(unified([[0, 5, 0]])), []);
    // Older samples fall outside [AT − window, AT].
    assert.deepEqual(stalls(unified([[0, 5, 0], [0, 5, 0], [0, 5, 0], [0, 5, 0]]), AT, STEP / 2), []);
  });

  it('does not take a missing token rate for 0', () => {
    assert.deepEqual(stalls(unified([[3, 0, undefined], [3, 0, undefined]])), []);
  });

  it('reads the per-engine series, not the per-index ones', () => {
    const healthy = unified([[5, 0, 40], [5, 0, 40], [5, 0, 40]]);
    const stalledIndex = unified([[2, 0, 0], [2, 0, 0], [2, 0, 0]], { engine_index: '1' });
    assert.deepEqual(stalls([...healthy, ...stalledIndex]), []);
  });

  it('sums the models of one engine', () => {
    const a = unified([[0, 4, 0], [0, 4, 0]]);
    const b = unified([[2, 0, 30], [2, 0, 30]]).map((s) => ({ ...s, labels: { ...s.labels, model: 'other' } }));
    assert.deepEqual(stalls([...a, ...b]), []); // the engine runs requests for the other model
  });

  it('fires on unified metrics derived from scraped vLLM pages', () => {
    // A vLLM engine whose scheduler holds 6 requests and runs none, scraped 3 times.
    const families = parseExposition(fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt'));
    const source = { name: 'vllm-s', families: familyTypes(families) };
    const store = newStore();
    for (let k = 0; k < 4; k++) {
      const t = T0 + (k - 1) * STEP;
      store.append(scrape(families, 'vllm-s', t, [set('vllm:num_requests_waiting', 6)]));
      if (k > 0) store.append(deriveEngineMetrics(store, [source], t, STEP));
    }
    const [f] = evaluateEngineStalls(store, [source], AT, WINDOW);
    assert.ok(f);
    assert.match(f.message, /6 requests waiting, none running for 30s/);
  });
});
