/**
 * A short text form for series in analysis and alert tests, after Prometheus's
 * promqltest files:
 *
 *   load 1s
 *     cpu_usage 10 20 95x8 30
 *     token_throughput 100-10x9
 *   expect firing at 3s cpu_usage
 *   expect resolved at 11s cpu_usage
 *   expect nothing else
 *
 * `expect nothing else` makes the script strict: an alert event no `expect`
 * line names (an extra alert, a flap, a second resolution) fails it.
 *
 * Values: `v` one sample; `vxN` v repeated N times; `a+bxN` / `a-bxN` a, then N
 * steps of b (N+1 samples, as promqltest); `_` no sample at that step.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import type { PerformanceAlert } from '../../src/alert/alert.js';

export interface Script {
  stepMs: number;
  series: Map<string, (number | undefined)[]>;
  expects: { status: 'firing' | 'resolved'; atMs: number; metric: string }[];
  /** `expect nothing else`: these events and no others. */
  strict: boolean;
}

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
  if (!m) throw new Error(`bad duration ${s}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export function expandValues(tokens: string[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const tok of tokens) {
    if (tok === '_') {
      out.push(undefined);
      continue;
    }
    const step = /^(-?[\d.]+)([+-])([\d.]+)x(\d+)$/.exec(tok);
    if (step) {
      const a = Number(step[1]);
      const b = Number(step[3]) * (step[2] === '-' ? -1 : 1);
      for (let i = 0; i <= Number(step[4]); i++) out.push(a + b * i);
      continue;
    }
    const rep = /^(-?[\d.]+)x(\d+)$/.exec(tok);
    if (rep) {
      for (let i = 0; i < Number(rep[2]); i++) out.push(Number(rep[1]));
      continue;
    }
    const v = Number(tok);
    if (Number.isNaN(v)) throw new Error(`bad value ${tok}`);
    out.push(v);
  }
  return out;
}

export function parseScript(text: string): Script {
  const script: Script = { stepMs: 1000, series: new Map(), expects: [], strict: false };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    if (words[0] === 'load') script.stepMs = parseDuration(words[1]!);
    else if (line === 'expect nothing else') script.strict = true;
    else if (words[0] === 'expect') {
      // expect firing|resolved at 3s metric
      script.expects.push({ status: words[1] as 'firing' | 'resolved', atMs: parseDuration(words[3]!), metric: words[4]! });
    } else script.series.set(words[0]!, expandValues(words.slice(1)));
  }
  return script;
}

/**
 * Runs a script through a real monitor on a ManualClock: one collector (named
 * `dsl`) reports each series' value at each step. Returns every alert event
 * delivered to handlers, with the time it was delivered at, after checking
 * the script's `expect` lines.
 */
export async function runScript(
  text: string,
  config: EchoPerfConfigInput = {},
): Promise<{ events: { at: number; alert: PerformanceAlert }[]; monitor: UnifiedPerformanceMonitor }> {
  const s = parseScript(text);
  const clock = new ManualClock(0);
  const monitor = new UnifiedPerformanceMonitor({
    config: { monitoring_interval: s.stepMs / 1000, log_level: 'silent', ...config },
    clock,
    systemCollector: false,
  });
  const steps = Math.max(...[...s.series.values()].map((v) => v.length));
  let step = 0;
  monitor.registerCollector('dsl', () => {
    const out: Record<string, number> = {};
    for (const [name, vals] of s.series) {
      const v = vals[step];
      if (v !== undefined) out[name] = v;
    }
    step++;
    return out;
  });
  const events: { at: number; alert: PerformanceAlert }[] = [];
  monitor.registerAlertHandler((a) => void events.push({ at: a.status === 'firing' ? a.timestamp : a.endsAt!, alert: a }));
  monitor.startMonitoring();
  await clock.advance(steps * s.stepMs);
  monitor.stopMonitoring();
  await monitor.flushAlerts();
  for (const e of s.expects) {
    const hit = events.find((x) => x.alert.status === e.status && x.alert.metric === e.metric && x.at === e.atMs);
    assert.ok(hit, `expected ${e.metric} ${e.status} at ${e.atMs}ms; got ${JSON.stringify(events.map((x) => [x.alert.metric, x.alert.status, x.at]))}`);
  }
  if (s.strict) {
    const unexpected = events.filter((x) => !s.expects.some((e) => x.alert.status === e.status && x.alert.metric === e.metric && x.at === e.atMs));
    assert.deepEqual(
      unexpected.map((x) => [x.alert.metric, x.alert.status, x.at]),
      [],
      'alert events no `expect` line names (the script says `expect nothing else`)',
    );
    assert.equal(events.length, s.expects.length, `${events.length} events for ${s.expects.length} expect lines: one expected event came twice`);
  }
  return { events, monitor };
}
