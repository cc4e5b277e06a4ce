// A component is stale after N intervals (INFO) and still stale after 2N (WARNING), exactly at the
// boundaries, with N = 3 so that "2 intervals" and "2N intervals" differ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertSeverity } from '../core/severity.js';
import { evaluateStaleness } from './staleness.js';

const INTERVAL = 1000;
const N = 3;
const at = (ageMs: number) => evaluateStaleness(new Map([['dtesn', 0]]), ageMs, INTERVAL, N);

test('INFO at N intervals, WARNING at 2N, neither a millisecond before', () => {
  assert.deepEqual(at(N * INTERVAL - 1).findings, []);
  assert.equal(at(N * INTERVAL - 1).state.get('dtesn'), 'active');
  const info = at(N * INTERVAL);
  assert.deepEqual(info.findings.map((f) => [f.severity, f.threshold]), [[AlertSeverity.INFO, 3]]);
  assert.equal(info.state.get('dtesn'), 'stale');
  assert.deepEqual(at(2 * INTERVAL).findings.map((f) => f.severity).includes(AlertSeverity.WARNING), false, 'not at 2 intervals');
  assert.deepEqual(at(2 * N * INTERVAL - 1).findings.map((f) => f.severity), [AlertSeverity.INFO]);
  const warn = at(2 * N * INTERVAL);
  assert.deepEqual(warn.findings.map((f) => [f.severity, f.threshold, f.key]), [
    [AlertSeverity.INFO, 3, 'stale:info:dtesn'],
    [AlertSeverity.WARNING, 6, 'stale:warning:dtesn'],
  ]);
  assert.equal(warn.findings[1]!.message, 'Component dtesn still stale: no data for 6s (6 intervals)');
});
