// Cache-friendly heaps for the hot path: keys live in typed arrays, so a sift compares
// contiguous numbers instead of chasing pointers to scattered objects (measured: removal from a
// pointer heap of sessions cost ~4 µs, nearly all cache misses). Removal is lazy: an entry is
// marked dead and skipped when it surfaces; the heap compacts when the dead outnumber the live.

const INITIAL = 16;

/** Min-heap of entries keyed by (k1, k2, k3), values by index; removal by tombstone. */
abstract class LazyHeap<V> {
  protected k1 = new Float64Array(INITIAL);
  protected k2 = new Float64Array(INITIAL);
  protected k3 = new Float64Array(INITIAL);
  protected values: (V | undefined)[] = [];
  /** Entries in the arrays, dead ones included. */
  protected length = 0;
  /** Entries still meant to be there. */
  live = 0;

  protected abstract isLive(value: V, index: number): boolean;

  get size(): number {
    return this.live;
  }

  protected less(i: number, j: number): boolean {
    const k1 = this.k1;
    if (k1[i] !== k1[j]) return k1[i]! < k1[j]!;
    const k2 = this.k2;
    if (k2[i] !== k2[j]) return k2[i]! < k2[j]!;
    return this.k3[i]! < this.k3[j]!;
  }

  protected pushEntry(value: V, a: number, b: number, c: number): void {
    if (this.length === this.k1.length) this.grow();
    let i = this.length++;
    this.live++;
    // Sift up with a hole: parents move down until the new key finds its place.
    const k1 = this.k1;
    const k2 = this.k2;
    const k3 = this.k3;
    const values = this.values;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k1[p]! < a || (k1[p] === a && (k2[p]! < b || (k2[p] === b && k3[p]! <= c)))) break;
      k1[i] = k1[p]!;
      k2[i] = k2[p]!;
      k3[i] = k3[p]!;
      values[i] = values[p];
      i = p;
    }
    k1[i] = a;
    k2[i] = b;
    k3[i] = c;
    values[i] = value;
  }

  /** Index of the best live entry (dropping dead ones from the top), or -1. */
  protected topIndex(): number {
    while (this.length > 0) {
      if (this.isLive(this.values[0]!, 0)) return 0;
      this.popTop();
    }
    return -1;
  }

  protected popTop(): void {
    const last = --this.length;
    const k1 = this.k1;
    const k2 = this.k2;
    const k3 = this.k3;
    const values = this.values;
    if (last === 0) {
      values[0] = undefined;
      return;
    }
    const a = k1[last]!;
    const b = k2[last]!;
    const c = k3[last]!;
    const v = values[last]!;
    values[last] = undefined;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.less(child + 1, child)) child++;
      if (a < k1[child]! || (a === k1[child] && (b < k2[child]! || (b === k2[child] && c <= k3[child]!)))) break;
      k1[i] = k1[child]!;
      k2[i] = k2[child]!;
      k3[i] = k3[child]!;
      values[i] = values[child];
      i = child;
    }
    k1[i] = a;
    k2[i] = b;
    k3[i] = c;
    values[i] = v;
  }

  /** A tombstone was set: compact once the dead are the majority. */
  protected noteDead(): void {
    this.live--;
    if (this.live === 0) {
      this.values.length = 0;
      this.length = 0;
    } else if (this.length > 32 && this.length > 2 * this.live) {
      this.compact();
    }
  }

  private compact(): void {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const v = this.values[i]!;
      if (!this.isLive(v, i)) continue;
      this.k1[n] = this.k1[i]!;
      this.k2[n] = this.k2[i]!;
      this.k3[n] = this.k3[i]!;
      this.values[n] = v;
      n++;
    }
    this.values.length = n;
    this.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const n = this.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) return;
      if (child + 1 < n && this.less(child + 1, child)) child++;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(i: number, j: number): void {
    const t1 = this.k1[i]!;
    this.k1[i] = this.k1[j]!;
    this.k1[j] = t1;
    const t2 = this.k2[i]!;
    this.k2[i] = this.k2[j]!;
    this.k2[j] = t2;
    const t3 = this.k3[i]!;
    this.k3[i] = this.k3[j]!;
    this.k3[j] = t3;
    const tv = this.values[i];
    this.values[i] = this.values[j];
    this.values[j] = tv;
  }

  private grow(): void {
    const size = this.k1.length * 2;
    for (const key of ['k1', 'k2', 'k3'] as const) {
      const next = new Float64Array(size);
      next.set(this[key]);
      this[key] = next;
    }
  }

  /**
   * Best live entry that `accept` takes, visiting only entries better than the answer
   * (best-first over the tree). Rejections are rare, so a linear frontier is cheapest.
   */
  protected findFirstIndex(accept: (value: V) => boolean): number {
    const top = this.topIndex();
    if (top < 0) return -1;
    if (accept(this.values[0]!)) return 0;
    const frontier: number[] = [];
    if (this.length > 1) frontier.push(1);
    if (this.length > 2) frontier.push(2);
    while (frontier.length > 0) {
      let best = 0;
      for (let k = 1; k < frontier.length; k++) if (this.less(frontier[k]!, frontier[best]!)) best = k;
      const i = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      const v = this.values[i]!;
      if (this.isLive(v, i) && accept(v)) return i;
      if (2 * i + 1 < this.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < this.length) frontier.push(2 * i + 2);
    }
    return -1;
  }

  /** Live values in no particular order (for views and snapshots). */
  liveValues(): V[] {
    const out: V[] = [];
    for (let i = 0; i < this.length; i++) {
      const v = this.values[i]!;
      if (this.isLive(v, i)) out.push(v);
    }
    return out;
  }
}

/** An entry of a session queue; `dead` once the session left this queue. */
export interface QueueEntry<S> {
  session: S;
  dead: boolean;
}

/** Waiting sessions ordered by (rank, seq): aged waiting time, then arrival order. */
export class SessionQueue<S> extends LazyHeap<QueueEntry<S>> {
  protected isLive(entry: QueueEntry<S>): boolean {
    return !entry.dead;
  }

  push(session: S, rank: number, seq: number): QueueEntry<S> {
    const entry: QueueEntry<S> = { session, dead: false };
    this.pushEntry(entry, rank, seq, 0);
    return entry;
  }

  remove(entry: QueueEntry<S>): void {
    if (entry.dead) return;
    entry.dead = true;
    this.noteDead();
  }

  peek(): QueueEntry<S> | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : this.values[i];
  }

  findFirst(accept: (session: S) => boolean): QueueEntry<S> | undefined {
    const i = this.findFirstIndex((entry) => accept(entry.session));
    return i < 0 ? undefined : this.values[i];
  }

  entries(): QueueEntry<S>[] {
    return this.liveValues();
  }
}

/** What an agent heap needs to know about its agents: a version per slot, bumped on every change. */
export interface VersionedAgent {
  readonly slotVersions: number[];
}

interface AgentEntry<A> {
  agent: A;
  slot: number;
  version: number;
}

/** Agents free for new work, keyed by the group strategy's (k1, k2) and the agent ordinal. */
export class AgentHeap<A extends VersionedAgent> extends LazyHeap<AgentEntry<A>> {
  protected isLive(entry: AgentEntry<A>): boolean {
    return entry.agent.slotVersions[entry.slot] === entry.version;
  }

  /** Add (or re-key) the agent's entry for `slot`; any previous entry of that slot dies. */
  put(agent: A, slot: number, k1: number, k2: number, ordinal: number, wasIn: boolean): void {
    const version = ++agent.slotVersions[slot]!;
    if (wasIn) this.noteDead();
    this.pushEntry({ agent, slot, version }, k1, k2, ordinal);
  }

  remove(agent: A, slot: number): void {
    agent.slotVersions[slot]!++;
    this.noteDead();
  }

  peek(): A | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : this.values[i]!.agent;
  }

  /** Keys of the current top, to compare heads across heaps of one group. */
  topKeys(): [number, number, number] | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : [this.k1[i]!, this.k2[i]!, this.k3[i]!];
  }

  findFirst(accept: (agent: A) => boolean): { agent: A; k1: number; k2: number; k3: number } | undefined {
    const i = this.findFirstIndex((entry) => accept(entry.agent));
    return i < 0 ? undefined : { agent: this.values[i]!.agent, k1: this.k1[i]!, k2: this.k2[i]!, k3: this.k3[i]! };
  }

  agents(): A[] {
    return this.liveValues().map((e) => e.agent);
  }
}
