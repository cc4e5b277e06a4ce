import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { EchoPerfError } from '../../src/core/errors.js';
import { parseExposition, type MetricFamily } from '../../src/core/exposition/index.js';
import { FLAVORS, runSimulateEngine, startEngineSimulator, type EngineSimOptions, type EngineSimulator } from '../../src/simulate/engine/index.js';

// Real engine pages and an extract of the engine reference (test/fixtures/engines, see its SOURCES.md).
const engineFixture = (file: string): string => readFileSync(new URL(`../fixtures/engines/${file}`, import.meta.url), 'utf8');
const fixture = (name: string): Map<string, MetricFamily> => byName(parseExposition(engineFixture(`${name}.metrics.txt`)));
const byName = (fams: MetricFamily[]): Map<string, MetricFamily> => new Map(fams.map((f) => [f.name, f]));

async function start(t: TestContext, o: Partial<EngineSimOptions> & Pick<EngineSimOptions, 'flavor'>): Promise<EngineSimulator> {
  const sim = await startEngineSimulator({ port: 0, clock: new ManualClock(1_760_000_000_000), ...o });
  t.after(() => sim.close());
  return sim;
}
async function scrape(sim: EngineSimulator): Promise<Map<string, MetricFamily>> {
  const r = await fetch(sim.metricsUrl);
  assert.equal(r.status, 200);
  return byName(parseExposition(await r.text(), r.headers.get('content-type') ?? undefined));
}
/** Value of the one series of `name` (summed over series whose labels match `where`). */
function value(page: Map<string, MetricFamily>, name: string, sample = name, where: Record<string, string> = {}): number {
  const f = page.get(name);
  assert.ok(f, `${name} missing`);
  const ss = f.samples.filter((s) => s.name === sample && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  assert.ok(ss.length > 0, `${sample} has no series`);
  return ss.reduce((a, s) => a + s.value, 0);
}
const labelNames = (f: MetricFamily): string[] => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort();
const firstSeries = (f: MetricFamily): string[] => {
  const b = f.samples.filter((s) => s.name.endsWith('_bucket'));
  const key = (s: (typeof b)[number]): string => JSON.stringify(Object.entries(s.labels).filter(([k]) => k !== 'le'));
  return b.filter((s) => key(s) === key(b[0]!)).map((s) => s.labels['le']!);
};

/** Every family of `fx` the simulator claims has the fixture's type, label names, buckets and HELP. */
function assertShapes(sim: EngineSimulator, page: Map<string, MetricFamily>, fx: Map<string, MetricFamily>, rename = (n: string) => n, skip: string[] = []): number {
  let n = 0;
  for (const [fxName, want] of fx) {
    const name = rename(fxName);
    if (!sim.families.includes(name) || skip.includes(fxName)) continue;
    const got = page.get(name);
    assert.ok(got, `${name} is claimed but not on the page`);
    assert.equal(got.type, want.type, `${name} type`);
    assert.deepEqual(labelNames(got), labelNames(want), `${name} label names`);
    if (want.type === 'histogram') assert.deepEqual(firstSeries(got), firstSeries(want), `${name} buckets`);
    if (want.help !== undefined) assert.equal(got.help, want.help, `${name} HELP`);
    n++;
  }
  return n;
}

test('vLLM: the page matches the real v1 scrapes family by family', async (t) => {
  const sim = await start(t, { flavor: 'vllm' });
  await sim.advance(20_000);
  const page = await scrape(sim);
  const recent = fixture('vllm-v1-2026-qwen2.5-0.5b');
  // Everything but the HTTP instrumentator's families is covered.
  const own = [...recent.keys()].filter((n) => !n.startsWith('http_'));
  assert.equal(assertShapes(sim, page, recent), own.length);
  // The older nvcr 25.09 scrape: same shapes for what both have (its CacheConfig fields differ by
  // version); what it has beyond are the names deprecated since (gpu_cache_*, time_per_output_token).
  const older = fixture('vllm-0.10-v1-nvcr-25.09-qwen3-4b');
  const deprecated = [...older.keys()].filter((n) => !n.startsWith('http_') && !sim.families.includes(n));
  assert.deepEqual(deprecated.map((n) => n.replace(/^vllm:(gpu_|time_per_output).*/, 'old')), Array<string>(7).fill('old'));
  const common = [...older.keys()].filter((n) => !n.startsWith('http_')).length - deprecated.length - 1;
  assert.equal(assertShapes(sim, page, older, (n) => n, ['vllm:cache_config_info']), common);
  const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { data: Array<{ id: string; owned_by: string }> };
  assert.deepEqual([models.data[0]?.id, models.data[0]?.owned_by], ['Qwen/Qwen2.5-0.5B-Instruct', 'vllm']);
});

test('SGLang and TGI: every family of their recorded pages, same shape', async (t) => {
  for (const [flavor, name] of [['sglang', 'sglang-docs-example'], ['tgi', 'tgi-datadog-fixture-excerpt']] as const) {
    const sim = await start(t, { flavor });
    await sim.advance(20_000);
    const fx = fixture(name);
    assert.equal(assertShapes(sim, await scrape(sim), fx), fx.size, flavor);
  }
  const tgi = await start(t, { flavor: 'tgi' });
  await tgi.advance(5_000);
  const text = await (await fetch(tgi.metricsUrl)).text();
  assert.match(text, /\n\n# HELP tgi_request_count Total number of requests\n# TYPE tgi_request_count counter\ntgi_request_count \d+\n\n/);
});

test('Aphrodite: vLLM v1 shapes under aphrodite:, and only names engines.md documents', async (t) => {
  const sim = await start(t, { flavor: 'aphrodite', engines: 2 });
  await sim.advance(20_000);
  const page = await scrape(sim);
  assert.ok(assertShapes(sim, page, fixture('vllm-v1-2026-qwen2.5-0.5b'), (n) => n.replace(/^vllm:/, 'aphrodite:')) >= 70);
  const md = engineFixture('aphrodite-v1-metrics-table.md');
  const documented = documentedNames(md.slice(md.indexOf('### 1.3'), md.indexOf('Deprecated-and-hidden')));
  const own = [...page.keys()].filter((n) => n.startsWith('aphrodite:') && !n.endsWith('_created'));
  assert.deepEqual(own.filter((n) => !documented.has(n)), []);
  for (const core of ['num_requests_running', 'num_requests_waiting', 'kv_cache_usage_perc', 'prompt_tokens_total', 'generation_tokens_total', 'request_success_total', 'num_preemptions_total', 'time_to_first_token_seconds', 'inter_token_latency_seconds', 'e2e_request_latency_seconds', 'request_queue_time_seconds']) {
    assert.ok(own.includes(`aphrodite:${core}`), core);
  }
  assert.deepEqual([...new Set(page.get('aphrodite:num_requests_running')!.samples.map((s) => s.labels['engine']))], ['0', '1']);
});

/** `aphrodite:` names of engines.md §1.3, expanding its shorthand (`..._hits_total`, `_inference_time_`). */
function documentedNames(section: string): Set<string> {
  const out = new Set<string>();
  for (const line of section.split('\n')) {
    let last = '';
    for (const [, tok] of line.matchAll(/`([^`]+)`/g)) {
      if (tok!.startsWith('aphrodite:')) out.add((last = tok!));
      else if (last !== '' && /^(\.\.\.)?_[a-z0-9_]+$/.test(tok!)) {
        const body = tok!.replace(/^\.\.\./, '');
        const cuts = [...last.matchAll(/_/g)].map((m) => m.index);
        for (const i of cuts) for (const j of body.endsWith('_') ? cuts.filter((j) => j > i) : [-1]) out.add(last.slice(0, i) + body + (j < 0 ? '' : last.slice(j + 1)));
      }
    }
  }
  return out;
}

test('every flavor: counters never go down, histograms are cumulative with +Inf == _count, tokens follow the load', async (t) => {
  for (const flavor of FLAVORS) {
    const sim = await start(t, { flavor });
    let prev: Map<string, number> | undefined;
    for (let i = 0; i < 12; i++) {
      await sim.advance(5_000);
      const page = await scrape(sim);
      const now = new Map<string, number>();
      for (const f of page.values()) {
        for (const s of f.samples) if (f.type === 'counter' || (f.type === 'histogram' && !s.name.endsWith('_created'))) now.set(s.name + JSON.stringify(s.labels), s.value);
        if (f.type !== 'histogram') continue;
        for (const series of new Set(f.samples.filter((s) => s.name.endsWith('_count')).map((s) => JSON.stringify(s.labels)))) {
          const labels = JSON.parse(series) as Record<string, string>;
          const same = (s: { labels: Record<string, string> }): boolean => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
          const buckets = f.samples.filter((s) => s.name.endsWith('_bucket') && same(s)).map((s) => s.value);
          for (let b = 1; b < buckets.length; b++) assert.ok(buckets[b]! >= buckets[b - 1]!, `${f.name} buckets not cumulative`);
          assert.equal(buckets.at(-1), f.samples.find((s) => s.name.endsWith('_count') && same(s))!.value, `${f.name} +Inf != _count`);
          assert.ok(f.samples.find((s) => s.name.endsWith('_sum') && same(s))!.value >= 0);
        }
      }
      // llama.cpp types n_busy_slots_per_decode as a counter, but it is an average and may go down.
      for (const [k, v] of prev ?? []) if (!k.startsWith('llamacpp:n_busy_slots_per_decode')) assert.ok((now.get(k) ?? Infinity) >= v, `${flavor}: ${k} went down`);
      prev = now;
    }
  }
  // Tokens counted as they are generated agree with the tokens of finished requests and with the reported rate.
  const sim = await start(t, { flavor: 'vllm' });
  await sim.advance(30_000);
  const a = await scrape(sim);
  let rate = 0;
  for (let i = 0; i < 60; i++) {
    await sim.advance(1_000);
    rate += sim.state().tokenRate / 60;
  }
  const b = await scrape(sim);
  const d = (name: string, sample = name): number => value(b, name, sample) - value(a, name, sample);
  const generated = d('vllm:generation_tokens_total') / 60;
  assert.ok(generated > 800 && generated < 2_500, `steady load generates ~1.3k tok/s, got ${generated}`);
  assert.ok(Math.abs(d('vllm:request_generation_tokens', 'vllm:request_generation_tokens_sum') / 60 / generated - 1) < 0.15);
  assert.ok(Math.abs(rate / generated - 1) < 0.05, `state().tokenRate ${rate} vs counter ${generated}`);
  assert.ok(Math.abs(d('vllm:prompt_tokens_total') / d('vllm:request_prompt_tokens', 'vllm:request_prompt_tokens_sum') - 1) < 0.15);
  const kv = value(b, 'vllm:kv_cache_usage_perc');
  assert.ok(kv > 0.25 && kv < 0.95, `steady KV ${kv}`);
});

/** The q-quantile's upper bucket bound of the observations between two scrapes. */
function quantile(a: Map<string, MetricFamily>, b: Map<string, MetricFamily>, name: string, q: number): number {
  const cum = (p: Map<string, MetricFamily>): Array<[number, number]> =>
    p.get(name)!.samples.filter((s) => s.name === `${name}_bucket`).map((s) => [Number(s.labels['le']), s.value]);
  const before = cum(a);
  const delta = cum(b).map(([le, v], i) => [le, v - before[i]![1]] as const);
  const total = delta.at(-1)![1];
  return delta.find(([, v]) => v >= q * total)![0];
}

test('load-spike: the queue builds and TTFT rises; kv-cache-saturation: KV near 100 % and preemptions', async (t) => {
  const sim = await start(t, { flavor: 'vllm' });
  await sim.advance(20_000);
  const a = await scrape(sim);
  await sim.advance(20_000);
  const b = await scrape(sim);
  sim.scenario = 'load-spike';
  await sim.advance(20_000);
  const c = await scrape(sim);
  assert.ok(sim.state().waiting > 50, `waiting ${sim.state().waiting}`);
  assert.ok(value(c, 'vllm:num_requests_waiting') > 50);
  const [calm, spike] = [quantile(a, b, 'vllm:time_to_first_token_seconds', 0.9), quantile(b, c, 'vllm:time_to_first_token_seconds', 0.9)];
  assert.ok(spike >= 10 * calm && spike >= 1, `TTFT p90 ${calm} s -> ${spike} s`);

  const kv = await start(t, { flavor: 'vllm', scenario: 'kv-cache-saturation' });
  await kv.advance(30_000);
  const p0 = value(await scrape(kv), 'vllm:num_preemptions_total');
  let usage = 0;
  for (let i = 0; i < 10; i++) {
    await kv.advance(3_000);
    usage += value(await scrape(kv), 'vllm:kv_cache_usage_perc') / 10;
  }
  assert.ok(usage > 0.85, `mean KV usage ${usage}`);
  assert.ok(kv.state().kvUsage > 0.9 || usage > 0.9);
  assert.ok(value(await scrape(kv), 'vllm:num_preemptions_total') > p0, 'preemptions grow');
});

test('engine-restart: connections fail, then every counter starts again from 0', async (t) => {
  const sim = await start(t, { flavor: 'vllm' });
  await sim.advance(30_000);
  sim.scenario = 'engine-restart';
  await sim.advance(26_000);
  const before = await scrape(sim);
  const g0 = value(before, 'vllm:generation_tokens_total');
  assert.ok(g0 > 50_000);
  await sim.advance(2_000);
  await assert.rejects(fetch(sim.metricsUrl));
  await assert.rejects(fetch(`${sim.url}/health`));
  await sim.advance(3_000);
  const after = await scrape(sim);
  assert.ok(value(after, 'vllm:generation_tokens_total') < 0.05 * g0);
  assert.ok(value(after, 'vllm:e2e_request_latency_seconds', 'vllm:e2e_request_latency_seconds_count') < 0.05 * value(before, 'vllm:e2e_request_latency_seconds', 'vllm:e2e_request_latency_seconds_count'));
  assert.ok(value(after, 'process_start_time_seconds') > value(before, 'process_start_time_seconds') + 25);
  assert.ok(value(after, 'vllm:generation_tokens_created') > value(before, 'vllm:generation_tokens_created'));
  assert.equal(sim.state().restarts, 1);
});

test('outage answers 503; stalled answers 200 while nothing runs and no token is generated', async (t) => {
  const sim = await start(t, { flavor: 'vllm' });
  await sim.advance(30_000);
  sim.scenario = 'outage';
  await sim.advance(1_000);
  for (const path of ['/metrics', '/health', '/v1/models']) assert.equal((await fetch(sim.url + path)).status, 503, path);
  sim.scenario = 'stalled';
  await sim.advance(2_000);
  assert.equal((await fetch(`${sim.url}/health`)).status, 200);
  const a = await scrape(sim);
  await sim.advance(10_000);
  const b = await scrape(sim);
  assert.equal(value(b, 'vllm:generation_tokens_total'), value(a, 'vllm:generation_tokens_total'));
  assert.equal(value(b, 'vllm:num_requests_running'), 0);
  assert.ok(value(b, 'vllm:num_requests_waiting') > value(a, 'vllm:num_requests_waiting') + 30);
  sim.scenario = 'steady';
  await sim.advance(5_000);
  assert.ok(value(await scrape(sim), 'vllm:generation_tokens_total') > value(b, 'vllm:generation_tokens_total'));
});

test('throughput-degradation: tokens/s falls > 15 % per 10 s, visible to a 10-sample trend at 1 s', async (t) => {
  const sim = await start(t, { flavor: 'vllm' });
  await sim.advance(30_000);
  sim.scenario = 'throughput-degradation';
  await sim.advance(10_000);
  const g: number[] = [];
  for (let i = 0; i <= 20; i++) {
    g.push(value(await scrape(sim), 'vllm:generation_tokens_total'));
    await sim.advance(1_000);
  }
  const [earlier, last] = [(g[10]! - g[0]!) / 10, (g[20]! - g[10]!) / 10];
  assert.ok(last < 0.85 * earlier, `rate ${earlier} -> ${last} tok/s`);
  // Least-squares line through the last ten 1-s rates: its decline across them exceeds 15 %.
  const rates = g.slice(10).map((v, i, a) => (i === 0 ? NaN : v - a[i - 1]!)).slice(1);
  const xm = 4.5;
  const ym = rates.reduce((s, v) => s + v, 0) / 10;
  const slope = rates.reduce((s, v, x) => s + (x - xm) * (v - ym), 0) / rates.reduce((s, _v, x) => s + (x - xm) ** 2, 0);
  assert.ok((-slope * 9) / (ym - slope * xm) > 0.15, `trend slope ${slope} tok/s per s at ${ym} tok/s`);
});

test('same seed, same pages; bad options are rejected with the option named', async (t) => {
  const [a, b] = [await start(t, { flavor: 'tgi', seed: 7 }), await start(t, { flavor: 'tgi', seed: 7 })];
  await Promise.all([a.advance(15_000), b.advance(15_000)]);
  assert.equal(a.render(), b.render());
  await assert.rejects(startEngineSimulator({ flavor: 'tgi', port: 0, engines: 2 }), /engines: got 2; expected 1 for tgi/);
  await assert.rejects(startEngineSimulator({ flavor: 'nope' as 'tgi', port: 0 }), /flavor: got "nope"; expected one of aphrodite, vllm/);
  assert.throws(() => (a.scenario = 'panic' as 'steady'), /scenario: got "panic"; expected one of steady, load-spike/);
});

test('runSimulateEngine: bad flags are usage errors naming flag, value and choices; good ones serve until stopped', async () => {
  const usage = (argv: string[], re: RegExp) =>
    assert.rejects(runSimulateEngine(argv, () => undefined), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_CLI_USAGE' && re.test(e.message));
  await usage(['--flavor', 'ollama'], /--flavor: got "ollama"; expected one of aphrodite, vllm, sglang, tgi, llamacpp/);
  await usage([], /--flavor: missing; expected one of/);
  await usage(['--flavor', 'vllm', '--scenario', 'meltdown'], /--scenario: got "meltdown"; expected one of steady, load-spike, throughput-degradation/);
  await usage(['--flavor', 'vllm', '--port', 'abc'], /--port: got "abc"; expected an integer 0\.\.65535/);
  await usage(['--flavor', 'sglang', '--port', '0', '--engines', '2'], /--engines: got "2"; expected 1 for sglang/);
  await usage(['--flavor', 'vllm', '--frobnicate'], /frobnicate/);
  const ac = new AbortController();
  let out = '';
  let printed: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (printed = resolve));
  const write = (s: string): void => {
    out += s;
    const m = /metrics: (\S+)/.exec(out);
    if (m) printed(m[1]!);
  };
  const run = runSimulateEngine(['--flavor', 'llamacpp', '--port', '0', '--scenario', 'stalled'], write, { signal: ac.signal });
  const r = await fetch(await url);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /^# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed\.\n/);
  ac.abort();
  assert.equal(await run, 0);
});
