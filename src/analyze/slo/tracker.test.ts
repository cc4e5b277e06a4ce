// The SLO tracker over a real vLLM page (test/fixtures/engines, parsed by the
// real parser) scraped every 15 s into a real SeriesStore, with requests
// observed into its histograms between scrapes. Expected figures are worked
// out by hand in the comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'valibot';
import { parseExposition } from '../../core/exposition/index.js';
import { sloRuleSchema } from '../../config/rules/slo.js';
import { add, familyTypes, fixture, newStore, scrape, STEP, T0, type Edit } from '../engines/scrapes.test.js';
import type { EngineSource } from '../engines/derive.js';
import { SloTracker } from './tracker.js';

const PAGE = parseExposition(fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt'));
const JOB = 'vllm-a';
const SOURCE: EngineSource = { name: JOB, families: familyTypes(PAGE) };
const TTFT = 'vllm:time_to_first_token_seconds';

/** `good` requests with TTFT 0.1 s and `bad` with TTFT 1 s observed since the page's (zero) counts. */
function ttft(good: number, bad: number): Edit {
  return (n, l, v) => {
    if (n === `${TTFT}_count`) return v + good + bad;
    if (n === `${TTFT}_sum`) return v + good * 0.1 + bad;
    if (n !== `${TTFT}_bucket`) return v;
    const le = l['le'] === '+Inf' ? Infinity : Number(l['le']);
    return v + (le >= 0.1 ? good : 0) + (le >= 1 ? bad : 0);
  };
}

function tracker(rule: Record<string, unknown>): SloTracker {
  return new SloTracker([parse(sloRuleSchema, { kind: 'slo', ...rule })]);
}

describe('SloTracker', () => {
  it('fires the slow burn, then the fast burn, while TTFT is bad, and resolves with hand-computed budget figures', () => {
    // 10 requests per 15 s scrape. Scrapes k = 1..120 (30 min): all good;
    // k = 121..150: all TTFT 1 s (bad for ≤ 500 ms); then good again.
    const store = newStore();
    const slo = tracker({ engine: JOB, ttft_ms: 500, objective: 0.99 });
    let good = 0;
    let bad = 0;
    const events: { k: number; severity?: string; message: string; kind: 'fire' | 'resolve' }[] = [];
    let firing: string | undefined;
    for (let k = 0; k <= 270; k++) {
      if (k > 0) {
        if (k > 120 && k <= 150) bad += 10;
        else good += 10;
      }
      const at = T0 + k * STEP;
      store.append(scrape(PAGE, JOB, at, [ttft(good, bad), add('vllm:request_success_total', good + bad, { finished_reason: 'stop' })]));
      const found = slo.evaluate(at, store, [SOURCE]);
      assert.ok(found.length <= 1);
      const f = found[0];
      // One event per change of the entry that fires (told apart by its long window).
      const entry = f?.message.match(/over (\S+ \S+) and/)?.[1];
      if (f !== undefined && entry !== firing) events.push({ k, severity: f.severity, message: f.message, kind: 'fire' });
      for (const r of slo.recoveries()) events.push({ k, message: r.message, kind: 'resolve' });
      firing = entry;
      if (k === 120) {
        const [s] = slo.status();
        assert.equal(s?.goodRatio, 1);
        assert.equal(s?.budgetLeft, 1);
        assert.deepEqual(
          s?.burnRates.map((b) => [b.window, b.burnRate]),
          [['5m', 0], ['30m', 0], ['1h', 0], ['6h', 0], ['3d', 0]],
        );
      }
      if (k === 141) {
        const [f141] = found;
        assert.equal(f141?.kind, 'slo');
        assert.equal(f141?.metric, 'ttft_ms');
        assert.deepEqual(f141?.labels, { engine: JOB, slo: 'slo:ttft_500ms' });
        assert.equal(f141?.threshold, 14.4);
      }
    }
    // 6× over 6 h and 30 min (both critical): the 6 h window holds all 128 steps
    // so far, 8 of them bad: 8 / 128 / 0.01 = 6.25×; the 30 min window 8 / 120 → 6.67×.
    // Budget over the period so far: 1 − (80 / 1280) / 0.01 = −5.25.
    // 14.4× over 1 h and 5 min: the hour holds 141 steps, 21 bad: 21 / 141 / 0.01 = 14.9×
    // (at 140: 20 / 140 → 14.3×, under); 5 min: 20 of 20 bad → 100×.
    assert.deepEqual(events, [
      {
        k: 128,
        kind: 'fire',
        severity: 'critical',
        message: 'vllm-a burns its TTFT ≤ 500 ms SLO (99 %) error budget at 6.25× over 6 h and 6.67× over 30 min: the budget is overspent by 525 %',
      },
      {
        k: 141,
        kind: 'fire',
        severity: 'critical',
        message: 'vllm-a burns its TTFT ≤ 500 ms SLO (99 %) error budget at 14.9× over 1 h and 100× over 5 min: the budget is overspent by 1390 %',
      },
      // The 5 min window has 3 bad steps last at k = 167 (15×), none at 168 → 6× takes over:
      // its 30 min window holds all 30 bad steps until k = 240, then 270 − k of them;
      // (270 − k) / 120 / 0.01 > 6 until k = 262. At 263: 7 / 120 → 5.83×.
      { k: 168, kind: 'fire', severity: 'critical', message: events[2]?.message ?? '' },
      { k: 263, kind: 'resolve', message: "vllm-a's TTFT ≤ 500 ms SLO (99 %) burn back to 5.83× (30 min)" },
    ]);
    assert.match(events[2]?.message ?? '', /over 6 h and 25× over 30 min/);
    // Over the period: 2700 requests, 300 bad → good 8/9, budget 1 − (1/9)/0.01 = −10.1.
    const [s] = slo.status();
    assert.ok(s !== undefined);
    assert.ok(Math.abs(s.goodRatio! - 8 / 9) < 1e-12);
    assert.ok(Math.abs(s.budgetLeft! - (1 - 1 / 9 / 0.01)) < 1e-9);
    assert.equal(s.observedSeconds, 270 * 15);
    assert.equal(s.firing, undefined);
    assert.deepEqual(s.warnings, []);
  });

  it('counts across an engine restart as increase() does: the new value after a drop was gained', () => {
    const store = newStore();
    const slo = tracker({ ttft_ms: 500 });
    // k0: 100 good since the engine started (before the agent: a baseline).
    // k1: +100 good. k2: restarted, 5 bad since. k3: +5 good.
    const pages: [good: number, bad: number][] = [[100, 0], [200, 0], [0, 5], [5, 5]];
    pages.forEach(([g, b], k) => {
      store.append(scrape(PAGE, JOB, T0 + k * STEP, [ttft(g, b)]));
      slo.evaluate(T0 + k * STEP, store, [SOURCE]);
    });
    // good: 100 + 0 + 5 = 105; total: 100 + 5 + 5 = 110.
    const [s] = slo.status();
    assert.ok(Math.abs(s!.goodRatio! - 105 / 110) < 1e-12);
    assert.equal(s!.engine, JOB);
  });

  it('errors: true counts finished requests that did not abort or error, and SLO criteria combine by the smaller share', () => {
    const store = newStore();
    const slo = tracker({ errors: true, ttft_ms: 500, objective: 0.9 });
    store.append(scrape(PAGE, JOB, T0, []));
    slo.evaluate(T0, store, [SOURCE]);
    // 20 finished: 16 stop, 2 length, 1 abort, 1 error → 2 failed (share good 0.9);
    // TTFT: 19 of 20 under 500 ms (0.95). The SLO's good share is the smaller, 0.9.
    store.append(
      scrape(PAGE, JOB, T0 + STEP, [
        add('vllm:request_success_total', 16, { finished_reason: 'stop' }),
        add('vllm:request_success_total', 2, { finished_reason: 'length' }),
        add('vllm:request_success_total', 1, { finished_reason: 'abort' }),
        add('vllm:request_success_total', 1, { finished_reason: 'error' }),
        ttft(19, 1),
      ]),
    );
    slo.evaluate(T0 + STEP, store, [SOURCE]);
    const [s] = slo.status();
    assert.equal(s!.slo, 'slo:ttft_500ms:errors');
    assert.equal(s!.description, 'TTFT ≤ 500 ms and error-free');
    assert.ok(Math.abs(s!.goodRatio! - 0.9) < 1e-12);
    // budget left: 1 − 0.1 / 0.1 = 0
    assert.ok(Math.abs(s!.budgetLeft!) < 1e-9);
  });

  it('counts a target between bucket bounds under the lower bound, and says so in status', () => {
    const store = newStore();
    const slo = tracker({ ttft_ms: 300 }); // bounds … 0.25, 0.5 …: 0.1 s is good, 1 s is not
    store.append(scrape(PAGE, JOB, T0, []));
    slo.evaluate(T0, store, [SOURCE]);
    store.append(scrape(PAGE, JOB, T0 + STEP, [ttft(3, 1)]));
    slo.evaluate(T0 + STEP, store, [SOURCE]);
    const [s] = slo.status();
    assert.equal(s!.goodRatio, 0.75);
    assert.deepEqual(s!.warnings, ["TTFT target 300 ms is not a bucket bound of the engine's histogram: requests under 250 ms count as good"]);
    const names = slo.samples(T0 + STEP).map((x) => `${x.name}${x.labels['window'] ?? ''}=${x.v}`);
    assert.ok(names.includes('slo_good_ratio=0.75'), names.join());
    assert.ok(names.includes('slo_objective=0.99'));
    assert.ok(names.some((n) => n.startsWith('slo_error_budget_burn_rate5m=')));
  });
});
