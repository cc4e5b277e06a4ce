/**
 * @module monitor/apiRoutes
 * The read API a dashboard builds on: `GET /api/v1/metrics/current` (the
 * snapshot and every current series), `GET /api/v1/query` (one metric's
 * history, parameters as Prometheus's range queries take them),
 * `GET /api/v1/series` (what there is, with type, unit and help),
 * `GET /api/v1/openapi.json` and `GET /readyz`. Every answer is bounded;
 * every bad parameter is a 400 naming it.
 */
import type { Labels, Sample } from '../core/types.js';
import { truncateText } from '../core/preview.js';
import { exportedFamilyOf } from '../export/names.js';
import { HttpError, openApiDocument, type EchoPerfServer } from '../server/index.js';
import { labelParams, metricParam, onlyParams, single, stepParam, timeParam, badParam, MAX_NAME_CHARS, type RawQuery } from './apiParams.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

/** Series one answer lists; past it the answer says `truncated: true`. */
export const MAX_API_SERIES = 10_000;
/** Points per series a query may return: Prometheus's own limit on range queries. */
export const MAX_QUERY_POINTS = 11_000;
const HOUR_MS = 3_600_000;

export function addApiRoutes(server: EchoPerfServer, monitor: UnifiedPerformanceMonitor): void {
  const app = server.app;

  app.get<{ Querystring: RawQuery }>('/api/v1/metrics/current', (req, reply) => {
    onlyParams(req.query, []);
    const at = monitor.clock.now();
    const samples = monitor.currentSamples(at);
    const series: { metric: string; labels: Labels; value: number; unit?: string }[] = [];
    for (const s of samples.slice(0, MAX_API_SERIES)) {
      const unit = describe(monitor, s).unit;
      series.push(unit === undefined ? { metric: s.name, labels: s.labels, value: s.v } : { metric: s.name, labels: s.labels, value: s.v, unit });
    }
    void reply.header('cache-control', 'no-store');
    return reply.send({ timestamp: at, snapshot: monitor.getCurrentMetrics() ?? null, series, ...(samples.length > MAX_API_SERIES ? { truncated: true } : {}) });
  });

  app.get<{ Querystring: RawQuery }>('/api/v1/query', async (req, reply) => {
    const q = req.query;
    onlyParams(q, ['metric', 'label', 'start', 'end', 'step']);
    const metric = metricParam(q);
    const labels = labelParams(q);
    const now = monitor.clock.now();
    const end = timeParam(q, 'end', now) ?? now;
    const start = timeParam(q, 'start', now) ?? end - HOUR_MS;
    if (start > end) throw badParam('start', single(q, 'start') ?? String(start), `a time at or before end (${new Date(end).toISOString()})`);
    const step = stepParam(q);
    if (step !== undefined && (end - start) / step + 1 > MAX_QUERY_POINTS) {
      throw badParam('step', single(q, 'step'), `a step of at least ${Math.ceil((end - start) / (MAX_QUERY_POINTS - 1) / 1000)} s for this range: at most ${MAX_QUERY_POINTS} points per series`);
    }
    const r = await monitor.query({ metric, labels, start, end, ...(step !== undefined ? { step } : {}) });
    // Without a step the points come as stored, which a long range can make too many.
    const over = r.series.find((s) => s.points.length > MAX_QUERY_POINTS);
    if (over !== undefined) {
      throw new HttpError(400, `step: the range holds ${over.points.length} points in one series; at most ${MAX_QUERY_POINTS} points per series: give a step or a shorter range`);
    }
    void reply.header('cache-control', 'no-store');
    return reply.send({ metric, tier: r.tier, series: r.series.slice(0, MAX_API_SERIES), ...(r.series.length > MAX_API_SERIES ? { truncated: true } : {}) });
  });

  app.get<{ Querystring: RawQuery }>('/api/v1/series', (req, reply) => {
    onlyParams(req.query, ['match']);
    const match = single(req.query, 'match');
    if (match !== undefined && match.length > MAX_NAME_CHARS) throw badParam('match', match, `a part of a metric name of at most ${MAX_NAME_CHARS} characters`);
    const seen = new Set<string>();
    const series: { metric: string; labels: Labels; type: string; unit: string | null; help: string }[] = [];
    let truncated = false;
    for (const s of monitor.currentSamples()) {
      if (match !== undefined && !s.name.includes(match)) continue;
      const key = `${s.name}\u0000${JSON.stringify(s.labels)}`;
      if (seen.has(key)) continue;
      if (series.length >= MAX_API_SERIES) {
        truncated = true;
        break;
      }
      seen.add(key);
      const d = describe(monitor, s);
      series.push({ metric: s.name, labels: s.labels, type: d.type, unit: d.unit ?? null, help: d.help });
    }
    void reply.header('cache-control', 'no-store');
    return reply.send({ series, truncated });
  });

  const document = JSON.stringify(openApiDocument());
  app.get('/api/v1/openapi.json', (_req, reply) => {
    void reply.header('content-type', 'application/json; charset=utf-8');
    return reply.send(document);
  });

  app.get('/readyz', (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    const h = monitor.tickHealth();
    const reason = !monitor.isMonitoring ? 'monitoring is not running' : h.ticks === 0 ? 'no tick has completed yet' : h.ok ? undefined : (h.reason ?? 'the collection loop is not healthy');
    if (reason !== undefined) return reply.code(503).send({ status: 'unavailable', reason: truncateText(reason, 200) });
    return reply.send({ status: 'ready', ticks: h.ticks, lastTickAt: h.lastTickAt });
  });
}

/** Type, unit and help of a series: what its source declared (a scraped page), else the export table's entry. */
function describe(m: UnifiedPerformanceMonitor, s: Sample): { type: string; unit: string | undefined; help: string } {
  const id = m.store.idOf(s.name, s.labels);
  const meta = id >= 0 ? m.store.metaOf(id) : undefined;
  const family = exportedFamilyOf(s.name, s.labels);
  const unit = meta?.unit !== undefined && meta.unit !== '' ? meta.unit : family.internalUnit;
  return { type: meta?.type ?? family.type, unit, help: meta?.help ?? family.help };
}
