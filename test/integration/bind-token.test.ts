/**
 * Binding beyond loopback needs a token, and every layer that refuses such a
 * bind names the key the caller can set: the config check (`server.push_token`,
 * with the host), and the integrated system when `listen.host` overrides the
 * config; the server itself keeps naming its own `token` option.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, type ConfigIssue } from '../../src/config/index.js';
import { EchoPerfError } from '../../src/core/errors.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { isLoopbackHost } from '../../src/core/net.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { isLoopbackHost as serverIsLoopbackHost } from '../../src/server/index.js';

test('parseConfig: server.host beyond loopback without server.push_token is refused, naming both', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    assert.throws(
      () => parseConfig({ server: { host } }),
      (e: unknown) => {
        assert.ok(e instanceof EchoPerfError);
        assert.equal(e.code, 'EP_ERR_CONFIG_INVALID');
        const issue = (e.details as ConfigIssue[]).find((i) => i.path === 'server.push_token');
        assert.ok(issue, e.message);
        assert.match(issue.expected, new RegExp(`server\\.host ${JSON.stringify(host).replace(/\./g, '\\.')} is not a loopback address`));
        return true;
      },
      host,
    );
    assert.equal(parseConfig({ server: { host, push_token: 's3cret-token' } }).server.host, host);
  }
  for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost']) assert.equal(parseConfig({ server: { host } }).server.host, host);
});

test('the error shows at most 100 characters of a long host', () => {
  const host = 'h'.repeat(5000);
  assert.throws(
    () => parseConfig({ server: { host } }),
    (e: unknown) => e instanceof EchoPerfError && e.message.length < 1000 && e.message.includes('h'.repeat(100)) && !e.message.includes('h'.repeat(101)),
  );
});

test('isLoopbackHost lives in core and the server exports the same function', () => {
  assert.equal(serverIsLoopbackHost, isLoopbackHost);
  assert.equal(isLoopbackHost('::ffff:127.0.0.1'), true);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
});

test('IntegratedPerformanceSystem: listen.host beyond loopback without server.push_token names both keys, starts nothing', async () => {
  const logger = new MemoryLogger();
  const system = createIntegratedSystem(undefined, {
    config: { log_level: 'silent', server: { port: 0 }, echo_dash: { enabled: false } },
    clock: new ManualClock(Date.now()),
    systemCollector: false,
    gpuCollector: false,
    logger,
    consoleAlerts: false,
    listen: { host: '0.0.0.0' },
  });
  await assert.rejects(system.start(), (e: unknown) => {
    assert.ok(e instanceof EchoPerfError);
    assert.equal(e.code, 'EP_ERR_ARGUMENT');
    assert.match(e.message, /^listen\.host "0\.0\.0\.0" is not a loopback address: binding it requires server\.push_token in the config/);
    assert.doesNotMatch(e.message, /token option/);
    return true;
  });
  assert.equal(system.monitor.isMonitoring, false);
  assert.equal(system.address, undefined);
  await system.stop();
});
