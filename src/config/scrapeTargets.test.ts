import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoPerfError } from '../core/errors.js';
import { parseConfig } from './load.js';

const SECRETS = ['hunter2-pw', 'tok-0123456789', 'q-key-42'];

function configError(input: unknown): string {
  try {
    parseConfig(input);
  } catch (e) {
    assert.ok(e instanceof EchoPerfError && e.code === 'EP_ERR_CONFIG_INVALID', String(e));
    const shown = e.message + JSON.stringify(e.details);
    for (const s of SECRETS) assert.ok(!shown.includes(s), `${s} shown in ${shown}`);
    return e.message;
  }
  assert.fail('expected a config error');
}

test('engines and scrape targets get Prometheus-style limits with defaults that fit real engine pages', () => {
  const c = parseConfig({ engines: [{ name: 'vllm', url: 'http://127.0.0.1:8000/metrics' }], scrape_targets: [{ name: 'node', url: 'http://127.0.0.1:9100/metrics', sample_limit: 5000, body_size_limit: 4096 }] });
  const e = c.engines[0]!;
  assert.deepEqual([e.sample_limit, e.label_limit, e.label_name_length_limit, e.label_value_length_limit, e.body_size_limit], [20_000, 64, 256, 4096, undefined]);
  assert.equal(c.scrape_targets[0]!.sample_limit, 5000);
  assert.equal(c.scrape_targets[0]!.body_size_limit, 4096);
  assert.equal(parseConfig({ scrape_targets: [{ name: 'old', url: 'http://h/m', max_body_bytes: 4096 }] }).scrape_targets[0]!.max_body_bytes, 4096);
  assert.equal(c.reserved_series, undefined);
});

test('one way of authenticating per target: two are refused naming the keys, without showing a secret', () => {
  const msg = configError({ scrape_targets: [{ name: 'a', url: 'http://h/m', basic_auth: { username: 'u', password: SECRETS[0] }, bearer_token: SECRETS[1] }] });
  assert.match(msg, /scrape_targets\.0: got .*; expected only one of basic_auth, bearer_token, bearer_token_file, or credentials in url \(got basic_auth, bearer_token\)/);
  assert.match(configError({ engines: [{ name: 'e', url: `http://u:${SECRETS[0]}@h/m`, bearer_token_file: '/run/tok' }] }), /engines\.0: .*\(got bearer_token_file, url \(user:password@\)\)/);
  assert.match(configError({ engines: [{ name: 'e', url: 'http://h/m', bearer_token: SECRETS[1], bearer_token_file: '/run/tok' }] }), /got bearer_token, bearer_token_file\)/);
  assert.match(
    configError({ engines: [{ name: 'e', url: 'http://h/m', basic_auth: { username: 'u', password: SECRETS[0], password_file: '/run/pw' } }] }),
    /engines\.0\.basic_auth: got .*"password":"<secret, \d+ characters>","password_file":"\/run\/pw".*; expected only one of basic_auth\.password and basic_auth\.password_file/,
  );
  assert.match(configError({ scrape_targets: [{ name: 'a', url: 'http://h/m', body_size_limit: 4096, max_body_bytes: 4096 }] }), /only one of body_size_limit and max_body_bytes/);
});

test('bad secrets, misspelt keys under basic_auth and bad URLs are named, their values shown as <secret>', () => {
  assert.match(configError({ engines: [{ name: 'e', url: 'http://h/m', bearer_token: `${SECRETS[1]} with spaces` }] }), /engines\.0\.bearer_token: got <secret, \d+ characters>; expected a token of 1-8192 visible ASCII characters/);
  assert.match(configError({ engines: [{ name: 'e', url: 'http://h/m', basic_auth: { username: 'u', pasword: SECRETS[0] } }] }), /engines\.0\.basic_auth\.pasword: got <secret, \d+ characters>; expected a known key; did you mean "password"\?/);
  assert.match(configError({ scrape_targets: [{ name: 'a', url: `ftp://u:${SECRETS[0]}@h/m?api_key=${SECRETS[2]}` }] }), /scrape_targets\.0\.url: got "ftp:\/\/<secret>@h\/m\?api_key=<secret>" \(string\); expected an http/);
});

test('reserved_series may not exceed max_series', () => {
  assert.match(configError({ max_series: 100, reserved_series: 101 }), /reserved_series: got 101 \(number\); expected a number of series <= max_series \(100\)/);
  assert.equal(parseConfig({ max_series: 100, reserved_series: 100 }).reserved_series, 100);
});

test('a URL that is not one still has its credentials hidden in the error', () => {
  const msg = configError({ engines: [{ name: 'e', url: `u:${SECRETS[0]}@h:9/m` }] });
  assert.match(msg, /engines\.0\.url: got "<secret>@h:9\/m"/);
  assert.doesNotMatch(msg, new RegExp(SECRETS[0]!));
});
