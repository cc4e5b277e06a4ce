import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConfig } from '../config/index.js';
import { defaultRules } from '../analyze/rules/defaults.js';
import { thresholdsFromConfig } from '../monitor/thresholdsFromConfig.js';
import { BEGIN, END, renderRulesDoc } from './rulesDoc.js';

const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');

test('docs/rules.md holds the table of default rules as the code makes them (regenerate with npm run docs:rules)', () => {
  assert.equal(doc, renderRulesDoc(doc));
});

test('the table names every default rule once, with its series and settings', () => {
  const c = parseConfig({});
  const table = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));
  const names = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(names, defaultRules(thresholdsFromConfig(c), c).map((r) => r.name));
  assert.match(doc, /^\| `threshold:cpu_usage` \| threshold \| `cpu_usage` \| above=85 clear=80\.75 \| for 60 s \|$/m);
  // A change to a default shows in the rendered table, so the comparison above catches drift.
  const changed = doc.replace('above=85 clear=80.75', 'above=80 clear=76');
  assert.notEqual(renderRulesDoc(changed), changed);
});

test('docs/rules.md links the page of every kind and feature documented on its own', () => {
  for (const topic of ['baseline', 'forecast', 'anomaly', 'slo', 'silences']) assert.match(doc, new RegExp(`\\]\\(rules/${topic}\\.md\\)`), topic);
});

test('a doc without the markers is refused, naming them', () => {
  assert.throws(() => renderRulesDoc('# Rules\n'), /expected the markers <!-- default rules/);
});
