/**
 * @module analyze/anomaly/cad
 * The Contextual Anomaly Detector, open source edition (M. Smirnov, CAD OSE,
 * NAB's `contextOSE`; method as in NAB's nab/detectors/context_ose/cad_ose.py
 * and context_operator.py), re-expressed with bounded memory.
 *
 * Each step receives a set of "facts" (the bits of the binned value). A
 * context is a pair of semi-contexts: a left one (facts of the previous
 * step: its sensor facts plus the contexts that were active then, as
 * "neuron" facts) and a right one (facts of the current step). Every step
 * the pair (previous facts, current facts) is stored as a zero-level context;
 * when it is new, the partial overlaps of known contexts with the current
 * facts become candidate contexts too ("crossing"). The raw anomaly is
 * (1 − share of the fully matched left contexts whose right side also
 * matched + share of the candidate contexts that were really new) / 2, and
 * only when the value's bits were not all predicted by the best contexts of
 * the step before (ContextualAnomalyDetectorOSE.getAnomalyScore).
 *
 * Memory: the original grows without bound. Here the number of contexts is
 * capped; once full, no new context is stored (the detector keeps matching
 * what it knows) — see `maxContexts`.
 */

/** Neuron facts live above every sensor fact (CAD OSE uses 2^31 + context id). */
const NEURON_BASE = 1 << 20;

interface Semi {
  /** Sorted facts. */
  readonly facts: readonly number[];
  /** Facts of the last crossing that this semi-context holds, in the order crossed. */
  matched: number[];
  count: number;
  /** Left side only: right semi-context id → context id. */
  readonly contexts: Map<number, number> | undefined;
  readonly id: number;
}

export interface CadOptions {
  /** Longest left semi-context a crossing may create (CAD OSE: maxLeftSemiContextsLenght = 7). */
  readonly maxLeft: number;
  /** Active contexts fed forward as neuron facts (CAD OSE: maxActiveNeuronsNum = 15). */
  readonly maxActive: number;
  /** Contexts kept at most; past it none is added. */
  readonly maxContexts: number;
}

function keyOf(facts: readonly number[]): string {
  return facts.join(',');
}

class Side {
  readonly dict = new Map<string, number>();
  readonly semis: Semi[] = [];
  readonly byFact = new Map<number, Semi[]>();
  crossed: Semi[] = [];

  constructor(private readonly left: boolean) {}

  /** The semi-context for these sorted facts, created when new. */
  get(facts: readonly number[]): Semi {
    const key = keyOf(facts);
    const id = this.dict.get(key);
    if (id !== undefined) return this.semis[id]!;
    const s: Semi = { facts, matched: [], count: 0, contexts: this.left ? new Map() : undefined, id: this.semis.length };
    this.dict.set(key, s.id);
    this.semis.push(s);
    for (const f of facts) {
      let list = this.byFact.get(f);
      if (list === undefined) this.byFact.set(f, (list = []));
      list.push(s);
    }
    return s;
  }

  /** Matches the facts against every semi-context; `crossed` lists those touched, in creation order. */
  cross(facts: readonly number[]): void {
    for (const s of this.crossed) {
      s.matched = [];
      s.count = 0;
    }
    const touched: Semi[] = [];
    for (const f of facts) {
      const list = this.byFact.get(f);
      if (list === undefined) continue;
      for (const s of list) {
        if (s.matched.length === 0) touched.push(s);
        s.matched.push(f);
      }
    }
    touched.sort((a, b) => a.id - b.id);
    for (const s of touched) s.count = s.matched.length;
    this.crossed = touched;
  }
}

export class Cad {
  private readonly sides = [new Side(true), new Side(false)] as const;
  /** Per context: sum of right-side sizes when its left side fully matched. */
  private readonly tried: number[] = [];
  /** Per context: right-side facts matched at those times. */
  private readonly hits: number[] = [];
  /** Per context: times fully active. */
  private readonly active: number[] = [];
  private readonly zero: number[] = [];
  private readonly rightOf: Semi[] = [];
  private readonly leftOf: Semi[] = [];
  private leftFacts: number[] = [];
  private newContext = -1;
  private predicted = new Set<number>();

  constructor(private readonly o: CadOptions) {}

  get contexts(): number {
    return this.tried.length;
  }

  /** Raw anomaly in [0, 1] of the step whose facts (sorted, distinct) are given; learns them. */
  step(facts: readonly number[]): number {
    let unpredicted = false;
    for (const f of facts)
      if (!this.predicted.has(f)) {
        unpredicted = true;
        break;
      }
    let isNew = false;
    if (this.leftFacts.length > 0) isNew = this.addZeroLevel(this.leftFacts, facts);
    const right = this.sides[1];
    right.cross(facts);
    const { activeIds, selected, candidates } = this.activate(isNew);
    const uniq = new Set<string>();
    if (this.leftFacts.length > 0) uniq.add(keyOf(this.leftFacts) + '|' + keyOf(facts));
    for (const [l, r] of candidates) uniq.add(keyOf(l) + '|' + keyOf(r));
    const shareActive = selected > 0 ? activeIds.length / selected : 0;
    // The contexts that fired most often become the neuron facts of the next left side.
    activeIds.sort((a, b) => this.active[a]! - this.active[b]! || this.leftOf[a]!.id - this.leftOf[b]!.id || this.rightOf[a]!.id - this.rightOf[b]!.id);
    const next = new Set<number>(facts);
    for (let i = Math.max(0, activeIds.length - this.o.maxActive); i < activeIds.length; i++) next.add(NEURON_BASE + activeIds[i]!);
    this.leftFacts = [...next].sort((a, b) => a - b);
    let added = 0;
    for (const [l, r] of candidates) if (this.addContext(l, r, false) >= 0) added++;
    this.predicted = this.predict();
    if (isNew) added++;
    const shareNew = isNew && uniq.size > 0 ? added / uniq.size : 0;
    return unpredicted ? (1 - shareActive + shareNew) / 2 : 0;
  }

  /** Stores the zero-level context; true when it was new (getContextByFacts with zerolevel). */
  private addZeroLevel(left: readonly number[], right: readonly number[]): boolean {
    const id = this.addContext(left, right, true);
    if (id >= 0) {
      this.newContext = id;
      return true;
    }
    return false;
  }

  /** Id of a newly stored context, or −1 when it was known (or memory is full). */
  private addContext(left: readonly number[], right: readonly number[], zero: boolean): number {
    const l = this.sides[0].get(left);
    const r = this.sides[1].get(right);
    const known = l.contexts!.get(r.id);
    if (known !== undefined) {
      if (zero) this.zero[known] = 1;
      return -1;
    }
    if (this.tried.length >= this.o.maxContexts) return -1;
    const id = this.tried.length;
    l.contexts!.set(r.id, id);
    this.tried.push(0);
    this.hits.push(0);
    this.active.push(0);
    this.zero.push(zero ? 1 : 0);
    this.leftOf.push(l);
    this.rightOf.push(r);
    return id;
  }

  /**
   * Updates the contexts whose left side matched the previous facts and
   * returns the active ones and the candidates (updateContextsAndGetActive).
   */
  private activate(isNew: boolean): { activeIds: number[]; selected: number; candidates: [number[], number[]][] } {
    const activeIds: number[] = [];
    const candidates: [number[], number[]][] = [];
    let selected = 0;
    // CAD OSE compares with a "no new context" marker equal to 0, so context 0 is skipped then too.
    const skip = this.newContext >= 0 ? this.newContext : 0;
    for (const l of this.sides[0].crossed) {
      const full = l.count === l.facts.length;
      for (const [rid, cid] of l.contexts!) {
        if (cid === skip) continue;
        const r = this.sides[1].semis[rid]!;
        if (full) {
          selected++;
          this.tried[cid]! += r.facts.length;
          if (r.count > 0) {
            this.hits[cid]! += r.count;
            if (r.count === r.facts.length) {
              this.active[cid]!++;
              activeIds.push(cid);
            } else if (this.zero[cid] === 1 && isNew && l.count <= this.o.maxLeft) candidates.push([l.matched.slice(), r.matched.slice()]);
          }
        } else if (this.zero[cid] === 1 && isNew && r.count > 0 && l.count <= this.o.maxLeft) {
          candidates.push([l.matched.slice(), r.matched.slice()]);
        }
      }
    }
    this.newContext = -1;
    return { activeIds, selected, candidates };
  }

  /** Right facts of the best-predicting contexts whose left side the current facts fully match. */
  private predict(): Set<number> {
    const left = this.sides[0];
    left.cross(this.leftFacts);
    let best = 0;
    let chosen: number[] = [];
    for (const l of left.crossed) {
      if (l.count !== l.facts.length) continue;
      for (const cid of l.contexts!.values()) {
        const w = this.tried[cid]! > 0 ? this.hits[cid]! / this.tried[cid]! : 0;
        if (w > best) {
          best = w;
          chosen = [cid];
        } else if (w === best) chosen.push(cid);
      }
    }
    const out = new Set<number>();
    for (const cid of chosen) for (const f of this.rightOf[cid]!.facts) out.add(f);
    return out;
  }
}
