// A pusher on one keep-alive connection got 503 after 1000 requests: the server
// capped requests per socket (Node answers 503 past maxRequestsPerSocket).
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

test('1100 pushes on one keep-alive connection all succeed', async (t) => {
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  const server = createServer(monitorView(monitor), { port: 0 });
  addPushRoute(server, monitor);
  const { port } = await server.listen();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  t.after(() => server.close());
  const sockets = new Set<unknown>();
  const codes = new Map<number, number>();
  for (let i = 0; i < 1100; i++) {
    const code = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/v1/push/dtesn', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('socket', (s) => sockets.add(s));
      req.on('error', reject);
      req.end(JSON.stringify({ membrane_level: i % 7 }));
    });
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  assert.deepEqual([...codes], [[200, 1100]]);
  assert.equal(sockets.size, 1, 'one connection throughout');
});
