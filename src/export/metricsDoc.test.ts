import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderMetricsDoc } from './metricsDoc.js';
import { exportTable } from './names.js';

test('docs/metrics.md is the export table (regenerate with npm run docs:metrics)', () => {
  const doc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
  assert.equal(doc, renderMetricsDoc());
});

test('every exposed name is in the namespace, in base units, and lint-shaped', () => {
  for (const { internal, family: f } of exportTable()) {
    if (f.name === 'ALERTS') continue;
    assert.match(f.name, /^echo_perf_[a-z0-9_]+$/, internal);
    assert.equal(f.name.endsWith('_total'), f.type === 'counter', `${f.name}: _total exactly on counters`);
    assert.doesNotMatch(f.name, /_(ms|us|ns|s|percent|pct|hz|count|sum|bucket)$/, `${f.name}: a base unit, no reserved suffix`);
    if (f.internalUnit === '%') assert.ok(f.name.endsWith('_ratio') && f.scale === 0.01, `${f.name}: % becomes a ratio`);
    if (f.quantile !== undefined) assert.equal(f.type, 'summary');
  }
});
