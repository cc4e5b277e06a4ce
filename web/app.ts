/**
 * The dashboard: overview cards and live charts fed by the event stream
 * (GET /api/v1/stream), history from GET /api/v1/query, breakdown tables from
 * GET /api/v1/metrics/current, alerts and component health. Everything the
 * server sends is written with textContent.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { fetchJson, type Alert, type Current, type QueryResult, type Status, type Tick } from './api.js';
import { AlertList } from './alerts.js';
import { renderBreakdown } from './breakdown.js';
import { Cards } from './cards.js';
import { MetricChart } from './charts.js';
import { renderComponents } from './components.js';
import { byId, showError } from './dom.js';
import { CHARTS, STREAM_METRICS } from './metrics.js';
import { initTheme } from './theme.js';

/** History is fetched with a step that keeps each line near this many points. */
export const HISTORY_POINTS = 1000;
const POLL_MS = 5000;

const cards = new Cards(byId('cards'));
const chartsBox = byId('charts');
const charts = CHARTS.map((d) => new MetricChart(chartsBox, d));
const alerts = new AlertList();
const errorBox = byId('error');
const conn = byId('conn');
const range = byId<HTMLSelectElement>('range');
let live = true;
let stream: EventSource | undefined;

function setConn(state: 'connecting' | 'live' | 'error' | 'history', text: string): void {
  conn.dataset['state'] = state;
  conn.textContent = text;
}

/** The latest failure of each source, so that one source's success does not hide another's error. */
const failures = new Map<string, string>();
function report(where: string, e: unknown): void {
  if (e === undefined) failures.delete(where);
  else failures.set(where, `${where}: ${e instanceof Error ? e.message : typeof e === 'string' ? e : 'failed'}`);
  showError(errorBox, failures.size === 0 ? undefined : [...failures.values()].join(' · '));
}

function openStream(): void {
  stream?.close();
  const es = new EventSource(`/api/v1/stream?metrics=${encodeURIComponent(STREAM_METRICS.join(','))}`);
  stream = es;
  setConn('connecting', 'connecting…');
  es.addEventListener('open', () => setConn(live ? 'live' : 'history', live ? 'live' : 'history (cards live)'));
  es.addEventListener('error', () => setConn('error', 'stream lost, retrying…'));
  es.addEventListener('tick', (ev) => {
    const tick = JSON.parse((ev as MessageEvent<string>).data) as Tick;
    cards.update(tick.snapshot, tick.series);
    for (const c of charts) c.push(tick.t, tick.series);
  });
  es.addEventListener('alert', (ev) => alerts.upsert(JSON.parse((ev as MessageEvent<string>).data) as Alert));
}

/** Bumped on each range change, so that a late answer for an earlier range is dropped. */
let rangeGeneration = 0;

async function loadHistory(seconds: number): Promise<void> {
  const generation = ++rangeGeneration;
  const step = Math.max(1, Math.ceil(seconds / HISTORY_POINTS));
  await Promise.all(
    charts.map(async (c) => {
      const q = new URLSearchParams({ metric: c.def.metric, start: relative(seconds), end: 'now', step: `${step}s` });
      const r = await fetchJson<QueryResult>(`/api/v1/query?${q.toString()}`);
      if (generation === rangeGeneration) c.setHistory(r);
    }),
  );
}

/** `-5m`, `-1h`, `-168h`: the whole units the query API's relative times take. */
function relative(seconds: number): string {
  return seconds % 3600 === 0 ? `-${seconds / 3600}h` : `-${Math.ceil(seconds / 60)}m`;
}

async function pollCurrent(): Promise<void> {
  const cur = await fetchJson<Current>('/api/v1/metrics/current');
  cards.update(cur.snapshot, cur.series);
  renderBreakdown(byId('breakdown'), cur.series);
}

async function pollStatus(): Promise<void> {
  const status = await fetchJson<Status>('/api/v1/status');
  const [up, total] = renderComponents(byId('components'), status);
  cards.components(up, total);
}

function every(ms: number, what: string, f: () => Promise<void>): void {
  const run = (): void => {
    f().then(() => report(what, undefined), (e: unknown) => report(what, e ?? 'failed'));
  };
  run();
  setInterval(run, ms);
}

range.addEventListener('change', () => {
  live = range.value === 'live';
  if (live) {
    rangeGeneration++;
    for (const c of charts) c.showLive();
    report('history', undefined);
    setConn('live', 'live');
    return;
  }
  setConn('history', 'history (cards live)');
  for (const c of charts) c.loading();
  loadHistory(Number(range.value)).then(
    () => report('history', undefined),
    (e: unknown) => report('history', e),
  );
});

initTheme(byId<HTMLButtonElement>('theme'), () => {
  for (const c of charts) c.rebuild();
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const c of charts) c.resize();
  }, 100);
});

openStream();
every(POLL_MS, 'current metrics', pollCurrent);
every(2 * POLL_MS, 'status', pollStatus);
every(3 * POLL_MS, 'alerts', () => alerts.refresh());
