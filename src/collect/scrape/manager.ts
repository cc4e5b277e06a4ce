/**
 * @module collect/scrape/manager
 * Runs the configured scrape targets, each on its own schedule, and hands every
 * scrape's samples to a sink (the monitor writes the page's samples, with its
 * families' metadata, to the store as external data, and the target's health
 * series as its own).
 */
import type { Clock } from '../../core/clock.js';
import { ScrapeTarget, type ScrapeSink, type ScrapeTargetSpec, type TargetStatus } from './target.js';

export const USER_AGENT = 'echo-perf/0.1';

export class ScrapeManager {
  readonly targets = new Map<string, ScrapeTarget>();
  private _running = false;

  constructor(
    specs: readonly ScrapeTargetSpec[],
    clock: Clock,
    sink: ScrapeSink,
  ) {
    for (const s of specs) this.targets.set(s.name, new ScrapeTarget(s, clock, sink, USER_AGENT));
  }

  start(): void {
    if (this._running) return;
    this._running = true;
    for (const t of this.targets.values()) t.start();
  }

  stop(): void {
    this._running = false;
    for (const t of this.targets.values()) t.stop();
  }

  /** Scrapes every target once, now (for `collectNow` and tests). */
  async scrapeAll(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => t.scrapeNow()));
  }

  statuses(): Record<string, TargetStatus> {
    const out = Object.create(null) as Record<string, TargetStatus>;
    for (const [n, t] of this.targets) out[n] = { ...t.status };
    return out;
  }
}
