/**
 * @module core/components
 * Declared metric schemas of the Deep Tree Echo components the seed monitors:
 * DTESN, Echo-Self and Embodied AI. Each metric has a unit, a direction, a
 * valid range (values outside are rejected with a reason and counted) and,
 * where the seed gives one, a default threshold and severity.
 */
import { AlertSeverity } from './severity.js';

export interface ComponentMetricSchema {
  readonly name: string;
  readonly unit: string;
  readonly direction: 'higher' | 'lower' | 'none';
  /** Inclusive valid range. */
  readonly min: number;
  readonly max: number;
  readonly help: string;
  /** Default alert: below `min` / above `max` of this threshold. Seed thresholds are applied by the snapshot rules. */
  readonly threshold?: { readonly op: 'min' | 'max'; readonly value: number; readonly severity: AlertSeverity };
}

export interface ComponentSchema {
  readonly name: string;
  readonly title: string;
  readonly metrics: readonly ComponentMetricSchema[];
}

const ratio = (name: string, help: string, direction: 'higher' | 'lower' | 'none' = 'higher'): ComponentMetricSchema => ({
  name,
  unit: 'ratio',
  direction,
  min: 0,
  max: 1,
  help,
});

export const DTESN: ComponentSchema = {
  name: 'dtesn',
  title: 'DTESN (Deep Tree Echo State Network)',
  metrics: [
    { name: 'membrane_evolution_rate', unit: 'evolutions/s', direction: 'higher', min: 0, max: Infinity, help: 'P-system membrane evolutions per second' },
    ratio('reservoir_dynamics', 'Echo-state reservoir activity, 0..1', 'none'),
    { name: 'membrane_level', unit: 'levels', direction: 'none', min: 0, max: 1000, help: 'Depth of the membrane hierarchy' },
    { name: 'p_system_transitions', unit: 'transitions/s', direction: 'higher', min: 0, max: Infinity, help: 'P-system rule applications per second' },
    { name: 'esn_update_time_ns', unit: 'ns', direction: 'lower', min: 0, max: Infinity, help: 'Time of one echo-state network update' },
    ratio('memory_allocation_efficiency', 'Useful bytes / allocated bytes, 0..1'),
    ratio('cache_hit_ratio', 'Cache hits / lookups, 0..1'),
    {
      ...ratio('a000081_compliance', 'Fraction of membrane-hierarchy levels whose membrane count matches OEIS A000081'),
      threshold: { op: 'min', value: 1, severity: AlertSeverity.WARNING },
    },
  ],
};

export const ECHO_SELF: ComponentSchema = {
  name: 'echo_self',
  title: 'Echo-Self AI evolution engine',
  metrics: [
    ratio('evolution_convergence', 'Convergence of the evolutionary search, 0..1 (seed minimum 0.7, CRITICAL below)'),
    { name: 'fitness_improvement', unit: 'ratio', direction: 'higher', min: -Infinity, max: Infinity, help: 'Relative fitness gain over the last generation' },
    ratio('agent_performance', 'Agent task performance score, 0..1'),
    ratio('population_diversity', 'Genetic diversity of the population, 0..1'),
    ratio('mutation_rate', 'Probability of mutation per gene, 0..1', 'none'),
    { name: 'selection_pressure', unit: 'ratio', direction: 'none', min: 0, max: Infinity, help: 'Selection pressure (tournament size / population, or similar)' },
    { name: 'adaptation_cycles', unit: 'cycles', direction: 'none', min: 0, max: Infinity, help: 'Adaptation cycles completed' },
  ],
};

export const EMBODIED: ComponentSchema = {
  name: 'embodied',
  title: 'Embodied AI (4E cognition)',
  metrics: [
    { name: 'sensory_motor_latency', unit: 'ms', direction: 'lower', min: 0, max: 3_600_000, help: 'Sensor-to-actuator loop latency (seed maximum 100 ms, WARNING above)' },
    ratio('proprioceptive_accuracy', 'Body-state estimation accuracy, 0..1 (seed minimum 0.8, CRITICAL below)'),
  ],
};

export const COMPONENT_SCHEMAS: ReadonlyMap<string, ComponentSchema> = new Map([DTESN, ECHO_SELF, EMBODIED].map((c) => [c.name, c]));

/**
 * What a component name looks like: it becomes the `component` label, a key of
 * the snapshot's `componentMetrics` and a push URL segment. Starting with a
 * letter keeps `__proto__` and other `__` names (Prometheus reserves those for
 * internal labels) out.
 */
export const COMPONENT_NAME_RE = /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;

/** What a component name must look like, in words. */
export const COMPONENT_NAME_EXPECTED = 'a component name of 1-64 characters: a letter, then letters, digits, _ . - (pattern ^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$)';

/** Names the monitor's own collectors and series use; no pushed or pulled component may take them. */
export const RESERVED_COMPONENT_NAMES: ReadonlySet<string> = new Set(['engines', 'system', 'gpu', 'echo_dash', 'monitor']);

/** Folds spellings that would read as the same name (`GPU`, `echo-dash`) for the reserved-name check. */
export function foldComponentName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/**
 * Why `name` cannot be a component name (pattern or reserved), as an "expected"
 * text; undefined when it can. Configured names (engines, scrape targets) are
 * checked where the config is known.
 * @example checkComponentName('dtesn') === undefined; checkComponentName('__proto__') !== undefined
 */
export function checkComponentName(name: unknown): string | undefined {
  if (typeof name !== 'string' || !COMPONENT_NAME_RE.test(name)) return COMPONENT_NAME_EXPECTED;
  const folded = foldComponentName(name);
  if (RESERVED_COMPONENT_NAMES.has(folded) || folded.startsWith('echo_perf')) {
    return `a name that is not reserved for the monitor itself (reserved: ${[...RESERVED_COMPONENT_NAMES].join(', ')} and names starting echo_perf)`;
  }
  return undefined;
}

/** Names users may type for a component (CLI, push URLs) → its canonical name. */
export function canonicalComponent(name: string): string {
  const n = name.toLowerCase().replace(/-/g, '_');
  if (n === 'echoself') return 'echo_self';
  if (n === 'embodied_ai') return 'embodied';
  return COMPONENT_SCHEMAS.has(n) ? n : name;
}

/** What a declared metric's value must be, when `value` is outside its range; undefined when valid or custom. */
export function rangeExpectation(component: string, metric: string, value: number): string | undefined {
  const m = COMPONENT_SCHEMAS.get(component)?.metrics.find((x) => x.name === metric);
  if (m === undefined || (value >= m.min && value <= m.max)) return undefined;
  return `a value in [${m.min}, ${m.max}] ${m.unit}`;
}

/** Why a value is out of its declared range, or undefined when it is valid (or the metric is custom). */
export function rangeProblem(component: string, metric: string, value: number): string | undefined {
  const e = rangeExpectation(component, metric, value);
  return e === undefined ? undefined : `${metric}: got ${value}; expected ${e}`;
}
