/**
 * @module simulate/engine
 * A live LLM-engine simulator (Aphrodite, vLLM, SGLang, TGI, llama.cpp) whose
 * `/metrics` is the real engine's page, for tests, demos and `echo-perf simulate engine`.
 */
export { startEngineSimulator } from './simulator.js';
export type { EngineSimulator } from './simulator.js';
export type { EngineSimOptions } from './options.js';
export type { EngineRankState, EngineSimState } from './simulation.js';
export { runSimulateEngine, SIMULATE_ENGINE_USAGE } from './cli.js';
export type { Out, RunSimulateEngineHooks } from './cli.js';
export { SCENARIOS, SCENARIO_PARAMS, phaseAt } from './scenarios.js';
export type { ScenarioName, Phase, Workload, HttpMode, EngineMode } from './scenarios.js';
export { FLAVORS, FLAVOR_SPECS } from './flavors/index.js';
export type { Flavor, FlavorSpec, FamilySpec } from './flavors/index.js';
