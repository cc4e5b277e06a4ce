/**
 * @module simulate/component
 * Realistic metric streams for the three Deep Tree Echo components, for demos
 * and tests: `healthy` stays inside the seed's thresholds, `degraded` breaks them
 * (low convergence and proprioceptive accuracy, slow sensory-motor loop, a
 * membrane hierarchy that is not A000081).
 */
import { Prng } from './prng.js';

export type SimComponent = 'dtesn' | 'echo_self' | 'embodied';
export type ComponentScenario = 'healthy' | 'degraded';

/** Uniform [0, 1) draws from the simulators' seeded PRNG, so runs are repeatable. */
export function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The payload a component would push at step `i` (0, 1, 2, ...). */
export function componentPayload(c: SimComponent, i: number, scenario: ComponentScenario, rnd: () => number): Record<string, unknown> {
  const noise = (scale: number): number => (rnd() - 0.5) * 2 * scale;
  const bad = scenario === 'degraded';
  switch (c) {
    case 'dtesn':
      return {
        membrane_evolution_rate: clamp(120 + noise(10) - (bad ? 60 : 0), 0, Infinity),
        reservoir_dynamics: clamp(0.5 + 0.15 * Math.sin(i / 5) + noise(0.05), 0, 1),
        p_system_transitions: clamp(480 + noise(40), 0, Infinity),
        esn_update_time_ns: clamp(52_000 + noise(4000) + (bad ? 40_000 : 0), 0, Infinity),
        memory_allocation_efficiency: clamp(0.86 + noise(0.03), 0, 1),
        cache_hit_ratio: clamp(0.93 + noise(0.02) - (bad ? 0.3 : 0), 0, 1),
        membrane_hierarchy: bad ? [1, 1, 2, 5, 9] : [1, 1, 2, 4, 9],
      };
    case 'echo_self': {
      const converged = 1 - 0.5 * Math.exp(-i / 20);
      return {
        evolution_convergence: clamp(bad ? 0.55 + noise(0.05) : converged * 0.97 + noise(0.01), 0, 1),
        fitness_improvement: (bad ? -0.01 : 0.05 * Math.exp(-i / 30)) + noise(0.005),
        agent_performance: clamp(0.8 + noise(0.05) - (bad ? 0.2 : 0), 0, 1),
        population_diversity: clamp(0.6 * Math.exp(-i / 100) + 0.2 + noise(0.02), 0, 1),
        mutation_rate: 0.05,
        selection_pressure: 1.5,
        adaptation_cycles: i,
      };
    }
    case 'embodied':
      return {
        sensory_motor_latency: clamp((bad ? 150 : 42) + noise(8), 0, Infinity),
        proprioceptive_accuracy: clamp((bad ? 0.7 : 0.92) + noise(0.02), 0, 1),
      };
  }
}
