import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretName, REDACT_TEXT_MAX, redactText, redactUrl, scrubSecrets, urlSecrets } from './redact.js';

test('redactUrl: userinfo and secret query values read <secret>, the rest is kept as written', () => {
  assert.equal(redactUrl('http://user:pa%40ss@127.0.0.1:9100/metrics'), 'http://<secret>@127.0.0.1:9100/metrics');
  assert.equal(redactUrl('http://user@h/m'), 'http://<secret>@h/m');
  assert.equal(
    redactUrl('https://h/m?format=prom&api_key=k1&Token=k2&x_token=k3&client_secret=k4&sig=k5&keep=1#frag'),
    'https://h/m?format=prom&api_key=<secret>&Token=<secret>&x_token=<secret>&client_secret=<secret>&sig=<secret>&keep=1#frag',
  );
  assert.equal(redactUrl('http://h:9/metrics'), 'http://h:9/metrics');
  assert.equal(redactUrl('http://h/m?API%5FKEY=k'), 'http://h/m?API%5FKEY=<secret>');
});

test('redactUrl: text that is not a valid URL is redacted by position', () => {
  assert.equal(redactUrl('http://us er:p@ss@bad host/m?password=p'), 'http://<secret>@bad host/m?password=<secret>');
  assert.equal(redactUrl('user:pass@host:9/m'), '<secret>@host:9/m');
  assert.equal(redactUrl('not a url'), 'not a url');
});

test('isSecretName: the listed names and *_token, *_key, *_secret, any case', () => {
  for (const n of ['api_key', 'APIKEY', 'key', 'token', 'access_token', 'password', 'passwd', 'secret', 'signature', 'sig', 'auth', 'push_token', 'bearer_token', 'x_key', 'my_secret']) {
    assert.ok(isSecretName(n), n);
  }
  for (const n of ['format', 'name', 'username', 'password_file', 'bearer_token_file', 'keys', 'monkey']) assert.ok(!isSecretName(n), n);
});

test('urlSecrets and scrubSecrets: every raw and decoded secret of a URL leaves a message', () => {
  const url = 'http://bob:s%3Acret@h/m?api_key=a%2Fb&x=visible';
  const secrets = urlSecrets(url);
  const msg = `GET ${url} failed; key a/b, password s:cret, raw s%3Acret`;
  const out = scrubSecrets(msg, secrets);
  for (const s of ['s%3Acret', 's:cret', 'a%2Fb', 'a/b']) assert.ok(!out.includes(s), `${s} in ${out}`);
  assert.ok(out.includes('x=visible'));
  assert.deepEqual(urlSecrets('http://h/m'), []);
  assert.equal(scrubSecrets('abc', ['']), 'abc');
});


test('redactUrl: a Slack incoming webhook keeps its host and /services/, the key path reads <secret>', () => {
  assert.equal(redactUrl('https://hooks.slack.com/services/T0001/B0002/abcDEF123'), 'https://hooks.slack.com/services/<secret>');
  assert.equal(redactUrl('https://HOOKS.slack.com/services/T0001/B0002/abc?x=1'), 'https://hooks.slack.com/services/<secret>?x=1');
  assert.equal(redactUrl('https://example.com/services/T0001/B0002/abc'), 'https://example.com/services/T0001/B0002/abc');
});

test('redactText: every URL in free text is redacted, trailing punctuation stays text', () => {
  assert.equal(
    redactText('POST http://bob:pw@127.0.0.1:9/hook?token=t1&x=1 failed; retry https://h/x?api_key=k2.'),
    'POST http://<secret>@127.0.0.1:9/hook?token=<secret>&x=1 failed; retry https://h/x?api_key=<secret>.',
  );
  assert.equal(redactText('slack (https://hooks.slack.com/services/T1/B2/K3): 404'), 'slack (https://hooks.slack.com/services/<secret>): 404');
  assert.equal(redactText('url was "hooks.slack.com/services/T1/B2/K3"'), 'url was "hooks.slack.com/services/<secret>"');
  assert.equal(redactText('scrape http://h:9/metrics ok'), 'scrape http://h:9/metrics ok');
  assert.equal(redactText('no urls here, authorization failed'), 'no urls here, authorization failed');
});

test('redactText: bearer tokens and Authorization header values', () => {
  assert.equal(redactText('sent Authorization: Bearer abc.def-ghi_123'), 'sent Authorization: Bearer <secret>');
  assert.equal(redactText('headers {"authorization":"Basic dXNlcjpwYXNz"}'), 'headers {"authorization":"<secret>"}');
  assert.equal(redactText('the bearer of news'), 'the bearer of news');
});

test('redactText: long URLs are redacted whole; hostile text is cut at REDACT_TEXT_MAX', () => {
  const long = `GET http://h/${'p'.repeat(6000)}?token=deep-secret&x=1 failed`;
  assert.equal(redactText(long), `GET http://h/${'p'.repeat(6000)}?token=<secret>&x=1 failed`);
  const huge = `http://h/?token=${'t'.repeat(10_000)}&x=${'y'.repeat(100_000)} ${'bearer '.repeat(50_000)}`;
  const out = redactText(huge);
  assert.ok(out.length <= REDACT_TEXT_MAX + 1, String(out.length));
  assert.ok(out.startsWith('http://h/?token=<secret>&x=yyy'), out.slice(0, 40));
});
