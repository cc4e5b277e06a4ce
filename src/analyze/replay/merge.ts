/**
 * @module analyze/replay/merge
 * Several time-ordered row streams as one, by time: a binary heap of each
 * stream's next row, ties going to the stream listed first (stable), so
 * replaying several inputs gives the order a live store would have seen.
 */
import type { Row } from './read.js';

interface Head {
  readonly row: Row;
  readonly src: number;
  readonly it: AsyncIterator<Row> | Iterator<Row>;
}

function before(a: Head, b: Head): boolean {
  return a.row.t < b.row.t || (a.row.t === b.row.t && a.src < b.src);
}

/** Sources are files (async) or rows already in memory (sync). */
export async function* mergeByTime(sources: readonly (AsyncIterable<Row> | Iterable<Row>)[]): AsyncGenerator<Row> {
  const heap: Head[] = [];
  const push = (h: Head): void => {
    let i = heap.push(h) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): Head => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  const its = sources.map((s) => (Symbol.asyncIterator in s ? s[Symbol.asyncIterator]() : s[Symbol.iterator]()));
  try {
    for (let src = 0; src < its.length; src++) {
      const n = await its[src]!.next();
      if (n.done !== true) push({ row: n.value, src, it: its[src]! });
    }
    while (heap.length > 0) {
      const h = pop();
      yield h.row;
      const n = await h.it.next();
      if (n.done !== true) push({ row: n.value, src: h.src, it: h.it });
    }
  } finally {
    for (const it of its) await it.return?.();
  }
}
