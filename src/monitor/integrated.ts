/**
 * @module monitor/integrated
 * The seed's IntegratedPerformanceSystem: a default monitor plus the
 * integrations around it — the HTTP server (metrics, status, component push),
 * pulled components, and the echo.dash files. Unlike the seed's Python version,
 * the config path is read and validated.
 */
import { writeJsonAtomic } from '../core/atomicFile.js';
import { EchoPerfError } from '../core/errors.js';
import { childLogger, createStreamLogger, type Logger } from '../core/logger.js';
import { isLoopbackHost } from '../core/net.js';
import { gatherFromMemory, reportFormatOf, writeReport } from '../export/report/index.js';
import { buildDashboard } from '../notify/echoDash/index.js';
import { addDashboardRoutes, createServer, type EchoPerfServer, type ServerAddress } from '../server/index.js';
import { attachEchoDash, markEchoDashStopped } from './echoDash.js';
import type { EchoDashWriter } from '../notify/echoDash/index.js';
import { createDefaultMonitor } from './factory.js';
import { monitorView } from './monitorView.js';
import { addApiRoutes } from './apiRoutes.js';
import { addPushRoute } from './pushRoute.js';
import type { RulesStatus } from './rulesStatus.js';
import { addSilenceRoutes } from './silenceRoutes.js';
import { addStreamRoute, type StreamOptions } from './streamRoute.js';
import { UnifiedPerformanceMonitor, type CollectorSummary, type ComponentState, type MonitorOptions, type PerformanceSummary } from './unifiedMonitor.js';

export interface IntegratedOptions extends MonitorOptions {
  /** Serve /metrics, the status API and component push (default true; port and host from config `server`). */
  serve?: boolean;
  /** Overrides config `server.host` / `server.port` (the CLI's --host / --port). */
  listen?: { host?: string | undefined; port?: number | undefined };
  /** Print alert events to stdout as the seed's default monitor does (default true). */
  consoleAlerts?: boolean;
  /** Limits of GET /api/v1/stream (default 32 streams, 1 MiB unread per client, a ping every 15 s). */
  stream?: StreamOptions;
}

export interface ComprehensiveStatus {
  systemStatus: { running: boolean; startedAt: number | undefined; uptimeSeconds: number; monitorInterval: number; server: ServerAddress | undefined };
  performanceSummary: PerformanceSummary;
  /** The echo.dash dashboard document, as performance_metrics.json holds it. */
  dashboardData: Record<string, unknown>;
  componentStatus: Record<string, { state: ComponentState; collector: CollectorSummary | undefined }>;
  /** The per-series rules (the same object as performanceSummary.rules). */
  rules: RulesStatus;
}

export class IntegratedPerformanceSystem {
  readonly monitor: UnifiedPerformanceMonitor;
  private readonly _logger: Logger;
  private readonly _server: EchoPerfServer | undefined;
  private readonly _echoDash: EchoDashWriter | undefined;
  private _address: ServerAddress | undefined;
  private _startedAt: number | undefined;
  /** Set when `listen.host` asks for a bind beyond loopback that the config gives no token for. */
  private readonly _bindRefusal: string | undefined;

  constructor(options: IntegratedOptions = {}) {
    this.monitor = options.consoleAlerts === false ? new UnifiedPerformanceMonitor(options) : createDefaultMonitor(options);
    this._logger = options.logger ?? createStreamLogger(this.monitor.config.log_level, undefined, 'performance_integration');
    this._echoDash = attachEchoDash(this.monitor, this.monitor.clock, this._logger);
    if (options.serve !== false) {
      const sc = this.monitor.config.server;
      const host = options.listen?.host ?? sc.host;
      // The config check covers server.host; an override is checked here, so that
      // the refusal names this system's keys rather than the server's `token` option.
      if (!isLoopbackHost(host) && sc.push_token === undefined) {
        this._bindRefusal =
          `${options.listen?.host !== undefined ? 'listen.host' : 'server.host'} ${JSON.stringify(host.slice(0, 100))} is not a loopback address: binding it requires server.push_token ` +
          'in the config (write endpoints such as push check it), or bind 127.0.0.1';
      }
      const view = monitorView(this.monitor);
      // GET /api/v1/status: the summary plus what only the integrated system knows (uptime, address, components).
      const status = (): unknown => {
        const summary = this.monitor.getPerformanceSummary();
        return { ...summary, system: this._systemStatus(), components: this._componentStatus(summary) };
      };
      this._server = createServer({ ...view, status }, {
        host,
        port: options.listen?.port ?? sc.port,
        maxConnectionsPerIp: sc.max_connections_per_ip,
        logger: childLogger(this._logger, { stage: 'server' }),
        ...(sc.push_token !== undefined ? { token: sc.push_token } : {}),
      });
      addPushRoute(this._server, this.monitor);
      addSilenceRoutes(this._server, this.monitor);
      addApiRoutes(this._server, this.monitor);
      addStreamRoute(this._server, this.monitor, options.stream, childLogger(this._logger, { stage: 'server' }));
      addDashboardRoutes(this._server.app);
    }
  }

  /** Starts monitoring and the server. Resolves once the server listens; a failure to listen is logged and rethrown. */
  async start(): Promise<void> {
    if (this.monitor.isMonitoring) return this.monitor.startMonitoring(); // logs the warning
    if (this._bindRefusal !== undefined) {
      this._logger.error(`cannot serve: ${this._bindRefusal}`);
      throw new EchoPerfError('EP_ERR_ARGUMENT', this._bindRefusal);
    }
    this._startedAt = this.monitor.clock.now();
    this.monitor.startMonitoring();
    if (this._server !== undefined && this._address === undefined) {
      try {
        this._address = await this._server.listen();
        // Links in notifications point where the server really listens (port 0 picks one), unless the config names the URL.
        if (this.monitor.config.alerting.external_url === undefined) this.monitor.externalURL = this._address.url;
        this._logger.info(`serving ${this._address.url}/metrics and ${this._address.url}/api/v1/push/{component}`);
      } catch (e) {
        this._logger.error(`cannot serve: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    }
  }

  /** Stops monitoring and the server, writes pending history and releases the data dir. */
  async stop(): Promise<void> {
    if (this.monitor.isMonitoring) this.monitor.stopMonitoring();
    await this._server?.close();
    this._address = undefined;
    await this.monitor.flushAlerts();
    if (this._echoDash !== undefined && this._startedAt !== undefined) markEchoDashStopped(this._echoDash, this.monitor, this.monitor.clock);
    await this.monitor.close();
  }

  /** Where the server listens, once started. */
  get address(): ServerAddress | undefined {
    return this._address;
  }

  /** The HTTP server, when this system serves: its routes, or `app` to add routes before `start()`. */
  get server(): EchoPerfServer | undefined {
    return this._server;
  }

  getComprehensiveStatus(): ComprehensiveStatus {
    const summary = this.monitor.getPerformanceSummary();
    const now = this.monitor.clock.now();
    return {
      systemStatus: this._systemStatus(now),
      performanceSummary: summary,
      dashboardData: buildDashboard({
        now,
        startedAt: this._startedAt ?? now,
        teamMember: this.monitor.config.echo_dash.team_member,
        snapshot: summary.currentMetrics,
        alerts: summary.recentAlerts.filter((a) => a.status === 'firing'),
      }),
      componentStatus: this._componentStatus(summary),
      rules: summary.rules,
    };
  }

  private _systemStatus(now: number = this.monitor.clock.now()): ComprehensiveStatus['systemStatus'] {
    return {
      running: this.monitor.isMonitoring,
      startedAt: this._startedAt,
      uptimeSeconds: this._startedAt === undefined ? 0 : (now - this._startedAt) / 1000,
      monitorInterval: this.monitor.monitorInterval,
      server: this._address,
    };
  }

  private _componentStatus(summary: PerformanceSummary): ComprehensiveStatus['componentStatus'] {
    const out = Object.create(null) as ComprehensiveStatus['componentStatus'];
    for (const [name, state] of Object.entries(this.monitor.componentStates())) out[name] = { state, collector: summary.collectors[name] };
    return out;
  }

  /**
   * Writes a report of what the monitor holds in memory, in the format the
   * extension names: `.json` the comprehensive status, the metrics history and
   * the alerts (the seed's report); `.html` one self-contained page; `.csv` the
   * raw points. Any other name gets the JSON report, as the seed wrote it
   * whatever the name.
   */
  exportPerformanceReport(path: string): void {
    if (typeof path !== 'string' || path === '') {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `exportPerformanceReport path: got ${JSON.stringify(path)?.slice(0, 100)}; expected a file path ending in .json, .html or .csv`);
    }
    const format = reportFormatOf(path) ?? 'json';
    if (format !== 'json') {
      const states: Record<string, string> = {};
      for (const [name, state] of Object.entries(this.monitor.componentStates())) states[name] = state;
      const data = gatherFromMemory(this.monitor.store, { now: this.monitor.clock.now(), alerts: this.monitor.alertsHistory.toArray(), componentStates: states });
      writeReport(path, format, data);
      return;
    }
    writeJsonAtomic(path, {
      generatedAt: new Date(this.monitor.clock.now()).toISOString(),
      status: this.getComprehensiveStatus(),
      metricsHistory: this.monitor.metricsHistory.toArray(),
      alertsHistory: this.monitor.alertsHistory.toArray(),
    });
  }
}

/** The seed's `create_integrated_system(config_path)`: reads and validates the config. */
export function createIntegratedSystem(configPath?: string, options: Omit<IntegratedOptions, 'configPath'> = {}): IntegratedPerformanceSystem {
  return new IntegratedPerformanceSystem(configPath === undefined ? options : { ...options, configPath });
}
