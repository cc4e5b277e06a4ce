/**
 * @module simulate/engine/server
 * The simulated engine's HTTP face: `/metrics` in the flavor's format,
 * `/health`, and for vLLM / Aphrodite the OpenAI `/v1/models` list. Outage
 * answers 503 everywhere; a restarting process closes connections unanswered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FlavorSpec } from './flavors/types.js';
import type { Simulation } from './simulation.js';

export function createEngineServer(sim: Simulation, spec: FlavorSpec, model: string, maxModelLen: number): Server {
  const server = createServer((req, res) => {
    try {
      handle(sim, spec, model, maxModelLen, req, res);
    } catch (e) {
      // A rendering bug must not take the simulator down; answer 500 like a broken engine would.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  });
  // Bounded: no request body is read, and slow clients are cut off.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

function handle(sim: Simulation, spec: FlavorSpec, model: string, maxModelLen: number, req: IncomingMessage, res: ServerResponse): void {
  sim.catchUp();
  const mode = sim.http();
  if (mode === 'dropped') {
    // The process is gone: the client sees a reset connection, not an HTTP answer.
    req.socket.destroy();
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const send = (status: number, type: string, body: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(405, 'application/json', '{"detail":"Method Not Allowed"}', { allow: 'GET, HEAD' });
    return;
  }
  // vLLM and Aphrodite mount /metrics with `^/metrics(?P<path>.*)$`, so `/metrics/` answers too.
  const isMetrics = spec.created ? path.startsWith('/metrics') : path === '/metrics';
  if (isMetrics) {
    if (mode === 'unavailable') send(503, 'text/plain; charset=utf-8', 'Service Unavailable\n');
    else {
      const extra: Record<string, string> = spec.flavor === 'llamacpp' ? { 'process-start-time-unix': String(Math.floor(sim.startedAt)) } : {};
      send(200, spec.contentType, sim.render(), extra);
    }
    return;
  }
  if (path === '/health') {
    if (mode === 'unavailable') send(503, spec.health.contentType, spec.health.down);
    else send(200, spec.health.contentType, spec.health.ok);
    return;
  }
  if (path === '/v1/models' && spec.modelsOwnedBy !== undefined) {
    if (mode === 'unavailable') {
      send(503, 'application/json', '{"detail":"Service Unavailable"}');
      return;
    }
    const created = Math.floor(sim.startedAt);
    const card = {
      id: model,
      object: 'model',
      created,
      owned_by: spec.modelsOwnedBy,
      root: model,
      parent: null,
      max_model_len: maxModelLen,
      permission: [
        {
          id: `modelperm-${created.toString(16)}`,
          object: 'model_permission',
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    };
    send(200, 'application/json', JSON.stringify({ object: 'list', data: [card] }));
    return;
  }
  send(404, 'application/json', '{"detail":"Not Found"}');
}
