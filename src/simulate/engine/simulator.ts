/**
 * @module simulate/engine/simulator
 * `startEngineSimulator`: a live LLM engine on 127.0.0.1 whose `/metrics` is
 * the real engine's page, driven by a request-arrival model and a scenario
 * that can be switched while it runs.
 */
import type { AddressInfo } from 'node:net';
import { ManualClock, type Timer } from '../../core/clock.js';
import { EchoPerfError } from '../../core/errors.js';
import type { Flavor } from './flavors/types.js';
import { resolveOptions, type EngineSimOptions } from './options.js';
import { isScenario, SCENARIOS, type ScenarioName } from './scenarios.js';
import { createEngineServer } from './server.js';
import { Simulation, type EngineSimState } from './simulation.js';

export interface EngineSimulator {
  readonly flavor: Flavor;
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  readonly metricsUrl: string;
  readonly port: number;
  /** The scenario now; assigning switches it live. */
  scenario: ScenarioName;
  /** The family names (TYPE lines, `_created` included) the page carries. */
  readonly families: readonly string[];
  /** The numbers behind the page, for tests and logs. */
  state(): EngineSimState;
  /** The page `/metrics` would answer now (whatever the scenario does to HTTP). */
  render(): string;
  /**
   * Moves the simulation `ms` forward. With a `ManualClock` this advances the
   * clock (its timers run the steps); with another clock the simulation runs
   * ahead of it by `ms` from now on.
   */
  advance(ms: number): Promise<void>;
  /** Stops the steps and the server. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a simulated engine and resolves once it listens.
 * @example
 * const sim = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'load-spike' });
 * const page = await (await fetch(sim.metricsUrl)).text();
 * sim.scenario = 'outage';
 * await sim.close();
 */
export async function startEngineSimulator(options: EngineSimOptions): Promise<EngineSimulator> {
  const o = resolveOptions(options);
  const sim = new Simulation(o);
  const server = createEngineServer(sim, o.spec, o.model, o.maxModelLen);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `port: cannot listen on ${o.host}:${o.port}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${host}:${port}`;
  let timer: Timer | undefined = o.clock.every(o.stepMs, () => sim.catchUp());
  let closing: Promise<void> | undefined;

  return {
    flavor: o.spec.flavor,
    url,
    metricsUrl: `${url}/metrics`,
    port,
    get scenario(): ScenarioName {
      return sim.scenario;
    },
    set scenario(s: ScenarioName) {
      // Checked here too: plain JavaScript callers get no type check, and a bad name must not stick.
      if (!isScenario(s)) throw new EchoPerfError('EP_ERR_ARGUMENT', `scenario: got ${JSON.stringify(s)}; expected one of ${SCENARIOS.join(', ')}`);
      sim.scenario = s;
    },
    families: sim.familyNames,
    state: () => {
      sim.catchUp();
      return sim.state();
    },
    render: () => {
      sim.catchUp();
      return sim.render();
    },
    async advance(ms: number): Promise<void> {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(): ms must be a finite number >= 0, got ${ms}`);
      if (o.clock instanceof ManualClock) await o.clock.advance(ms);
      else sim.lead += ms;
      sim.catchUp();
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        timer?.stop();
        timer = undefined;
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
