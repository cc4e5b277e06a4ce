/**
 * @module store/history
 * A bounded deque with the seed's `deque(maxlen=...)` behaviour: appending past
 * `maxlen` drops the oldest, and `maxlen` can be changed at run time (the
 * seed's troubleshooting advice `metrics_history.maxlen = 500`).
 */
import { EchoPerfError } from '../core/errors.js';

export class BoundedHistory<T> implements Iterable<T> {
  private _items: (T | undefined)[];
  private _head = 0; // index of the oldest item
  private _size = 0;
  private _dropped = 0;

  constructor(maxlen: number) {
    checkMaxlen(maxlen);
    this._items = new Array<T | undefined>(maxlen);
  }

  get maxlen(): number {
    return this._items.length;
  }

  /** Shrinking keeps the newest items. */
  set maxlen(n: number) {
    checkMaxlen(n);
    const keep = this.toArray().slice(-n);
    this._dropped += this._size - keep.length;
    this._items = new Array<T | undefined>(n);
    for (let i = 0; i < keep.length; i++) this._items[i] = keep[i];
    this._head = 0;
    this._size = keep.length;
  }

  get length(): number {
    return this._size;
  }

  /** Items dropped so far because the deque was full (self-metric). */
  get dropped(): number {
    return this._dropped;
  }

  push(item: T): void {
    const cap = this._items.length;
    if (this._size < cap) {
      this._items[(this._head + this._size) % cap] = item;
      this._size++;
    } else {
      this._items[this._head] = item;
      this._head = (this._head + 1) % cap;
      this._dropped++;
    }
  }

  /** Item at index (0 = oldest; negative counts from the newest, -1 = newest). */
  at(i: number): T | undefined {
    const idx = i < 0 ? this._size + i : i;
    if (idx < 0 || idx >= this._size) return undefined;
    return this._items[(this._head + idx) % this._items.length];
  }

  /** The newest `n` items, oldest first. */
  last(n: number): T[] {
    const k = Math.max(0, Math.min(n, this._size));
    const out: T[] = [];
    for (let i = this._size - k; i < this._size; i++) out.push(this.at(i)!);
    return out;
  }

  /** Replaces the newest item matching `pred` (searching from the newest); false when none matched. */
  replaceLast(pred: (item: T) => boolean, item: T): boolean {
    for (let i = this._size - 1; i >= 0; i--) {
      const idx = (this._head + i) % this._items.length;
      if (pred(this._items[idx]!)) {
        this._items[idx] = item;
        return true;
      }
    }
    return false;
  }

  toArray(): T[] {
    return this.last(this._size);
  }

  clear(): void {
    this._items = new Array<T | undefined>(this._items.length);
    this._head = 0;
    this._size = 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this._size; i++) yield this.at(i)!;
  }
}

function checkMaxlen(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `maxlen: got ${String(n)}; expected an integer >= 1`);
  }
}
