/**
 * @module monitor/pushIngest
 * Pushed components. A push is checked all or nothing (name, payload, time); on
 * its first push a component gets a collector that offers the pushed values
 * while they are fresh. Everything keyed by a pushed name is bounded: names
 * follow a pattern, may not take a reserved or configured name, are capped
 * (`max_push_components`) and are forgotten once silent for `push_forget_after`.
 * What is refused is counted in self-metrics whose labels are a fixed set.
 */
import { canonicalComponent, checkComponentName, COMPONENT_SCHEMAS, foldComponentName } from '../core/components.js';
import type { Collector, Sample } from '../core/types.js';
import type { EchoPerfConfig } from '../config/index.js';
import { HeldValues, pushedCollector } from '../collect/components/held.js';
import { parseComponentPayload, type FieldError } from '../collect/components/payload.js';
import { previewValue } from '../core/preview.js';
import type { TimestampRejection } from '../collect/components/timestamps.js';
import type { CollectorEntry } from '../collect/runner.js';

export type PushResult =
  | { ok: true; status: 200; component: string; samples: Sample[]; outOfOrder: number }
  | {
      ok: false;
      /** 400: a bad name or payload; 429: a new component past `max_push_components`. */
      status: 400 | 429;
      component: string;
      errors: FieldError[];
      omittedErrors?: number;
      /** On 429: pushed components counted against the limit, and the limit. */
      count?: number;
      limit?: number;
    };

/** Why pushed samples were refused: the `reason` label of echo_perf_push_samples_rejected_total. */
export type PushRejection = TimestampRejection | 'out_of_order';
const REJECTIONS: readonly PushRejection[] = ['out_of_order', 'too_far_ahead', 'too_old', 'bad_timestamp'];
const CODES = [200, 400, 429] as const;

interface Pushed {
  readonly collector: Collector & { held: HeldValues };
  lastPushAt: number;
}

export class PushedComponents {
  private readonly _pushed = new Map<string, Pushed>();
  /** Folded engine, scrape target and pulled component names → where the config names them. */
  private readonly _configured = new Map<string, string>();
  private readonly _rejected = new Map<PushRejection, number>(REJECTIONS.map((r) => [r, 0]));
  private readonly _requests = new Map<(typeof CODES)[number], number>(CODES.map((c) => [c, 0]));
  private _forgotten = 0;

  constructor(
    private readonly _config: Readonly<EchoPerfConfig>,
    /** The monitoring interval now, ms (it may change at run time). */
    private readonly _intervalMs: () => number,
  ) {
    const add = (name: string, where: string): void => void (this._configured.has(foldComponentName(name)) || this._configured.set(foldComponentName(name), where));
    _config.engines.forEach((e, i) => add(e.name, `engines[${i}].name`));
    _config.scrape_targets.forEach((t, i) => add(t.name, `scrape_targets[${i}].name`));
    _config.components.forEach((p, i) => add(p.name, `components[${i}].name`));
  }

  /** Checks and takes one push at time `now`; `collectors` gains the component on its first push. */
  ingest(collectors: Map<string, CollectorEntry>, now: number, component: string, body: string, contentType: string): PushResult {
    const r = this._ingest(collectors, now, component, body, contentType);
    this._requests.set(r.status, (this._requests.get(r.status) ?? 0) + 1);
    return r;
  }

  /**
   * Forgets pushed components silent for `push_forget_after` (never before they
   * are stale, so their staleness alerts fire first): their collector goes,
   * and with it their freshness and open staleness alerts, which resolve at
   * this tick. dtesn, echo_self and embodied are kept: their absence alerts
   * until they come back.
   */
  forgetSilent(at: number, collectors: Map<string, CollectorEntry>): void {
    const c = this._config;
    const after = Math.max(c.push_forget_after * 1000, c.stale_after_intervals * this._intervalMs());
    for (const [name, p] of this._pushed) {
      if (collectors.get(name) !== p.collector) {
        this._pushed.delete(name); // replaced or removed by the embedder: no longer ours
        continue;
      }
      if (COMPONENT_SCHEMAS.has(name) || at - p.lastPushAt < after) continue;
      collectors.delete(name);
      this._pushed.delete(name);
      this._forgotten++;
    }
  }

  /** Self-metrics in Prometheus naming; label values are fixed sets, never a pushed name. */
  selfSamples(at: number): Sample[] {
    const out: Sample[] = [
      { name: 'echo_perf_push_components', labels: {}, t: at, v: this._pushed.size },
      { name: 'echo_perf_push_components_forgotten_total', labels: {}, t: at, v: this._forgotten },
    ];
    for (const [reason, v] of this._rejected) out.push({ name: 'echo_perf_push_samples_rejected_total', labels: { reason }, t: at, v });
    for (const [code, v] of this._requests) out.push({ name: 'echo_perf_push_requests_total', labels: { code: String(code) }, t: at, v });
    return out;
  }

  private _ingest(collectors: Map<string, CollectorEntry>, now: number, component: string, body: string, contentType: string): PushResult {
    const refuse = (expected: string): PushResult => ({ ok: false, status: 400, component: String(previewValue(component)), errors: [{ field: 'component', value: previewValue(component), expected }] });
    const bad = checkComponentName(component);
    if (bad !== undefined) return refuse(bad);
    const name = canonicalComponent(component);
    const where = this._configured.get(foldComponentName(name));
    if (where !== undefined) return refuse(`a name not configured for another source (it is ${where}: its data would be mixed with the push)`);
    let mine = this._pushed.get(name);
    const existing = collectors.get(name);
    if (mine !== undefined && existing !== mine.collector) {
      this._pushed.delete(name);
      mine = undefined;
    }
    if (existing !== undefined && mine === undefined) return refuse('a name not taken by a collector in the monitor (it is collected in-process)');
    if (mine === undefined && !COMPONENT_SCHEMAS.has(name)) {
      const over = this._overLimit(collectors, now, name);
      if (over !== undefined) return over;
    }
    const c = this._config;
    const intervalMs = this._intervalMs();
    const window = { minMs: now - c.stale_after_intervals * intervalMs, maxMs: now + intervalMs + c.push_max_future_seconds * 1000 };
    const parsed = parseComponentPayload(name, body, contentType, now, { maxSamples: c.max_samples_per_collector, window });
    if (!parsed.ok) {
      for (const [reason, n] of Object.entries(parsed.timestampRejected ?? {})) this._count(reason as PushRejection, n);
      return { ok: false, status: 400, component: name, errors: parsed.errors, ...(parsed.omittedErrors !== undefined ? { omittedErrors: parsed.omittedErrors } : {}) };
    }
    if (mine === undefined) {
      mine = { collector: pushedCollector(name, new HeldValues(), () => c.stale_after_intervals * this._intervalMs()), lastPushAt: now };
      this._pushed.set(name, mine);
      collectors.set(name, mine.collector);
    }
    mine.lastPushAt = now;
    const { outOfOrder } = mine.collector.held.update(parsed.samples);
    this._count('out_of_order', outOfOrder);
    return { ok: true, status: 200, component: name, samples: parsed.samples, outOfOrder };
  }

  /** The 429 for a new component past the cap (after forgetting silent ones), or undefined. */
  private _overLimit(collectors: Map<string, CollectorEntry>, now: number, name: string): PushResult | undefined {
    const limit = this._config.max_push_components;
    if (this._counted() >= limit) this.forgetSilent(now, collectors);
    const count = this._counted();
    if (count < limit) return undefined;
    return {
      ok: false,
      status: 429,
      component: name,
      errors: [
        {
          field: 'component',
          value: name,
          expected: `a component already pushed: ${count} are held and max_push_components is ${limit}; one silent for push_forget_after (${this._config.push_forget_after} s) is forgotten and frees its place`,
        },
      ],
      count,
      limit,
    };
  }

  private _counted(): number {
    let n = 0;
    for (const name of this._pushed.keys()) if (!COMPONENT_SCHEMAS.has(name)) n++;
    return n;
  }

  private _count(reason: PushRejection, n: number): void {
    if (n > 0) this._rejected.set(reason, (this._rejected.get(reason) ?? 0) + n);
  }
}
