import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { authorization, CredentialsError, splitUserinfo } from './credentials.js';

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

test('splitUserinfo: user:pass@ leaves the URL and becomes basic auth (decoded)', () => {
  const r = splitUserinfo('http://al%40ice:p%3Ass@127.0.0.1:9100/metrics?x=1');
  assert.equal(r.url, 'http://127.0.0.1:9100/metrics?x=1');
  assert.deepEqual(r.auth, { kind: 'basic', username: 'al@ice', password: 'p:ss' });
  assert.deepEqual(splitUserinfo('http://h/m'), { url: 'http://h/m', auth: undefined });
});

test('authorization: inline basic and bearer; the header and its secrets', async () => {
  const b = await authorization({ kind: 'basic', username: 'u', password: 'pw' });
  assert.equal(b.header, basic('u', 'pw'));
  assert.ok(b.secrets.includes('pw'));
  const t = await authorization({ kind: 'bearer', token: 'tok' });
  assert.deepEqual(t, { header: 'Bearer tok', secrets: ['tok'] });
});

test('files are read at every call (rotation works), trimmed; errors name the key and the file, never the content', async (t) => {
  const dir = tempDir(t);
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'first\n');
  const auth = { kind: 'basic' as const, username: 'u', passwordFile: pw };
  assert.equal((await authorization(auth)).header, basic('u', 'first'));
  writeFileSync(pw, '  second  \n');
  assert.equal((await authorization(auth)).header, basic('u', 'second'));

  const tok = join(dir, 'tok');
  writeFileSync(tok, 'rotated-1');
  assert.equal((await authorization({ kind: 'bearer', tokenFile: tok })).header, 'Bearer rotated-1');

  const fails = async (a: Parameters<typeof authorization>[0], re: RegExp): Promise<void> => {
    await assert.rejects(authorization(a), (e: unknown) => e instanceof CredentialsError && re.test(e.message) && !/first|second|two-line/.test(e.message));
  };
  await fails({ kind: 'bearer', tokenFile: join(dir, 'missing') }, new RegExp(`^cannot read bearer_token_file ${join(dir, 'missing')}: ENOENT$`));
  mkdirSync(join(dir, 'adir'));
  await fails({ kind: 'basic', username: 'u', passwordFile: join(dir, 'adir') }, /^cannot read basic_auth\.password_file .*adir: EISDIR$/);
  writeFileSync(join(dir, 'empty'), '\n');
  await fails({ kind: 'bearer', tokenFile: join(dir, 'empty') }, /^bearer_token_file .*empty is empty$/);
  writeFileSync(join(dir, 'two'), 'two-line\nsecret');
  await fails({ kind: 'bearer', tokenFile: join(dir, 'two') }, /^bearer_token_file .*two holds more than one line$/);
  writeFileSync(join(dir, 'big'), 'x'.repeat(70_000));
  await fails({ kind: 'bearer', tokenFile: join(dir, 'big') }, /^bearer_token_file .*big is larger than 65536 bytes$/);
});
