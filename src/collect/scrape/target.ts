/**
 * @module collect/scrape/target
 * One scrape target on its own schedule. Each scrape yields the page's samples
 * with the target's labels (`job` = its name, `instance` = host:port) plus
 * Prometheus's synthetic series `up`, `scrape_duration_seconds` and
 * `scrape_samples_scraped` (prometheus.io/docs/concepts/jobs_instances). A target
 * that is down, slow, serves garbage or more than its limits changes only its
 * own `up` and status; nothing of a page past a limit is kept. The target's URL
 * is shown only redacted (no userinfo, no secret query values).
 */
import { onGrid, type Clock, type Timer } from '../../core/clock.js';
import { describeError } from '../../core/errors.js';
import { setLabel } from '../../core/labels.js';
import { redactUrl, scrubSecrets, urlSecrets } from '../../core/redact.js';
import type { Labels, MetricType, Sample } from '../../core/types.js';
import type { ScrapeAuth } from './credentials.js';
import { fetchPage, ScrapeError } from './fetchPage.js';
import { parsePage, type PageLimits } from './pageLimits.js';

export interface ScrapeTargetSpec {
  name: string;
  /** May carry `user:pass@` (sent as basic auth) and secret query parameters; never shown unredacted. */
  url: string;
  /** ms */
  intervalMs: number;
  /** ms; <= intervalMs */
  timeoutMs: number;
  labels: Record<string, string>;
  format: 'auto' | 'prometheus' | 'openmetrics';
  /** Uncompressed bytes read from one page at most (Prometheus body_size_limit). */
  bodySizeLimit: number;
  /** Per-page limits (Prometheus sample_limit, label_limit, label_*_length_limit); 0 = none. */
  limits: PageLimits;
  auth?: ScrapeAuth | undefined;
}

export interface FamilyMeta {
  type: MetricType;
  help: string | undefined;
  unit: string | undefined;
}

/** A page's families, as it declared them. */
export interface PageMeta {
  /** Family name → type, help, unit. */
  readonly families: ReadonlyMap<string, FamilyMeta>;
  /** Series name (foo_bucket, foo_total) → family name. */
  readonly sampleFamily: ReadonlyMap<string, string>;
}

/**
 * Where a scrape's data goes (the monitor hands it to the store). A target
 * keeps nothing of its pages: whoever needs them reads the store.
 */
export interface ScrapeSink {
  /** A slice of a good page's samples (target labels applied), with the page's families. */
  page(target: ScrapeTarget, samples: Sample[], meta: PageMeta): void;
  /**
   * The scrape that started at `at` is over: the agent's own series about the
   * target (`up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
   * exposition violations), and the families of its page when the page was
   * good (and handed over in full), undefined when it was refused.
   */
  done(target: ScrapeTarget, at: number, own: Sample[], page: PageMeta | undefined): void;
}

export interface TargetStatus {
  name: string;
  /** Redacted: userinfo and secret query values read `<secret>`. */
  url: string;
  health: 'unknown' | 'up' | 'down';
  lastError: string | undefined;
  lastScrapeAt: number | undefined;
  /** Start time of the last scrape that succeeded. */
  lastSuccessAt: number | undefined;
  /** Start time of the first scrape that succeeded. */
  firstSuccessAt: number | undefined;
  lastDurationMs: number | undefined;
  lastSamples: number;
  scrapesTotal: number;
  failuresTotal: number;
  intervalMs: number;
  /** Exposition rule violations the lenient reader let pass, over all scrapes. */
  violationsTotal: number;
  lastViolation: string | undefined;
}

export class ScrapeTarget {
  readonly spec: ScrapeTargetSpec;
  readonly instance: string;
  private _status: TargetStatus;
  private _timer: Timer | undefined;
  private _inFlight: Promise<void> | undefined;
  private _abort: AbortController | undefined;
  private readonly _secrets: string[];

  constructor(
    spec: ScrapeTargetSpec,
    private readonly _clock: Clock,
    private readonly _sink: ScrapeSink,
    private readonly _userAgent: string,
  ) {
    this.spec = spec;
    this.instance = instanceOf(spec.url);
    this._secrets = urlSecrets(spec.url);
    this._status = {
      name: spec.name,
      url: redactUrl(spec.url),
      health: 'unknown',
      lastError: undefined,
      lastScrapeAt: undefined,
      lastSuccessAt: undefined,
      firstSuccessAt: undefined,
      lastDurationMs: undefined,
      lastSamples: 0,
      scrapesTotal: 0,
      failuresTotal: 0,
      intervalMs: spec.intervalMs,
      violationsTotal: 0,
      lastViolation: undefined,
    };
  }

  get status(): Readonly<TargetStatus> {
    return this._status;
  }

  /** The labels every series of this target carries. */
  targetLabels(): Record<string, string> {
    return { ...this.spec.labels, job: this.spec.name, instance: this.instance, component: this.spec.name };
  }

  start(): void {
    if (this._timer !== undefined) return;
    const origin = this._clock.now();
    void this.scrapeNow(origin);
    this._timer = this._clock.every(this.spec.intervalMs, () => void this.scrapeNow(onGrid(this._clock.now(), origin, this.spec.intervalMs)));
  }

  stop(): void {
    this._timer?.stop();
    this._timer = undefined;
    this._abort?.abort(new Error('stopped'));
  }

  /**
   * Scrapes once (skipped while a scrape is in flight); never rejects. `at`
   * stamps the page: the scheduled time when on schedule (core/clock onGrid).
   */
  scrapeNow(at: number = this._clock.now()): Promise<void> {
    if (this._inFlight !== undefined) return this._inFlight;
    this._inFlight = this._scrape(at).finally(() => (this._inFlight = undefined));
    return this._inFlight;
  }

  private async _scrape(at: number): Promise<void> {
    const started = performance.now();
    const st = this._status;
    st.scrapesTotal++;
    this._abort = new AbortController();
    let samples: Sample[] = [];
    let meta: PageMeta | undefined;
    let error: string | undefined;
    try {
      const page = await fetchPage(this.spec.url, {
        timeoutMs: this.spec.timeoutMs,
        maxBodyBytes: this.spec.bodySizeLimit,
        format: this.spec.format,
        userAgent: this._userAgent,
        signal: this._abort.signal,
        auth: this.spec.auth,
      });
      ({ samples, meta } = await this._toSamples(page.body, page.contentType, at));
    } catch (e) {
      // fetchPage scrubs its own errors; this catches a parse error quoting the URL's secrets too.
      error = scrubSecrets(e instanceof ScrapeError ? e.message : describeError(e), this._secrets);
    }
    const durationMs = performance.now() - started;
    st.lastScrapeAt = at;
    st.lastDurationMs = durationMs;
    st.health = error === undefined ? 'up' : 'down';
    st.lastError = error;
    st.lastSamples = samples.length;
    if (error !== undefined) st.failuresTotal++;
    else {
      st.lastSuccessAt = at;
      st.firstSuccessAt ??= at;
    }
    const tl = this.targetLabels();
    const own: Sample[] = [
      { name: 'up', labels: tl, t: at, v: error === undefined ? 1 : 0 },
      { name: 'scrape_duration_seconds', labels: tl, t: at, v: durationMs / 1000 },
      { name: 'scrape_samples_scraped', labels: tl, t: at, v: samples.length },
      { name: 'echo_perf_target_exposition_violations_total', labels: { target: this.spec.name }, t: at, v: st.violationsTotal },
    ];
    // A big page goes to the store in slices, the event loop let through in between.
    for (let i = 0; meta !== undefined && i < samples.length; i += SINK_SLICE) {
      if (i > 0) await yieldToLoop();
      this._sink.page(this, samples.length <= SINK_SLICE ? samples : samples.slice(i, i + SINK_SLICE), meta);
    }
    this._sink.done(this, at, own, error === undefined ? meta : undefined);
  }

  private async _toSamples(body: string, contentType: string, at: number): Promise<{ samples: Sample[]; meta: PageMeta }> {
    const families = await parsePage(body, contentType || undefined, this.spec.limits, (message) => {
      this._status.violationsTotal++;
      this._status.lastViolation = message;
    }).catch((e: unknown) => {
      const prefix = notAMetricsPage(contentType);
      throw prefix === '' ? e : new Error(`${prefix}${e instanceof ScrapeError ? e.message : describeError(e)}`);
    });
    const tl = this.targetLabels();
    const out: Sample[] = [];
    const meta = new Map<string, FamilyMeta>();
    const sampleFamily = new Map<string, string>();
    for (const f of families) {
      meta.set(f.name, { type: f.type, help: f.help, unit: f.unit });
      for (const s of f.samples) {
        sampleFamily.set(s.name, f.name);
        out.push({ name: s.name, labels: mergeLabels(s.labels, tl), t: at, v: s.value });
        if (out.length % SINK_SLICE === 0) await yieldToLoop();
      }
    }
    return { samples: out, meta: { families: meta, sampleFamily } };
  }
}

/**
 * Target labels win; a scraped label they clash with is kept as `exported_<name>`
 * (Prometheus honor_labels: false). Scraped names are input: the result has no
 * prototype, so `__proto__` or `constructor` stay plain labels.
 */
/** Samples handled between yields to the event loop: about a millisecond of work. */
const SINK_SLICE = 1000;

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function mergeLabels(scraped: Labels, target: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(scraped)) setLabel(out, Object.hasOwn(target, k) ? `exported_${k}` : k, scraped[k]!);
  for (const k of Object.keys(target)) setLabel(out, k, target[k]!);
  return out;
}

function instanceOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The media types a metrics page comes as (Prometheus's scrape protocols); anything else is named in a parse error. */
const METRICS_MEDIA_TYPES = new Set(['', 'text/plain', 'application/openmetrics-text']);

/**
 * A prefix for a page that did not parse and was not sent as a metrics page,
 * so a login page or a proxy's error page is named for what it is.
 * @example notAMetricsPage('text/html; charset=utf-8') // 'the target answered Content-Type "text/html", not a metrics page: '
 */
function notAMetricsPage(contentType: string): string {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return METRICS_MEDIA_TYPES.has(media) ? '' : `the target answered Content-Type ${JSON.stringify(media.slice(0, 100))}, not a metrics page: `;
}
