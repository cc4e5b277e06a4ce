import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../core/types.js';
import { parseConfig } from '../config/index.js';
import { collectorSource, healthSource, pageSource, type FamilyInfo } from '../store/collections.js';
import { PageIngest } from '../store/pages.js';
import { SeriesStore } from '../store/series.js';
import { Pipeline, type CollectedBatch } from './pipeline.js';
import { SnapshotHistory } from './snapshot/history.js';
import type { TargetInfo } from './sources.js';
import { PerformanceThresholds } from './thresholds.js';

function setup(targets: Map<string, TargetInfo> = new Map()) {
  const config = parseConfig({ scrape_targets: [...targets.keys()].map((name) => ({ name, url: 'http://127.0.0.1:1/metrics' })), degradation_detection: { enabled: false } });
  const store = new SeriesStore({ capacity: 16, maxSeries: 1000 });
  const history = new SnapshotHistory({ maxlen: 5, store });
  const registered = new Set(['host', 'app']);
  const pipeline = new Pipeline({
    store,
    history,
    config,
    thresholds: () => new PerformanceThresholds(),
    intervalMs: () => 1000,
    targets: () => targets,
    isCollector: (n) => registered.has(n),
    conditions: () => [],
  });
  return { store, history, pipeline, registered };
}

const batch = (source: string, samples: Sample[]): CollectedBatch => ({ source, origin: `collector:${source}`, budget: 'own', samples });
const sample = (name: string, component: string, t: number, v: number, labels: Record<string, string> = {}): Sample => ({ name, labels: { ...labels, component }, t, v });

test('evaluate(at, batches): the store takes the samples with their origin, the snapshot is a view of them, rules give findings', () => {
  const { store, history, pipeline } = setup();
  const r = pipeline.evaluate(1000, [batch('host', [sample('cpu_usage', 'host', 1000, 97)]), batch('app', [sample('token_throughput', 'app', 1000, 10)])]);
  assert.equal(r.snapshot.cpuUsage, 97);
  assert.equal(r.snapshot.tokenThroughput, 10);
  assert.equal(history.at(-1), r.snapshot);
  assert.deepEqual(r.findings.map((f) => `${f.severity}:${f.metric}:${f.component}`).sort(), ['critical:token_throughput:app', 'warning:cpu_usage:host']);
  assert.equal(store.metaOf(store.idOf('cpu_usage', { component: 'host' }))?.origin, 'collector:host');
  assert.deepEqual([...store.samples(store.collections.get(collectorSource('app'))!)].map((s) => s.v), [10]);
});

test('a collector that produced nothing this tick has an empty latest collection; an unregistered one has none', () => {
  const { store, pipeline, registered } = setup();
  pipeline.evaluate(1000, [batch('host', [sample('cpu_usage', 'host', 1000, 5)]), batch('app', [sample('x', 'app', 1000, 1)])]);
  registered.delete('app');
  pipeline.evaluate(2000, [batch('host', [])]);
  assert.equal(store.collections.get(collectorSource('host'))!.ids.length, 0);
  assert.equal(store.collections.get(collectorSource('app')), undefined);
  assert.deepEqual([...pipeline.freshness.keys()], ['host'], 'staleness forgets a component no longer registered');
});

test('a scrape target: its rates are derived from the store and join the snapshot with its fresh health', () => {
  const target: TargetInfo = { name: 'node', url: 'http://127.0.0.1:1/metrics', health: 'up', lastError: undefined, lastScrapeAt: 2000, lastSuccessAt: 2000, firstSuccessAt: 1000, intervalMs: 1000 };
  const { store, pipeline } = setup(new Map([['node', target]]));
  const ingest = new PageIngest(store);
  const page = { families: new Map<string, FamilyInfo>([['req', { type: 'counter', help: undefined, unit: undefined }]]), sampleFamily: new Map([['req_total', 'req']]) };
  const labels = { job: 'node', instance: '127.0.0.1:1', component: 'node' };
  for (const [t, v] of [[1000, 0], [2000, 50]] as const) {
    ingest.slice('node', [{ name: 'req_total', labels, t, v }], page);
    ingest.done('node', t, [{ name: 'up', labels, t, v: 1 }], page);
  }
  const r = pipeline.evaluate(2000, []);
  const rate = store.latest('req_total:rate', { job: 'node' })[0]!;
  assert.ok(rate.v > 0);
  assert.equal(store.metaOf(store.idOf('req_total:rate', rate.labels))?.origin, 'derived');
  assert.equal(r.snapshot.componentMetrics['node']!['req_total:rate{instance="127.0.0.1:1",job="node"}'], rate.v);
  assert.equal(r.snapshot.componentMetrics['node']!['up{instance="127.0.0.1:1",job="node"}'], 1);
  assert.ok(store.collections.get(pageSource('node')) !== undefined && store.collections.get(healthSource('node')) !== undefined);
  // Three intervals later the health is no longer current: the snapshot leaves it out.
  const later = pipeline.evaluate(5000, []);
  assert.equal(later.snapshot.componentMetrics['node']?.['up{instance="127.0.0.1:1",job="node"}'], undefined);
});
