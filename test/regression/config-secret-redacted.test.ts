// `config check` on a file with a bad push_token printed the token. Values at
// secret paths are shown as `<secret, N characters>` in messages and details.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig, type ConfigIssue } from '../../src/config/index.js';
import { EchoPerfError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tempTree.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
// Too short for the 8-character minimum, and with a space: invalid twice over.
const TOKEN = 'hunter 2';

function rejected(input: unknown): EchoPerfError {
  try {
    parseConfig(input);
  } catch (e) {
    assert.ok(e instanceof EchoPerfError);
    return e;
  }
  assert.fail('expected the config to be rejected');
}

test('config check: a bad push_token is named, its length shown, its value never printed', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1', push_token: TOKEN } }));
  const r = spawnSync(process.execPath, [...CLI, 'config', 'check', file], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /server\.push_token: got <secret, 8 characters>; expected a token of 8-512 visible ASCII characters/);
  assert.ok(!r.stderr.includes('hunter'), r.stderr);
  assert.ok(!r.stdout.includes('hunter'), r.stdout);
});

test('config check: a JSON syntax error near a token shows the position, not an excerpt of the text', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'c.json');
  writeFileSync(file, '{\n  "server": { "push_token": s3cr3t-t0ken-value }\n}\n');
  const r = spawnSync(process.execPath, [...CLI, 'config', 'check', file], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /is not valid JSON/);
  assert.ok(!r.stderr.includes('s3cr3t'), r.stderr);
  writeFileSync(file, '{\n  "server": { "push_token": "s3cr3t-t0ken-value",}\n}\n');
  const trailing = spawnSync(process.execPath, [...CLI, 'config', 'check', file], { encoding: 'utf8', timeout: 30_000 });
  assert.match(trailing.stderr, /is not valid JSON: .* \(line 2, column \d+\)/);
  assert.ok(!trailing.stderr.includes('s3cr3t'), trailing.stderr);
});

test('details carry the marker too; a misspelt secret key, an object holding one, and header values are redacted', () => {
  const e = rejected({
    server: { push_token: 12345678, push_tokn: 'typo-of-a-secret' },
    alert_thresholds: { token_throughput: 'not a number' },
  });
  const byPath = new Map((e.details as ConfigIssue[]).map((i) => [i.path, i]));
  assert.equal(byPath.get('server.push_token')!.value, '<secret, number>');
  assert.equal(byPath.get('server.push_tokn')!.value, '<secret, 16 characters>');
  // A metric named token_throughput is not a secret: its bad value is shown.
  assert.equal(byPath.get('alert_thresholds.token_throughput')!.value, 'not a number');
  assert.ok(!e.message.includes('typo-of-a-secret') && !e.message.includes('12345678'), e.message);
  assert.match(e.message, /server\.push_tokn: got <secret, 16 characters>; expected a known key; did you mean "push_token"\?/);

  const whole = rejected({ server: ['x', { push_token: 'in-an-array-0000' }] });
  assert.ok(!JSON.stringify(whole.details).includes('in-an-array'), JSON.stringify(whole.details));
  const nested = rejected({ server: { host: 5, push_token: 'valid-token-000' }, components: [{ name: 'a', url: 1, headers: { Authorization: 'Bearer abc123' }, password: 'pw' }] });
  const text = `${nested.message} ${JSON.stringify(nested.details)}`;
  for (const secret of ['abc123', '"pw"']) assert.ok(!text.includes(secret), text);
});

test('bad values are shown cut to about 100 characters', () => {
  const e = rejected({ echo_dash: { team_member: 5 }, log_level: 'x'.repeat(10_000) });
  const line = e.message.split('\n').find((l) => l.includes('log_level'))!;
  assert.ok(line.length < 400, line);
  assert.ok(line.includes(`"${'x'.repeat(100)}…"`), line);
});
