/**
 * A local fleet on 127.0.0.1: three agents, each with its own `instance`
 * external label and a simulated vLLM behind it, remote_write into ONE real
 * Prometheus (--web.enable-remote-write-receiver) and send their alerts to ONE
 * real Alertmanager. Prometheus answers per instance with exactly what each
 * agent holds; an alert whose labels are the same on every agent is held once
 * by Alertmanager (it keys alerts by label set), an alert whose labels name
 * the node (its engine) is held once per node.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { startEngineSimulator } from '../../src/simulate/engine/index.js';
import { startAlertmanager, type GettableAlert } from '../helpers/alertmanager.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

const NODES = ['node-a', 'node-b', 'node-c'] as const;

test('three agents: one Prometheus answers per instance, one Alertmanager dedups the alerts they share', { timeout: 120_000 }, async (t) => {
  const binary = requirePeer(t, 'prometheus');
  if (binary === undefined) return;
  const am = await startAlertmanager(t);
  if (am === undefined) return;
  const prom = await startPrometheus(binary, '  []\n', ['--web.enable-remote-write-receiver']);
  t.after(() => prom.stop());

  const agents = await Promise.all(
    NODES.map(async (node, i) => {
      const sim = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 100 + i });
      t.after(() => sim.close());
      const dataDir = mkdtempSync(join(tmpdir(), `ep-fleet-${node}-`));
      t.after(() => rmSync(dataDir, { recursive: true, force: true }));
      const monitor = new UnifiedPerformanceMonitor({
        logger: new MemoryLogger(),
        systemCollector: false,
        gpuCollector: false,
        config: {
          log_level: 'silent',
          monitoring_interval: 0.5,
          default_rules: false,
          degradation_detection: { enabled: false },
          echo_dash: { enabled: false },
          storage: { enabled: true, data_dir: dataDir, flush_interval: 1 },
          // Engine names unique across the fleet: alerts carry the engine, not the agent's external labels.
          engines: [{ name: `vllm-${node}`, url: sim.metricsUrl }],
          rules: [
            // A condition every agent sees with the same labels: one alert for Alertmanager.
            { kind: 'threshold', name: 'fleet_wide', metric: 'fleet_generation', above: { warning: 0 }, for: 0 },
            // The engine's series carry its fleet-unique name: one alert per node.
            { kind: 'threshold', name: 'per_node', metric: 'requests_running', above: { warning: -1 }, for: 0 },
            // The same labels on every agent again, but sent through a notifier that adds the node's instance.
            { kind: 'threshold', name: 'host_like', metric: 'fleet_seq', above: { warning: 0 }, for: 0 },
          ],
          notifiers: [
            { type: 'alertmanager', name: 'am', url: am.url, match_re: { alertname: 'HighFleetGeneration|HighRequestsRunning' }, retry: { initial_backoff: 0.1, max_backoff: 0.5 } },
            { type: 'alertmanager', name: 'am-node', url: am.url, match: { alertname: 'HighFleetSeq' }, external_labels: { instance: node, alertname: 'overridden?' }, retry: { initial_backoff: 0.1, max_backoff: 0.5 } },
          ],
          remote_write: [
            {
              url: `${prom.url}/api/v1/write`,
              name: 'prom',
              external_labels: { job: 'echo-perf', instance: node },
              queue: { capacity: 10_000, max_samples_per_send: 2000, batch_send_deadline: 0.5, min_backoff: 0.05, max_backoff: 1 },
            },
          ],
        },
      });
      // Each agent counts its own ticks from a different start, so the series differ per instance.
      let seq = 1000 * (i + 1);
      monitor.registerCollector('fleet', () => ({ fleet_generation: 7, fleet_seq: seq++ }));
      t.after(() => monitor.close());
      monitor.startMonitoring();
      return { node, monitor, sim };
    }),
  );

  // Per-instance queries: every agent's series is there under its own instance.
  const byInstance = await waitFor(
    'every instance in Prometheus',
    async () => {
      const r = await prom.query('count by (instance) (count_over_time(echo_perf_component_fleet_seq[10m]) >= 10)');
      return r.length === NODES.length ? r : undefined;
    },
    60_000,
  );
  assert.deepEqual(byInstance.map((s) => s.metric['instance']).sort(), [...NODES]);
  const engines = await prom.query('count by (instance, engine) (echo_perf_engine_requests_running)');
  assert.deepEqual(engines.map((s) => `${s.metric['instance']}/${s.metric['engine']}`).sort(), NODES.map((n) => `${n}/vllm-${n}`));
  // The Grafana dashboard's `instance` variable reads this series: remote_write alone must fill it.
  const ticks = await prom.query('count by (instance) (echo_perf_ticks_total)');
  assert.deepEqual(ticks.map((s) => s.metric['instance']).sort(), [...NODES]);
  const jobs = await prom.query('count(count by (instance) (echo_perf_component_fleet_generation{job="echo-perf"}))');
  assert.equal(Number(jobs[0]!.value![1]), NODES.length, 'job="echo-perf" on every instance');

  // Alertmanager: HighFleetGeneration (rule fleet_wide) is held once, HighRequestsRunning (per_node) once per node.
  const isOurs = (a: GettableAlert): boolean => ['HighFleetGeneration', 'HighRequestsRunning', 'HighFleetSeq'].includes(a.labels['alertname'] ?? '');
  const held = await waitFor(
    'both alerts from every agent in Alertmanager',
    async () => {
      const all = (await am.alerts()).filter(isOurs);
      const count = (name: string): number => all.filter((a) => a.labels['alertname'] === name).length;
      return count('HighRequestsRunning') === NODES.length && count('HighFleetSeq') === NODES.length && count('HighFleetGeneration') > 0 ? all : undefined;
    },
    30_000,
  ).catch(async (e: Error) => {
    const seen = (await am.alerts()).map((a) => a.labels);
    const status = agents.map(({ node, monitor }) => ({ node, notifier: monitor.notifierStatus()[0], alerts: monitor.getRecentAlerts().map((a) => `${a.status} ${a.component}/${a.metric}`) }));
    throw new Error(`${e.message}; Alertmanager holds ${JSON.stringify(seen).slice(0, 600)}; agents ${JSON.stringify(status).slice(0, 1500)}`);
  });
  for (const { monitor, node } of agents) for (const n of monitor.notifierStatus()) assert.ok(n.sent >= 1, `${node} ${n.name}: ${n.lastError}`);
  const shared = held.filter((a) => a.labels['alertname'] === 'HighFleetGeneration');
  assert.equal(shared.length, 1, `HighFleetGeneration held ${shared.length} times: ${JSON.stringify(shared.map((a) => a.labels))}`);
  assert.equal(shared[0]!.status.state, 'active');
  assert.equal(shared[0]!.labels['instance'], undefined, 'a notifier without external_labels adds none');
  // external_labels on the notifier: one alert per node, the alert's own alertname kept.
  const labelled = held.filter((a) => a.labels['alertname'] === 'HighFleetSeq');
  assert.deepEqual(labelled.map((a) => a.labels['instance']).sort(), [...NODES]);
  const perNode = held.filter((a) => a.labels['alertname'] === 'HighRequestsRunning');
  assert.deepEqual(perNode.map((a) => a.labels['engine']).sort(), NODES.map((n) => `vllm-${n}`));
  assert.equal(new Set(perNode.map((a) => a.fingerprint)).size, NODES.length);

  // A per-instance series equals what that agent holds, sample for sample.
  for (const a of agents) a.monitor.stopMonitoring();
  for (const { node, monitor } of agents) {
    const ours = (await monitor.query({ metric: 'fleet_seq', start: Date.now() - 600_000 })).series[0]!.points;
    const theirs = await waitFor(`${node}'s last samples in Prometheus`, async () => {
      const r = await prom.query(`echo_perf_component_fleet_seq{instance="${node}"}[10m]`);
      const pts = r[0]?.values?.map(([s, v]): [number, number] => [Math.round(s * 1000), Number(v)]) ?? [];
      return pts.length > 0 && pts.at(-1)![0] === ours.at(-1)![0] ? pts : undefined;
    }, 15_000);
    assert.deepEqual(theirs, ours, `${node}: Prometheus holds what the agent holds`);
  }
});
