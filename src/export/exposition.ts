/**
 * @module export/exposition
 * What `/metrics` shows: the current state, as an exporter shows it. The
 * agent's own samples (the latest output of each collector, this tick's
 * derived engine figures, self-metrics, ALERTS) are renamed through the
 * export table; pages of targets that pass through keep their own names.
 * Nothing older than the latest collection of its source is shown:
 * Prometheus handles staleness itself.
 */
import type { ExpositionSample, MetricFamily } from '../core/exposition/index.js';
import type { Labels, MetricType, Sample } from '../core/types.js';
import { setLabel } from '../core/labels.js';
import { exportedFamilyOf, NAMESPACE, toExposedUnit, type ExportedFamily } from './names.js';

/** What a pass-through page's family is, from the target's own metadata. */
export interface PageFamily {
  readonly family: string;
  readonly type: MetricType;
  readonly help?: string | undefined;
  readonly unit?: string | undefined;
}

/** A target whose latest successful page is shown as it was scraped. */
export interface PassThroughPage {
  readonly target: string;
  /** Engines' pages: their own `engine` label (a rank) becomes `engine_index`, and `engine` is the configured name. */
  readonly engine: boolean;
  /** The page's samples, with the target's labels applied. */
  readonly samples: readonly Sample[];
  /** The family a sample name belongs to, as the page declared it. */
  readonly familyOf: (sampleName: string) => PageFamily | undefined;
}

export interface ExpositionInput {
  /** The agent's own current samples, in internal names. */
  readonly own: Iterable<Sample>;
  readonly passThrough: Iterable<PassThroughPage>;
}

export interface Exposition {
  readonly families: MetricFamily[];
  /** Per pass-through target: families left out (a reserved name, or a type clash with another target). */
  readonly droppedFamilies: ReadonlyMap<string, number>;
}

interface Building {
  readonly family: MetricFamily & { samples: ExpositionSample[] };
  /** Series keys already in the family: a duplicate would make the page invalid. */
  readonly keys: Set<string>;
  /** Summaries: each sample's label set without `quantile`, and its quantile, for the final order. */
  readonly order: { sample: ExpositionSample; key: string; q: number }[] | undefined;
}

/**
 * Family names a target's page may not bring in: the agent's own namespace,
 * and the series Prometheus makes itself for the agent's job (an `up` from a
 * page would blame the agent for an engine's outage).
 */
function reservedForAgent(family: string): boolean {
  return family.startsWith(NAMESPACE) || family === 'ALERTS' || family === 'ALERTS_FOR_STATE' || family === 'up' || family.startsWith('scrape_');
}

export function buildExposition(input: ExpositionInput): Exposition {
  const byName = new Map<string, Building>();
  for (const s of input.own) addOwn(byName, s);
  const ownNames = new Set(byName.keys());
  const dropped = new Map<string, number>();
  for (const page of input.passThrough) {
    const refused = new Set<string>();
    for (const s of page.samples) {
      const meta = page.familyOf(s.name) ?? { family: s.name, type: 'untyped' as const };
      if (refused.has(meta.family)) continue;
      let b = byName.get(meta.family);
      if (reservedForAgent(meta.family) || ownNames.has(meta.family) || (b !== undefined && b.family.type !== meta.type)) {
        refused.add(meta.family);
        continue;
      }
      if (b === undefined) {
        b = newFamily(meta.family, meta.type, meta.help, meta.unit, false);
        byName.set(meta.family, b);
      }
      push(b, s.name, passThroughLabels(s.labels, page), s.v, undefined, true);
    }
    dropped.set(page.target, refused.size);
  }
  // Said in the page itself, so an operator sees why a family of a target is missing.
  for (const [target, n] of dropped) {
    if (n > 0) addOwn(byName, { name: 'echo_perf_target_passthrough_dropped_families', labels: { target }, t: 0, v: n });
  }
  const families: MetricFamily[] = [];
  for (const name of [...byName.keys()].sort()) {
    const b = byName.get(name)!;
    if (b.order !== undefined) {
      b.order.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.q - y.q));
      for (let i = 0; i < b.order.length; i++) b.family.samples[i] = b.order[i]!.sample;
    }
    families.push(b.family);
  }
  return { families, droppedFamilies: dropped };
}

function addOwn(byName: Map<string, Building>, s: Sample): void {
  const f = exportedFamilyOf(s.name, s.labels);
  let b = byName.get(f.name);
  if (b === undefined) {
    b = newFamily(f.name, f.type, f.help, undefined, f.type === 'summary');
    byName.set(f.name, b);
  } else if (b.family.type !== f.type) {
    return; // a custom metric whose exposed name landed on a declared family of another type
  }
  // Collectors' outputs hold each series once (the runner sees to it); only names made from
  // arbitrary metric names can meet (`a:b` and `a_b` of one component).
  push(b, f.name, ownLabels(s.labels, f), toExposedUnit(s.v, f.scale), f.quantile, f.custom === true);
}

/**
 * One of the agent's own samples as /metrics shows it: exposed name, labels
 * (a summary's `quantile` included) and value in the exposed unit. For
 * exporters that send samples one by one (remote_write).
 */
export function exposedSample(s: Sample): { name: string; labels: Record<string, string>; value: number } {
  const f = exportedFamilyOf(s.name, s.labels);
  const labels = ownLabels(s.labels, f);
  if (f.quantile !== undefined) labels['quantile'] = f.quantile;
  return { name: f.name, labels, value: toExposedUnit(s.v, f.scale) };
}

function newFamily(name: string, type: MetricType, help: string | undefined, unit: string | undefined, sortByLabels: boolean): Building {
  const family: MetricFamily & { samples: ExpositionSample[] } = {
    name,
    type,
    ...(help !== undefined && help !== '' ? { help } : {}),
    ...(unit !== undefined && unit !== '' ? { unit } : {}),
    samples: [],
  };
  return { family, keys: new Set(), order: sortByLabels ? [] : undefined };
}

/**
 * Adds a sample; with `dedupe`, unless its series is already there (a page
 * may repeat a series, and a repeated series makes the whole page suspect).
 * `labels` holds no `quantile` yet; `quantile` is added here.
 */
function push(b: Building, name: string, labels: Record<string, string>, value: number, quantile: string | undefined, dedupe: boolean): void {
  if (dedupe) {
    const key = labelKey(name, labels);
    if (b.keys.has(key)) return;
    b.keys.add(key);
  }
  const sample: ExpositionSample = { name, labels, value };
  if (b.order !== undefined) b.order.push({ sample, key: labelKey('', labels), q: quantile === undefined ? 0 : Number(quantile) });
  if (quantile !== undefined) labels['quantile'] = quantile;
  b.family.samples.push(sample);
}

/** The series' labels as exposed: the internal `component` label goes where the family already names the source. */
function ownLabels(labels: Labels, f: ExportedFamily): Record<string, string> {
  const out: Record<string, string> = {};
  const component = labels['component'];
  const dropComponent =
    component !== undefined &&
    (component === f.implicitComponent || (f.group === 'engine' && component === labels['engine']) || f.group === 'self');
  for (const k of Object.keys(labels)) {
    if (k === 'component' && dropComponent) continue;
    setLabel(out, k, labels[k]!);
  }
  return out;
}

/** A page's labels as exposed: job and instance say which target; `component` is internal. */
function passThroughLabels(labels: Labels, page: PassThroughPage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels)) {
    if (k === 'component') continue;
    if (page.engine && k === 'engine') out['engine_index'] = labels[k]!;
    else setLabel(out, k, labels[k]!);
  }
  if (page.engine) out['engine'] = page.target;
  return out;
}


/**
 * Identity of a series within its family. Labels in the order they come:
 * every source builds its label sets in one order, and sorting per sample
 * would double the page's cost; values are unescaped, so \u0000 separates.
 */
function labelKey(name: string, labels: Labels): string {
  let k = name;
  for (const l in labels) k += '\u0000' + l + '=' + labels[l]!;
  return k;
}

