/**
 * @module alert/silences
 * Silences as Alertmanager keeps them (silence/silence.go, API v2
 * `GettableSilence`): matchers, a time window [startsAt, endsAt), who and why;
 * pending before the window, active inside it, expired after. An alert whose
 * labels every matcher of an active silence matches is silenced: it still
 * fires, but its notifications are held (alert/suppress.ts).
 *
 * Bounded: at most MAX_SILENCES kept; expired ones are kept EXPIRED_RETENTION_MS
 * (Alertmanager's --data.retention, 120 h) and then dropped, and dropped first
 * when a new silence needs the room.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { EchoPerfError } from '../core/errors.js';
import { truncateText } from '../core/preview.js';
import type { AlertLabels } from './labelSet.js';
import { makeMatcher, matchesAll, parseMatchers, type Matcher } from './matchers.js';

export type SilenceState = 'pending' | 'active' | 'expired';
export const SILENCE_STATES: readonly SilenceState[] = ['pending', 'active', 'expired'];

export const MAX_SILENCES = 1000;
export const EXPIRED_RETENTION_MS = 120 * 3_600_000;
/** The longest silence: a year (a longer one is a config change, not a silence). */
export const MAX_SILENCE_MS = 366 * 24 * 3_600_000;
const MAX_TEXT = 4096;

/** A silence as the API shows it (Alertmanager API v2). */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  /** RFC 3339. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly status: { readonly state: SilenceState };
}

/** What `add` takes: matchers as text (`'engine="vllm"'`, `'{a="b"}'`), a list of such, or the API's objects. */
export interface SilenceInput {
  matchers: string | readonly (string | { name: string; value: string; isRegex?: boolean; isEqual?: boolean })[];
  /** ms since the epoch, RFC 3339 text or a Date; default now (a start in the past is now). */
  startsAt?: number | string | Date;
  endsAt?: number | string | Date;
  /** Seconds from startsAt, instead of endsAt. */
  duration?: number;
  createdBy: string;
  comment: string;
}

interface Stored {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

function bad(field: string, value: unknown, expected: string): EchoPerfError {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(truncateText(value)) : truncateText(String(JSON.stringify(value) ?? value));
  } catch {
    s = truncateText(String(value));
  }
  return new EchoPerfError('EP_ERR_ARGUMENT', `${field}: got ${s}; expected ${expected}`, { details: [{ path: field, value: truncateText(s), expected }] });
}

function timeOf(v: unknown, field: string): number {
  const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'string' && v.length <= 64 ? Date.parse(v) : NaN;
  if (!Number.isFinite(t) || t < 0 || t > 8.64e15) throw bad(field, v, 'a time: ms since the epoch or RFC 3339 text such as 2024-05-01T12:00:00Z');
  return t;
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_TEXT) throw bad(field, v, `a non-empty string of at most ${MAX_TEXT} characters`);
  return v;
}

/** Checks the matchers of a silence: strings in Alertmanager's syntax, or `{name, value, isRegex, isEqual}`. */
export function checkMatchers(v: unknown, field = 'matchers'): Matcher[] {
  if (typeof v === 'string') return refuseMatchAll(parseMatchers(v), v, field);
  if (!Array.isArray(v) || v.length === 0) throw bad(field, v, 'a non-empty list of matchers such as ["alertname=\\"HighCpuUsage\\""] or [{"name","value","isRegex","isEqual"}]');
  if (v.length > 32) throw bad(`${field}.length`, v.length, 'at most 32 matchers');
  const out: Matcher[] = [];
  for (let i = 0; i < v.length; i++) {
    const m = v[i] as unknown;
    if (typeof m === 'string') {
      out.push(...parseMatchers([m]));
      continue;
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw bad(`${field}[${i}]`, m, 'a matcher string or {name, value, isRegex, isEqual}');
    const o = m as Record<string, unknown>;
    out.push(makeMatcher(o['name'] as string, o['value'] as string, (o['isRegex'] ?? false) as boolean, (o['isEqual'] ?? true) as boolean, `${field}[${i}]`));
  }
  if (out.length > 32) throw bad(`${field}.length`, out.length, 'at most 32 matchers');
  return refuseMatchAll(out, v, field);
}

function refuseMatchAll(out: Matcher[], v: unknown, field: string): Matcher[] {
  // Alertmanager refuses a silence that would match every alert (API v2 postSilences: "at least one matcher must not match the empty string").
  if (out.every((m) => matchesAll([m], {}))) throw bad(field, v, 'at least one matcher that does not match the empty string (a silence must not match every alert)');
  return out;
}

export class Silences {
  private readonly _by = new Map<string, Stored>();
  private _version = 0;

  constructor(private readonly _clock: Clock) {}

  /** Bumped on every change: the store saves the set when it moved. */
  get version(): number {
    return this._version;
  }

  get size(): number {
    return this._by.size;
  }

  /** Adds a silence; returns it. Throws EP_ERR_ARGUMENT naming the field. */
  add(input: SilenceInput): Silence {
    if (typeof input !== 'object' || input === null) throw bad('silence', input, 'an object {matchers, endsAt or duration, createdBy, comment}');
    const now = this._clock.now();
    const matchers = checkMatchers(input.matchers);
    // A start in the past is now, as Alertmanager does.
    const startsAt = Math.max(now, input.startsAt === undefined ? now : timeOf(input.startsAt, 'startsAt'));
    let endsAt: number;
    if (input.duration !== undefined) {
      if (input.endsAt !== undefined) throw bad('duration', input.duration, 'either endsAt or duration, not both');
      const d = input.duration;
      if (typeof d !== 'number' || !(d > 0) || d * 1000 > MAX_SILENCE_MS) throw bad('duration', d, `seconds > 0, at most ${MAX_SILENCE_MS / 1000}`);
      endsAt = startsAt + d * 1000;
    } else {
      if (input.endsAt === undefined) throw bad('endsAt', undefined, 'an end time (endsAt) or a duration in seconds');
      endsAt = timeOf(input.endsAt, 'endsAt');
    }
    if (!(endsAt > startsAt)) throw bad('endsAt', new Date(endsAt).toISOString(), `a time after startsAt (${new Date(startsAt).toISOString()})`);
    if (endsAt - startsAt > MAX_SILENCE_MS) throw bad('endsAt', new Date(endsAt).toISOString(), `at most ${MAX_SILENCE_MS / 86_400_000} days after startsAt`);
    const s: Stored = { id: randomUUID(), matchers, startsAt, endsAt, updatedAt: now, createdBy: text(input.createdBy, 'createdBy'), comment: text(input.comment, 'comment') };
    this._gc(now);
    if (this._by.size >= MAX_SILENCES) this._dropOldestExpired(now);
    if (this._by.size >= MAX_SILENCES) throw bad('silences', this._by.size, `at most ${MAX_SILENCES} silences; expire some first`);
    this._by.set(s.id, s);
    this._version++;
    return view(s, now);
  }

  /** Silences, newest first; only those in `state` when given. */
  list(filter: { state?: SilenceState } = {}): Silence[] {
    const state = filter.state;
    if (state !== undefined && !SILENCE_STATES.includes(state)) throw bad('state', state, 'pending, active or expired');
    const now = this._clock.now();
    this._gc(now);
    const out: Silence[] = [];
    for (const s of this._by.values()) if (state === undefined || stateOf(s, now) === state) out.push(view(s, now));
    return out.reverse();
  }

  get(id: string): Silence | undefined {
    const s = this._by.get(id);
    return s === undefined ? undefined : view(s, this._clock.now());
  }

  /**
   * Ends a silence now (Alertmanager silence.go Expire: a pending one ends
   * before it starts, an active one ends now). An expired one stays as it is.
   * Undefined when there is no such silence.
   */
  expire(id: string): Silence | undefined {
    if (typeof id !== 'string') throw bad('id', id, 'a silence id');
    const s = this._by.get(id);
    if (s === undefined) return undefined;
    const now = this._clock.now();
    const st = stateOf(s, now);
    if (st !== 'expired') {
      if (st === 'pending') s.startsAt = now;
      s.endsAt = now;
      s.updatedAt = now;
      this._version++;
    }
    return view(s, now);
  }

  /** Ids of the silences active at `at` that match the labels. */
  silencedBy(labels: AlertLabels, at: number): string[] {
    let out: string[] | undefined;
    for (const s of this._by.values()) {
      if (s.startsAt <= at && at < s.endsAt && matchesAll(s.matchers, labels)) (out ??= []).push(s.id);
    }
    return out ?? NONE;
  }

  /** The set as [id, record] pairs, to persist. */
  save(): [string, unknown][] {
    return [...this._by.values()].map((s) => [s.id, { ...s, matchers: s.matchers.map((m) => ({ ...m })) }]);
  }

  /**
   * Takes back saved silences (read from disk: hostile). Each bad one is
   * skipped with the reason; at most MAX_SILENCES are kept, expired ones past
   * their retention are not.
   */
  restore(entries: readonly (readonly [string, unknown])[]): { restored: number; problems: string[] } {
    const problems: string[] = [];
    const now = this._clock.now();
    let restored = 0;
    for (let i = 0; i < entries.length && this._by.size < MAX_SILENCES; i++) {
      const [id, rec] = entries[i]!;
      try {
        const s = checkStored(id, rec, `silences[${i}]`);
        if (now - s.endsAt > EXPIRED_RETENTION_MS) continue;
        this._by.set(s.id, s);
        restored++;
      } catch (e) {
        if (problems.length < 20) problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (restored > 0) this._version++;
    return { restored, problems };
  }

  private _gc(now: number): void {
    for (const [id, s] of this._by) {
      if (now - s.endsAt > EXPIRED_RETENTION_MS) {
        this._by.delete(id);
        this._version++;
      }
    }
  }

  private _dropOldestExpired(now: number): void {
    let oldest: Stored | undefined;
    for (const s of this._by.values()) if (s.endsAt <= now && (oldest === undefined || s.endsAt < oldest.endsAt)) oldest = s;
    if (oldest !== undefined) {
      this._by.delete(oldest.id);
      this._version++;
    }
  }
}

const NONE: string[] = [];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function stateOf(s: Stored, now: number): SilenceState {
  return now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired';
}

function view(s: Stored, now: number): Silence {
  return {
    id: s.id,
    matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })),
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
    status: { state: stateOf(s, now) },
  };
}

function checkStored(id: unknown, rec: unknown, field: string): Stored {
  if (typeof id !== 'string' || !UUID.test(id)) throw bad(`${field}.id`, id, 'a silence id (a UUID)');
  if (typeof rec !== 'object' || rec === null) throw bad(field, rec, 'a saved silence object');
  const r = rec as Record<string, unknown>;
  if (r['id'] !== id) throw bad(`${field}.id`, r['id'], `the key ${id}`);
  const startsAt = timeOf(r['startsAt'], `${field}.startsAt`);
  const endsAt = timeOf(r['endsAt'], `${field}.endsAt`);
  if (!(endsAt >= startsAt)) throw bad(`${field}.endsAt`, endsAt, 'a time not before startsAt');
  return {
    id,
    matchers: checkMatchers(r['matchers'], `${field}.matchers`),
    startsAt,
    endsAt,
    updatedAt: timeOf(r['updatedAt'], `${field}.updatedAt`),
    createdBy: text(r['createdBy'], `${field}.createdBy`),
    comment: text(r['comment'], `${field}.comment`),
  };
}
