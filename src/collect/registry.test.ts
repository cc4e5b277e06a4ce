import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import { parseConfig } from '../config/index.js';
import { HeldValues, pushedCollector } from './components/held.js';
import { CollectorRegistry } from './registry.js';

function registry(config: object = {}): { r: CollectorRegistry; log: MemoryLogger } {
  const log = new MemoryLogger();
  const r = new CollectorRegistry({ config: parseConfig({ gpu: { enabled: false }, ...config }), clock: new ManualClock(0), logger: log, timeoutMs: () => 800, systemCollector: false });
  return { r, log };
}

test('each collector says where its series come from: in-process ones are the agent own, pushed and pulled ones external', () => {
  const { r } = registry({ components: [{ name: 'reservoir', url: 'http://127.0.0.1:9/metrics' }] });
  r.register('app', () => ({ jobs: 1 }));
  r.entries.set('dtesn', pushedCollector('dtesn', new HeldValues(), () => 3000));
  assert.deepEqual([...r.entries.keys()], ['reservoir', 'app', 'dtesn']);
  assert.deepEqual(r.originOf('app'), { origin: 'collector:app', budget: 'own' });
  assert.deepEqual(r.originOf('reservoir'), { origin: 'pull:reservoir', budget: 'external' });
  assert.deepEqual(r.originOf('dtesn'), { origin: 'push:dtesn', budget: 'external' });
});

test('register checks its arguments and warns when it replaces a collector', () => {
  const { r, log } = registry();
  assert.throws(() => r.register('x'.repeat(129), () => ({})), /registerCollector: name: got "x+"; expected a non-empty string of at most 128 characters/);
  assert.throws(() => r.register('c', { collect: 1 } as never), /registerCollector\("c"\): collector: got object; expected a function or an object with collect\(\)/);
  r.register('c', () => ({}));
  r.register('c', () => ({}));
  assert.deepEqual(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg), ['Collector "c" replaced']);
});
