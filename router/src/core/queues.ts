// Cache-friendly heaps for the hot path: keys live in typed arrays, so a sift compares
// contiguous numbers instead of chasing pointers to scattered objects (measured: removal from a
// pointer heap of sessions cost ~4 µs, nearly all cache misses). Removal is lazy: an entry is
// marked dead and skipped when it surfaces; the heap compacts when the dead outnumber the live.
// Entries are a value reference plus numbers (no per-entry object), so a heap allocates nothing
// per push: that matters, since young objects pointed to from these old arrays slow every scavenge.

const INITIAL = 16;

/** Min-heap of entries keyed by (k1, k2, k3), values by index; removal by tombstone. */
abstract class LazyHeap<V> {
  protected k1 = new Float64Array(INITIAL);
  protected k2 = new Float64Array(INITIAL);
  protected k3 = new Float64Array(INITIAL);
  /** Liveness tag of each entry, checked against its value by isLive. */
  protected tags = new Float64Array(INITIAL);
  protected values: (V | undefined)[] = [];
  /** Entries in the arrays, dead ones included. */
  protected length = 0;
  /** Entries still meant to be there. */
  live = 0;

  protected abstract isLive(value: V, tag: number): boolean;

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

  protected pushEntry(value: V, a: number, b: number, c: number, tag: number): void {
    if (this.length === this.k1.length) this.grow();
    let i = this.length++;
    this.live++;
    // Sift up with a hole: parents move down until the new key finds its place.
    const k1 = this.k1;
    const k2 = this.k2;
    const k3 = this.k3;
    const tags = this.tags;
    const values = this.values;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k1[p]! < a || (k1[p] === a && (k2[p]! < b || (k2[p] === b && k3[p]! <= c)))) break;
      k1[i] = k1[p]!;
      k2[i] = k2[p]!;
      k3[i] = k3[p]!;
      tags[i] = tags[p]!;
      values[i] = values[p];
      i = p;
    }
    k1[i] = a;
    k2[i] = b;
    k3[i] = c;
    tags[i] = tag;
    values[i] = value;
  }

  /** Index of the best live entry (dropping dead ones from the top), or -1. */
  protected topIndex(): number {
    while (this.length > 0) {
      if (this.isLive(this.values[0]!, this.tags[0]!)) return 0;
      this.popTop();
    }
    return -1;
  }

  protected popTop(): void {
    const last = --this.length;
    const k1 = this.k1;
    const k2 = this.k2;
    const k3 = this.k3;
    const tags = this.tags;
    const values = this.values;
    if (last === 0) {
      values[0] = undefined;
      return;
    }
    const a = k1[last]!;
    const b = k2[last]!;
    const c = k3[last]!;
    const t = tags[last]!;
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
      tags[i] = tags[child]!;
      values[i] = values[child];
      i = child;
    }
    k1[i] = a;
    k2[i] = b;
    k3[i] = c;
    tags[i] = t;
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
      if (!this.isLive(v, this.tags[i]!)) continue;
      this.k1[n] = this.k1[i]!;
      this.k2[n] = this.k2[i]!;
      this.k3[n] = this.k3[i]!;
      this.tags[n] = this.tags[i]!;
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
    const t4 = this.tags[i]!;
    this.tags[i] = this.tags[j]!;
    this.tags[j] = t4;
    const tv = this.values[i];
    this.values[i] = this.values[j];
    this.values[j] = tv;
  }

  private grow(): void {
    const size = this.k1.length * 2;
    for (const key of ['k1', 'k2', 'k3', 'tags'] as const) {
      const next = new Float64Array(size);
      next.set(this[key]);
      this[key] = next;
    }
  }

  /**
   * Best live entry that `accept` takes, visiting only entries better than the answer
   * (best-first over the tree). Rejections are rare, so a linear frontier is cheapest.
   */
  protected findFirstIndex(accept: (value: V, tag: number) => boolean): number {
    const top = this.topIndex();
    if (top < 0) return -1;
    if (accept(this.values[0]!, this.tags[0]!)) return 0;
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
      const tag = this.tags[i]!;
      if (this.isLive(v, tag) && accept(v, tag)) return i;
      if (2 * i + 1 < this.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < this.length) frontier.push(2 * i + 2);
    }
    return -1;
  }

  /** Live values with their tags, in no particular order (for views and snapshots). */
  protected liveEntries(): { value: V; tag: number }[] {
    const out: { value: V; tag: number }[] = [];
    for (let i = 0; i < this.length; i++) {
      const value = this.values[i]!;
      const tag = this.tags[i]!;
      if (this.isLive(value, tag)) out.push({ value, tag });
    }
    return out;
  }
}

/** What a session queue needs of its sessions: a placement version, bumped when it leaves. */
export interface PlacedSession {
  placement: number;
}

/**
 * Waiting sessions ordered by (rank, seq): aged waiting time, then arrival order. A session
 * may sit in several queues at once (home and overflow group); leaving bumps its placement
 * version, which kills all its entries together, and each queue is told to count one fewer.
 */
export class SessionQueue<S extends PlacedSession> extends LazyHeap<S> {
  protected isLive(session: S, tag: number): boolean {
    return session.placement === tag;
  }

  push(session: S, rank: number, seq: number): void {
    this.pushEntry(session, rank, seq, 0, session.placement);
  }

  /** One of this queue's entries died (its session's placement version was bumped). */
  removed(): void {
    this.noteDead();
  }

  peek(): S | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : this.values[i];
  }

  findFirst(accept: (session: S) => boolean): S | undefined {
    const i = this.findFirstIndex((session) => accept(session));
    return i < 0 ? undefined : this.values[i];
  }

  sessions(): S[] {
    return this.liveEntries().map((e) => e.value);
  }
}

/**
 * What an agent heap needs of its agents: the version of the entry each slot holds (0: none).
 * Versions come from one sequence per agent, so a stale entry can never match again.
 */
export interface VersionedAgent {
  readonly slotVersions: number[];
  versionSeq: number;
}

/** Slots per agent are below this; a tag packs version * SLOT_SPAN + slot. */
const SLOT_SPAN = 4096;

/** Agents free for new work, keyed by the group strategy's (k1, k2) and the agent ordinal. */
export class AgentHeap<A extends VersionedAgent> extends LazyHeap<A> {
  protected isLive(agent: A, tag: number): boolean {
    const slot = tag % SLOT_SPAN;
    return agent.slotVersions[slot] === (tag - slot) / SLOT_SPAN;
  }

  /** Add (or re-key) the agent's entry for `slot`; the previous entry of that slot dies. */
  put(agent: A, slot: number, k1: number, k2: number, ordinal: number, wasIn: boolean): void {
    const version = ++agent.versionSeq;
    agent.slotVersions[slot] = version;
    if (wasIn) this.noteDead();
    this.pushEntry(agent, k1, k2, ordinal, version * SLOT_SPAN + slot);
  }

  remove(agent: A, slot: number): void {
    agent.slotVersions[slot] = 0;
    this.noteDead();
  }

  /** The best agent and the slot its entry is filed under. */
  peek(): { agent: A; slot: number } | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : { agent: this.values[i]!, slot: this.tags[i]! % SLOT_SPAN };
  }

  findFirst(accept: (agent: A) => boolean): { agent: A; slot: number } | undefined {
    const i = this.findFirstIndex((agent) => accept(agent));
    return i < 0 ? undefined : { agent: this.values[i]!, slot: this.tags[i]! % SLOT_SPAN };
  }

  entries(): { agent: A; slot: number }[] {
    return this.liveEntries().map((e) => ({ agent: e.value, slot: e.tag % SLOT_SPAN }));
  }
}
