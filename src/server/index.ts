/**
 * @module server
 * The HTTP stage: /metrics for Prometheus, /healthz, /api/v1/status, and the
 * hooks later stages use to add write routes behind a bearer token.
 */
export type { EchoPerfServer, ServerAddress } from './server.js';
export { createServer } from './server.js';
export type { MonitorView } from './view.js';
export type { ResolvedServerOptions, ServerOptions } from './options.js';
export { resolveServerOptions, serverDefaults } from './options.js';
export type { PreHandler } from './auth.js';
export { bearerAuth, bearerTokenMatches, isLoopbackHost } from './auth.js';
export { acceptsGzip } from './encoding.js';
export { HttpError } from './replies.js';
export { addDashboardRoutes, defaultWebDir, DASHBOARD_CSP } from './static.js';
export { openApiDocument } from './openapi.js';
