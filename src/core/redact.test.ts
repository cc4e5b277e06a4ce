import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretName, redactUrl, scrubSecrets, urlSecrets } from './redact.js';

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

