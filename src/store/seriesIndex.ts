/**
 * @module store/seriesIndex
 * Which id each series has: held series by key and by name, retired ones by
 * key (so a series that returns gets its id back), the series budgets (all
 * of `maxSeries`, and the external share), and the descriptors handed to an
 * attached persistence — once per id and series.
 */
import { seriesKey } from '../core/labels.js';
import type { Labels } from '../core/types.js';
import type { SeriesPersistence } from './persistence.js';
import type { SeriesMeta, SeriesTable } from './seriesTable.js';

/** Labels reads select by often enough to index: see SeriesIndex._bySelector. */
const SELECTOR_LABELS = ['job', 'engine'] as const;

function selectorKey(name: string, label: string, value: string): string {
  return `${name}\0${label}\0${value}`;
}

export class SeriesIndex {
  readonly byKey = new Map<string, number>();
  /** Evicted series by key, oldest first. Their ids are all distinct and below the table's cap, which bounds them. */
  private readonly _retired = new Map<string, number>();
  private readonly _byName = new Map<string, Set<number>>();
  /**
   * Held series by name and the value of one selector label (`job`: an engine's
   * or target's raw page; `engine`: its unified metrics). Per-engine reads ask
   * for one engine's series of a name; without this each scanned every engine's.
   */
  private readonly _bySelector = new Map<string, Set<number>>();
  private _external = 0;
  private _persist: SeriesPersistence | undefined;
  /** Per id: whether the attached persistence has its descriptor. */
  private _defined = new Uint8Array(0);

  constructor(
    private readonly _t: SeriesTable,
    private readonly _maxSeries: number,
    private readonly _maxExternal: number,
  ) {}

  get externalCount(): number {
    return this._external;
  }

  get persistence(): SeriesPersistence | undefined {
    return this._persist;
  }

  /** Held series named `name`; with `match`, a superset of those whose labels include it (callers still match). */
  named(name: string, match?: Labels): Iterable<number> {
    if (match !== undefined) {
      for (const label of SELECTOR_LABELS) {
        const v = match[label];
        if (v !== undefined) return this._bySelector.get(selectorKey(name, label, v)) ?? [];
      }
    }
    return this._byName.get(name) ?? [];
  }

  /** The id of a series, made when new (within its budget); -1 when there is no room. */
  resolve(name: string, labels: Labels, external: boolean, depth: number, meta: SeriesMeta | undefined): number {
    const key = seriesKey(name, labels);
    const held = this.byKey.get(key);
    if (held !== undefined) {
      if (meta !== undefined) this._t.metas[held] = meta;
      return held;
    }
    if (this.byKey.size >= this._maxSeries || (external && this._external >= this._maxExternal)) return -1;
    // A key built by concatenation is a tree of string pieces (about 440 bytes for a 60-character
    // key); reading a character makes V8 flatten it to one piece (about 90), and it is kept for good.
    key.charCodeAt(0);
    let id = this._retired.get(key);
    let renamed = false;
    if (id !== undefined) this._retired.delete(key);
    else {
      id = this._t.freshId();
      if (id < 0) {
        // Every id was handed out: the series retired longest ago gives up its id.
        const [oldKey, oldId] = this._retired.entries().next().value as [string, number];
        this._retired.delete(oldKey);
        id = oldId;
      }
      renamed = true;
    }
    this._t.hold(id, name, labels, key, depth, external, meta);
    this.byKey.set(key, id);
    let set = this._byName.get(name);
    if (set === undefined) this._byName.set(name, (set = new Set()));
    set.add(id);
    for (const label of SELECTOR_LABELS) {
      const v = labels[label];
      if (v === undefined) continue;
      const k = selectorKey(name, label, v);
      let sel = this._bySelector.get(k);
      if (sel === undefined) this._bySelector.set(k, (sel = new Set()));
      sel.add(id);
    }
    if (external) this._external++;
    if (this._persist !== undefined && (renamed || this._defined[id] === 0)) this._define(id);
    return id;
  }

  /** Lets a held series go: its ring is freed, its id kept for its return. */
  retire(key: string, id: number): void {
    const t = this._t;
    t.release(id);
    this.byKey.delete(key);
    this._retired.set(key, id);
    const name = t.names[id]!;
    const set = this._byName.get(name);
    set?.delete(id);
    if (set?.size === 0) this._byName.delete(name);
    const labels = t.labels[id]!;
    for (const label of SELECTOR_LABELS) {
      const v = labels[label];
      if (v === undefined) continue;
      const k = selectorKey(name, label, v);
      const sel = this._bySelector.get(k);
      sel?.delete(id);
      if (sel?.size === 0) this._bySelector.delete(k);
    }
    if (t.external[id] === 1) this._external--;
  }

  attach(p: SeriesPersistence): void {
    this._persist = p;
    this._defined = new Uint8Array(this._t.idCap);
    for (const id of this.byKey.values()) this._define(id);
  }

  /** Stops handing series and samples to the persistence (it is being closed). */
  detach(): void {
    this._persist = undefined;
  }

  private _define(id: number): void {
    this._defined[id] = 1;
    this._persist!.defineSeries(id, this._t.descriptor(id));
  }
}
