// Cache-friendly heaps for the hot path: keys live in typed arrays, so a sift compares
// contiguous numbers instead of chasing pointers to scattered objects (measured: removal from a
// pointer heap of sessions cost ~4 µs, nearly all cache misses). Removal is lazy: an entry is
// marked dead and skipped when it surfaces; the heap compacts when the dead outnumber the live.
// Entries are a value reference plus numbers (no per-entry object), so a heap allocates nothing
// per push: that matters, since young objects pointed to from these old arrays slow every scavenge.

const STRIDE = 4; // k1, k2, k3, tag of one entry side by side: one cache line per sibling pair
const EMPTY = new Float64Array(0);

/**
 * Min-heap of entries keyed by (k1, k2, k3), with a liveness tag and a value reference each;
 * removal by tombstone. Memory is allocated on the first push: most (group, channel, level)
 * heaps of a large agency stay empty, and a touched heap is one array of numbers plus one of values.
 */
abstract class LazyHeap<V> {
  protected keys: Float64Array = EMPTY;
  protected values: (V | undefined)[] = [];
  /** Entries in the arrays, dead ones included. */
  protected length = 0;
  /** Entries still meant to be there. */
  live = 0;

  protected abstract isLive(value: V, tag: number): boolean;

  get size(): number {
    return this.live;
  }

  protected tagAt(i: number): number {
    return this.keys[i * STRIDE + 3]!;
  }

  protected less(i: number, j: number): boolean {
    const k = this.keys;
    const a = i * STRIDE;
    const b = j * STRIDE;
    if (k[a] !== k[b]) return k[a]! < k[b]!;
    if (k[a + 1] !== k[b + 1]) return k[a + 1]! < k[b + 1]!;
    return k[a + 2]! < k[b + 2]!;
  }

  protected pushEntry(value: V, a: number, b: number, c: number, tag: number): void {
    if ((this.length + 1) * STRIDE > this.keys.length) this.grow();
    let i = this.length++;
    this.live++;
    const k = this.keys;
    const values = this.values;
    // Sift up with a hole: parents move down until the new key finds its place.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = p * STRIDE;
      if (k[q]! < a || (k[q] === a && (k[q + 1]! < b || (k[q + 1] === b && k[q + 2]! <= c)))) break;
      const d = i * STRIDE;
      k[d] = k[q]!;
      k[d + 1] = k[q + 1]!;
      k[d + 2] = k[q + 2]!;
      k[d + 3] = k[q + 3]!;
      values[i] = values[p];
      i = p;
    }
    const d = i * STRIDE;
    k[d] = a;
    k[d + 1] = b;
    k[d + 2] = c;
    k[d + 3] = tag;
    values[i] = value;
  }

  /** Index of the best live entry (dropping dead ones from the top), or -1. */
  protected topIndex(): number {
    while (this.length > 0) {
      if (this.isLive(this.values[0]!, this.keys[3]!)) return 0;
      this.popTop();
    }
    return -1;
  }

  protected popTop(): void {
    const last = --this.length;
    const k = this.keys;
    const values = this.values;
    if (last === 0) {
      values[0] = undefined;
      return;
    }
    const l = last * STRIDE;
    const a = k[l]!;
    const b = k[l + 1]!;
    const c = k[l + 2]!;
    const t = k[l + 3]!;
    const v = values[last]!;
    values[last] = undefined;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.less(child + 1, child)) child++;
      const q = child * STRIDE;
      if (a < k[q]! || (a === k[q] && (b < k[q + 1]! || (b === k[q + 1] && c <= k[q + 2]!)))) break;
      const d = i * STRIDE;
      k[d] = k[q]!;
      k[d + 1] = k[q + 1]!;
      k[d + 2] = k[q + 2]!;
      k[d + 3] = k[q + 3]!;
      values[i] = values[child];
      i = child;
    }
    const d = i * STRIDE;
    k[d] = a;
    k[d + 1] = b;
    k[d + 2] = c;
    k[d + 3] = t;
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
    const k = this.keys;
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const v = this.values[i]!;
      const s = i * STRIDE;
      if (!this.isLive(v, k[s + 3]!)) continue;
      const d = n * STRIDE;
      k.copyWithin(d, s, s + STRIDE);
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
    const k = this.keys;
    const a = i * STRIDE;
    const b = j * STRIDE;
    for (let x = 0; x < STRIDE; x++) {
      const t = k[a + x]!;
      k[a + x] = k[b + x]!;
      k[b + x] = t;
    }
    const tv = this.values[i];
    this.values[i] = this.values[j];
    this.values[j] = tv;
  }

  private grow(): void {
    const next = new Float64Array(Math.max(16 * STRIDE, this.keys.length * 2));
    next.set(this.keys);
    this.keys = next;
  }

  /**
   * Best live entry that `accept` takes, visiting only entries better than the answer
   * (best-first over the tree). Rejections are rare, so a linear frontier is cheapest.
   */
  protected findFirstIndex(accept: (value: V, tag: number) => boolean): number {
    const top = this.topIndex();
    if (top < 0) return -1;
    if (accept(this.values[0]!, this.tagAt(0))) return 0;
    const frontier: number[] = [];
    if (this.length > 1) frontier.push(1);
    if (this.length > 2) frontier.push(2);
    while (frontier.length > 0) {
      let best = 0;
      for (let j = 1; j < frontier.length; j++) if (this.less(frontier[j]!, frontier[best]!)) best = j;
      const i = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      const v = this.values[i]!;
      const tag = this.tagAt(i);
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
      const tag = this.tagAt(i);
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
    return i < 0 ? undefined : { agent: this.values[i]!, slot: this.tagAt(i) % SLOT_SPAN };
  }

  findFirst(accept: (agent: A) => boolean): { agent: A; slot: number } | undefined {
    const i = this.findFirstIndex((agent) => accept(agent));
    return i < 0 ? undefined : { agent: this.values[i]!, slot: this.tagAt(i) % SLOT_SPAN };
  }

  entries(): { agent: A; slot: number }[] {
    return this.liveEntries().map((e) => ({ agent: e.value, slot: e.tag % SLOT_SPAN }));
  }
}
