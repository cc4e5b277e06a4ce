// GPU attribution, bound-by and power-capped share over a real SeriesStore
// holding GPU samples as the GPU collector writes them (names and labels of
// collect/gpu/reading.ts). Expected figures are worked out in the comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sample } from '../../core/types.js';
import { SeriesStore } from '../../store/series.js';
import { deriveGpu } from './derive.js';
import { gpuInsights } from './insights.js';

const AT = 1_700_000_000_000;
const WINDOW = 60_000;
const A = { gpu: '0', uuid: 'GPU-a', name: 'NVIDIA H200' };
const B = { gpu: '1', uuid: 'GPU-b', name: 'NVIDIA H200' };

const s = (name: string, labels: Record<string, string>, v: number, t = AT): Sample => ({ name, labels: { component: 'gpu', ...labels }, t, v });
const proc = (gpu: typeof A, pid: string, bytes: number, t = AT, sm?: number): Sample[] => {
  const l = { ...gpu, pid, process: 'python3' };
  delete (l as Record<string, string>)['name'];
  return [s('gpu_process_memory_bytes', l, bytes, t), ...(sm === undefined ? [] : [s('gpu_process_sm_utilization', l, sm, t)])];
};
const gpu = (g: typeof A, f: { util?: number; power?: number; limit?: number; used?: number; sm?: number }, t = AT): Sample[] => [
  ...(f.util === undefined ? [] : [s('gpu_utilization', g, f.util, t)]),
  ...(f.power === undefined ? [] : [s('gpu_power_draw_watts', g, f.power, t)]),
  ...(f.limit === undefined ? [] : [s('gpu_power_limit_watts', g, f.limit, t)]),
  ...(f.used === undefined ? [] : [s('gpu_memory_used_bytes', g, f.used, t)]),
  ...(f.sm === undefined ? [] : [s('gpu_sm_active', g, f.sm, t)]),
];
function storeWith(samples: Sample[]): SeriesStore {
  const st = new SeriesStore({ capacity: 64, maxSeries: 10_000 });
  st.append([...samples].sort((x, y) => x.t - y.t));
  return st;
}
/** name{engine} or name{gpu,engine} → value, for the engine figures. */
function figures(out: readonly Sample[]): Record<string, number> {
  const r: Record<string, number> = {};
  for (const x of out) {
    if (x.labels['engine'] === undefined) continue;
    r[`${x.name}{${x.labels['gpu'] === undefined ? '' : `${x.labels['gpu']},`}${x.labels['engine']}}`] = x.v;
  }
  return r;
}
const close = (a: number | undefined, b: number): void => assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

describe('attribution', () => {
  it('config: a GPU two engines declare is split evenly; by index or UUID', () => {
    const st = storeWith([...gpu(A, { util: 90, power: 200, used: 40e9 }), ...gpu(B, { util: 30, power: 100, used: 10e9 })]);
    const out = deriveGpu(st, [{ name: 'a', gpus: ['0', 'GPU-b'] }, { name: 'b', gpus: ['GPU-a'] }], AT, WINDOW, () => undefined);
    const f = figures(out.samples);
    assert.equal(f['gpu_engine_share{0,a}'], 50);
    assert.equal(f['gpu_engine_share{1,a}'], 100);
    assert.equal(f['gpu_engine_share{0,b}'], 50);
    assert.equal(f['engine_gpus{a}'], 1.5);
    assert.equal(f['engine_gpus{b}'], 0.5);
    // a: 0.5 × 40 GB + 10 GB; utilisation (50×90 + 100×30) / 150
    assert.equal(f['engine_gpu_memory_used_bytes{a}'], 30e9);
    close(f['engine_gpu_utilization{a}'], (50 * 90 + 100 * 30) / 150);
    const labels = out.samples.find((x) => x.name === 'gpu_engine_share' && x.labels['engine'] === 'b')!.labels;
    assert.deepEqual({ ...labels }, { gpu: '0', uuid: 'GPU-a', engine: 'b', component: 'b' });
  });

  it("processes: an engine's share of a GPU is its processes' memory over all processes' memory on it", () => {
    const st = storeWith([...gpu(A, { util: 100, power: 400, used: 5e9 }), ...proc(A, '10', 3e9), ...proc(A, '11', 1e9), ...proc(A, '20', 1e9)]);
    const pids: Record<string, string[]> = { a: ['10', '11'], b: ['20'] };
    const f = figures(deriveGpu(st, [{ name: 'a' }, { name: 'b' }], AT, WINDOW, (e) => pids[e]).samples);
    assert.equal(f['gpu_engine_share{0,a}'], 80);
    assert.equal(f['gpu_engine_share{0,b}'], 20);
    // its processes' own memory, not a share of the GPU's
    assert.equal(f['engine_gpu_memory_used_bytes{a}'], 4e9);
    close(f['engine_gpus{b}'], 0.2);
  });

  it('processes with per-process SM % (pmon): the shares follow SM %, not memory', () => {
    const st = storeWith([...gpu(A, { util: 100, power: 400 }), ...proc(A, '10', 3e9, AT, 20), ...proc(A, '20', 1e9, AT, 60)]);
    const pids: Record<string, string[]> = { a: ['10'], b: ['20'] };
    const f = figures(deriveGpu(st, [{ name: 'a' }, { name: 'b' }], AT, WINDOW, (e) => pids[e]).samples);
    assert.equal(f['gpu_engine_share{0,a}'], 25);
    assert.equal(f['gpu_engine_share{0,b}'], 75);
  });

  it('one engine and no process data: every GPU at 100 %; two engines and nothing known: no figure', () => {
    const st = storeWith([...gpu(A, { util: 100, power: 400 }), ...gpu(B, { util: 0, power: 80 })]);
    const f = figures(deriveGpu(st, [{ name: 'a' }], AT, WINDOW, () => undefined).samples);
    assert.deepEqual([f['gpu_engine_share{0,a}'], f['gpu_engine_share{1,a}'], f['engine_gpus{a}']], [100, 100, 2]);
    assert.deepEqual(figures(deriveGpu(st, [{ name: 'a' }, { name: 'b' }], AT, WINDOW, () => undefined).samples), {});
  });

  it("a process row older than its GPU's latest reading is a process that exited: its engine has no GPU left", () => {
    const st = storeWith([...gpu(A, { util: 100, power: 400 }, AT - 2000), ...proc(A, '10', 3e9, AT - 2000), ...gpu(A, { util: 0, power: 80 })]);
    const f = figures(deriveGpu(st, [{ name: 'a' }, { name: 'b' }], AT, WINDOW, () => ['10']).samples);
    assert.deepEqual(f, {});
  });

  it('a GPU whose samples are older than the freshness window is gone', () => {
    const st = storeWith(gpu(A, { util: 100, power: 400 }, AT - 61_000));
    const out = deriveGpu(st, [{ name: 'a' }], AT, WINDOW, () => undefined);
    assert.deepEqual(out.samples, []);
  });
});

describe('bound-by', () => {
  const classOf = (samples: Sample[]): string | undefined => {
    const out = deriveGpu(storeWith(samples), [], AT, WINDOW, () => undefined).samples.filter((x) => x.name === 'gpu_bound');
    if (out.length === 0) return undefined;
    assert.deepEqual(out.map((x) => x.labels['by']), ['idle', 'compute', 'memory', 'power', 'thermal'], 'a stateset: every class, each GPU');
    const on = out.filter((x) => x.v === 1);
    assert.equal(on.length, 1, 'exactly one class is 1');
    assert.ok(out.every((x) => x.v === 0 || x.v === 1));
    return on[0]!.labels['by'];
  };
  const reason = (r: string): Sample => s('gpu_throttle_active', { ...A, reason: r }, 1);

  it('idle under 5 % activity (SM activity preferred over utilisation)', () => {
    assert.equal(classOf(gpu(A, { util: 4, power: 80, limit: 700 })), 'idle');
    assert.equal(classOf(gpu(A, { util: 100, sm: 3, power: 80, limit: 700 })), 'idle');
  });
  it('thermal when a thermal or hardware slowdown reason is active, or dmon says tviol', () => {
    assert.equal(classOf([...gpu(A, { util: 100, power: 700, limit: 700 }), reason('sw_power_cap'), reason('hw_thermal_slowdown')]), 'thermal');
    assert.equal(classOf([...gpu(A, { util: 100 }), s('gpu_thermal_violation', A, 1)]), 'thermal');
  });
  it('power: sw_power_cap active, power violation ≥ 50 %, or draw ≥ 97 % of the limit', () => {
    assert.equal(classOf([...gpu(A, { util: 100, power: 500, limit: 700 }), reason('sw_power_cap')]), 'power');
    assert.equal(classOf([...gpu(A, { util: 100 }), s('gpu_power_violation', A, 50)]), 'power');
    assert.equal(classOf(gpu(A, { util: 100, power: 679, limit: 700 })), 'power');
    assert.equal(classOf(gpu(A, { util: 100, power: 678, limit: 700 })), 'compute');
  });
  it('memory when DRAM activity ≥ 60 % and ≥ the busiest pipe; compute otherwise', () => {
    const pipe = (p: string, v: number): Sample => s('gpu_pipe_active', { ...A, pipe: p }, v);
    assert.equal(classOf([...gpu(A, { util: 100, sm: 95 }), s('gpu_dram_active', A, 80), pipe('tensor', 40)]), 'memory');
    assert.equal(classOf([...gpu(A, { util: 100, sm: 95 }), s('gpu_dram_active', A, 70), pipe('tensor', 20), pipe('fp16', 90)]), 'compute');
    assert.equal(classOf([...gpu(A, { util: 100 }), s('gpu_memory_utilization', A, 65)]), 'memory');
    assert.equal(classOf([...gpu(A, { util: 100 }), s('gpu_memory_utilization', A, 23)]), 'compute');
  });
  it("a reason missing from the GPU's latest collection has ended", () => {
    assert.equal(classOf([...gpu(A, { util: 100 }, AT - 1000), reason('sw_power_cap'), ...gpu(A, { util: 100 })].map((x) => (x.name === 'gpu_throttle_active' ? { ...x, t: AT - 1000 } : x))), 'compute');
  });
  it('no activity figure: no class', () => {
    assert.equal(classOf(gpu(A, { power: 100 })), undefined);
  });
});

describe('power-capped share of the window', () => {
  const capped = (samples: Sample[]): number | undefined =>
    deriveGpu(storeWith(samples), [], AT, WINDOW, () => undefined).samples.find((x) => x.name === 'gpu_power_capped')?.v;
  const every15s = (f: (t: number, i: number) => Sample[]): Sample[] => [0, 1, 2, 3, 4].flatMap((i) => f(AT - 60_000 + i * 15_000, i));

  it('from the sw_power_cap clocks event counter: rate × 100, a counter reset counted as Prometheus does', () => {
    // 100, 107.5, 115, reset → 7.5, 15: 7.5 s held per 15 s = 50 %
    const values = [100, 107.5, 115, 7.5, 15];
    close(capped(every15s((t, i) => [...gpu(A, { util: 100 }, t), s('gpu_clock_event_seconds', { ...A, reason: 'sw_power_cap' }, values[i]!, t)])), 50);
  });
  it('else the mean power violation over the window', () => {
    const values = [100, 0, 50, 50, 50];
    close(capped(every15s((t, i) => [...gpu(A, { util: 100 }, t), s('gpu_power_violation', A, values[i]!, t)])), 50);
  });
  it('else the share of readings with sw_power_cap active', () => {
    close(capped(every15s((t, i) => [...gpu(A, { util: 100, power: 690 }, t), ...(i === 0 ? [] : [s('gpu_throttle_active', { ...A, reason: 'sw_power_cap' }, 1, t)])])), 80);
  });
  it('a GPU that reports no clocks event reasons at all (rocm-smi): no figure rather than 0', () => {
    assert.equal(capped(every15s((t) => gpu(A, { util: 100, power: 300 }, t))), undefined);
  });
});

describe('gpuInsights', () => {
  it('per GPU: bound-by, power-capped share and engines with their shares, from the tick the pipeline derived', () => {
    const st = storeWith([...gpu(A, { util: 100, power: 692, limit: 700 }), s('gpu_throttle_active', { ...A, reason: 'sw_power_cap' }, 1), ...gpu(B, { util: 0, power: 80, limit: 700 }), s('gpu_throttle_active', { ...B, reason: 'gpu_idle' }, 1)]);
    st.append(deriveGpu(st, [{ name: 'a', gpus: ['0'] }, { name: 'b', gpus: ['0'] }], AT, WINDOW, () => undefined).samples);
    assert.deepEqual(gpuInsights(st, AT, WINDOW), [
      { gpu: '0', uuid: 'GPU-a', name: 'NVIDIA H200', boundBy: 'power', powerCappedPercent: 100, engines: [{ engine: 'a', sharePercent: 50 }, { engine: 'b', sharePercent: 50 }] },
      { gpu: '1', uuid: 'GPU-b', name: 'NVIDIA H200', boundBy: 'idle', powerCappedPercent: 0, engines: [] },
    ]);
  });
});

describe('GPUs of two vendors with the same index', () => {
  it("keeps nvidia-smi's GPU 0 and rocm-smi's card 0 apart: each has its own bound-by, and the only engine draws both", () => {
    // Seen on a host with both tools: the H200 at 692 W under load and an idle MI100 at 36 W, both `gpu="0"`.
    const amd = { gpu: '0', uuid: '0x79ccd55167a2124a', name: 'Arcturus GL-XL [Instinct MI100]' };
    const st = storeWith([...gpu(A, { util: 100, power: 692, limit: 700 }), s('gpu_throttle_active', { ...A, reason: 'sw_power_cap' }, 1), ...gpu(amd, { util: 0, power: 36, limit: 290 })]);
    const { samples } = deriveGpu(st, [{ name: 'llm' }], AT, WINDOW, () => undefined);
    const bound = samples.filter((x) => x.name === 'gpu_bound' && x.v === 1).map((x) => `${x.labels['uuid']}=${x.labels['by']}`).sort();
    assert.deepEqual(bound, ['0x79ccd55167a2124a=idle', 'GPU-a=power']);
    assert.equal(figures(samples)['engine_gpus{llm}'], 2);
    assert.equal(samples.filter((x) => x.name === 'gpu_engine_share').length, 2);
  });
});
