// Cache-friendly heaps for the hot path. An entry is four numbers side by side in one
// Float64Array — three keys and a liveness tag — and names its record by an integer slot, so a
// sift compares contiguous numbers and never touches the records (measured: a pointer heap of
// sessions spent nearly all its time in cache misses). Whether an entry is still live is one
// read of a shared typed array indexed by that slot, again without loading the record.
// Removal is lazy: an entry dies when its slot's tag moves on, is skipped when it surfaces,
// and the heap compacts when the dead outnumber the live. Nothing is allocated per entry.

const STRIDE = 4; // k1, k2, k3, tag of one entry side by side: one cache line per sibling pair
const EMPTY = new Float64Array(0);

/** Doubling growth of a typed array, keeping its contents. */
function grown(array: Float64Array, atLeast: number): Float64Array {
  let size = Math.max(64, array.length);
  while (size < atLeast) size *= 2;
  const next = new Float64Array(size);
  next.set(array);
  return next;
}

/**
 * Min-heap of entries keyed by (k1, k2, k3) with a liveness tag each; removal by tombstone.
 * Memory is allocated on the first push: most (group, channel, level) heaps of a large agency
 * stay empty, and a touched heap is one array of numbers.
 */
abstract class LazyHeap {
  protected keys: Float64Array = EMPTY;
  /** Entries in the array, dead ones included. */
  protected length = 0;
  /** Entries still meant to be there. */
  live = 0;

  /** Whether entry i is still meant to be there (its tag is its slot's current one). */
  protected abstract isLiveAt(i: number): boolean;

  get size(): number {
    return this.live;
  }

  k1At(i: number): number {
    return this.keys[i * STRIDE]!;
  }

  k2At(i: number): number {
    return this.keys[i * STRIDE + 1]!;
  }

  k3At(i: number): number {
    return this.keys[i * STRIDE + 2]!;
  }

  tagAt(i: number): number {
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

  protected pushEntry(a: number, b: number, c: number, tag: number): void {
    this.live++;
    this.insert(a, b, c, tag);
  }

  /** Sift a new entry in (the live count is the caller's business). */
  protected insert(a: number, b: number, c: number, tag: number): void {
    if ((this.length + 1) * STRIDE > this.keys.length) this.keys = grown(this.keys, (this.length + 1) * STRIDE);
    let i = this.length++;
    const k = this.keys;
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
      i = p;
    }
    const d = i * STRIDE;
    k[d] = a;
    k[d + 1] = b;
    k[d + 2] = c;
    k[d + 3] = tag;
  }

  /** Index of the best live entry (dropping dead ones from the top), or -1. */
  topIndex(): number {
    while (this.length > 0) {
      if (this.isLiveAt(0)) return 0;
      this.popTop();
    }
    return -1;
  }

  /** Drop the top entry from the array (the live count is the caller's business). */
  protected popTop(): void {
    const last = --this.length;
    if (last === 0) return;
    const k = this.keys;
    const l = last * STRIDE;
    this.replaceTop(k[l]!, k[l + 1]!, k[l + 2]!, k[l + 3]!);
  }

  /** Put an entry in the top's place and sift it down to where it belongs. */
  protected replaceTop(a: number, b: number, c: number, t: number): void {
    const last = this.length;
    const k = this.keys;
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
      i = child;
    }
    const d = i * STRIDE;
    k[d] = a;
    k[d + 1] = b;
    k[d + 2] = c;
    k[d + 3] = t;
  }

  /** A tombstone was set: compact once the dead are the majority. */
  protected noteDead(): void {
    this.live--;
    if (this.live === 0) this.length = 0;
    else if (this.length > 32 && this.length > 2 * this.live) this.compact();
  }

  private compact(): void {
    const k = this.keys;
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      if (!this.isLiveAt(i)) continue;
      if (n !== i) k.copyWithin(n * STRIDE, i * STRIDE, (i + 1) * STRIDE);
      n++;
    }
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
  }

  /**
   * Index of the best live entry that `accept` takes, visiting only entries better than the
   * answer (best-first over the tree), or -1. Rejections are rare (a recent miss), so a linear
   * frontier is cheapest.
   */
  protected findFirstIndex(accept: (i: number) => boolean): number {
    const top = this.topIndex();
    if (top < 0) return -1;
    if (accept(0)) return 0;
    const frontier: number[] = [];
    if (this.length > 1) frontier.push(1);
    if (this.length > 2) frontier.push(2);
    while (frontier.length > 0) {
      let best = 0;
      for (let j = 1; j < frontier.length; j++) if (this.less(frontier[j]!, frontier[best]!)) best = j;
      const i = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      if (this.isLiveAt(i) && accept(i)) return i;
      if (2 * i + 1 < this.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < this.length) frontier.push(2 * i + 2);
    }
    return -1;
  }

  /** Indexes of the live entries, in no particular order (for views and snapshots). */
  protected liveIndexes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.isLiveAt(i)) out.push(i);
    return out;
  }
}

// ---------------------------------------------------------------- sessions

/**
 * Integer slots for waiting sessions, shared by all their queues: the record of each slot and
 * its placement tag. A session placed in queues gets a fresh tag (never reused), written to its
 * slot and to each entry; leaving sets the slot's tag to 0, which kills all its entries at once.
 * An odd tag marks a session some agent missed, so a queue reader knows when exclusions apply
 * without loading the session.
 */
export class SessionSlots<S> {
  tags: Float64Array = new Float64Array(1024);
  readonly values: (S | undefined)[] = [];
  private readonly free: number[] = [];
  private next = 0;
  private tagSeq = 0;

  acquire(value: S): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (slot >= this.tags.length) this.tags = grown(this.tags, slot + 1);
    this.tags[slot] = 0;
    this.values[slot] = value;
    return slot;
  }

  release(slot: number): void {
    this.tags[slot] = 0;
    this.values[slot] = undefined;
    this.free.push(slot);
  }

  /** A fresh placement tag for the slot; odd when the session carries misses. */
  place(slot: number, missed: boolean): number {
    const tag = ++this.tagSeq * 2 + (missed ? 1 : 0);
    this.tags[slot] = tag;
    return tag;
  }

  unplace(slot: number): void {
    this.tags[slot] = 0;
  }
}

/** Whether a placement tag marks a session with misses. */
export const tagMissed = (tag: number): boolean => tag % 2 === 1;

/**
 * Waiting sessions ordered by (rank, seq): aged waiting time, then arrival order. A session may
 * sit in several queues at once (home and overflow group); when it leaves, its slot's tag is
 * cleared and each queue is told to count one fewer.
 */
export class SessionQueue<S> extends LazyHeap {
  constructor(readonly slots: SessionSlots<S>) {
    super();
  }

  protected isLiveAt(i: number): boolean {
    const k = this.keys;
    return this.slots.tags[k[i * STRIDE + 2]!] === k[i * STRIDE + 3];
  }

  push(slot: number, rank: number, seq: number, tag: number): void {
    this.pushEntry(rank, seq, slot, tag);
  }

  /** One of this queue's entries died (its session left). */
  removed(): void {
    this.noteDead();
  }

  sessionAt(i: number): S {
    return this.slots.values[this.keys[i * STRIDE + 2]!]!;
  }

  peek(): S | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : this.sessionAt(i);
  }

  /** Index of the best live session that `accept` takes, or -1. */
  findFirst(accept: (session: S) => boolean): number {
    return this.findFirstIndex((i) => accept(this.sessionAt(i)));
  }

  sessions(): S[] {
    return this.liveIndexes().map((i) => this.sessionAt(i));
  }
}

// ---------------------------------------------------------------- agents

/** Slots per agent are below this; an entry's k3 packs ordinal * SLOT_SPAN + slot. */
export const SLOT_SPAN = 4096;

/**
 * Per-agent slots of the agent heaps (slot m * channels + c: the agent's entry for its m-th
 * group on channel c), laid out in shared typed arrays: for each, the version of its live entry
 * (0: none) and the agent's current key there. Versions come from one sequence, so a dead entry
 * never matches again, not even after the agent's slots move on reconfiguration.
 */
export class AgentSlots<A> {
  /** Per global slot: version, k1, k2 (stride 3). */
  data: Float64Array = new Float64Array(3 * 1024);
  /** First global slot of each agent, by ordinal. */
  base: Int32Array = new Int32Array(256);
  readonly byOrdinal: A[] = [];
  private used = 0;
  private versionSeq = 0;

  /** Register an agent (or give it fresh slots): returns its first global slot. */
  assign(ordinal: number, agent: A, slots: number): number {
    if (slots > SLOT_SPAN) throw new RangeError(`an agent has at most ${SLOT_SPAN} heap slots`);
    if (ordinal >= this.base.length) {
      const next = new Int32Array(Math.max(ordinal + 1, this.base.length * 2));
      next.set(this.base);
      this.base = next;
    }
    this.byOrdinal[ordinal] = agent;
    const first = this.used;
    this.used += slots;
    if (this.used * 3 > this.data.length) this.data = grown(this.data, this.used * 3);
    this.base[ordinal] = first;
    return first;
  }

  nextVersion(): number {
    return ++this.versionSeq;
  }

  /**
   * Records the agent's new key for `slot` when it did not shrink, without touching any heap (see
   * AgentHeap: entries may keep an older, smaller key); false when it shrank and must be refiled.
   */
  grow(ordinal: number, slot: number, k1: number, k2: number): boolean {
    const data = this.data;
    const at = (this.base[ordinal]! + slot) * 3;
    const c1 = data[at + 1]!;
    if (!(k1 > c1 || (k1 === c1 && k2 >= data[at + 2]!))) return false;
    data[at + 1] = k1;
    data[at + 2] = k2;
    return true;
  }
}

/**
 * Agents free for new work, keyed by the group strategy's (k1, k2), then the agent ordinal.
 *
 * A key that grows (an offer counted, a later idle time) is not refiled at once: the live entry
 * keeps its older, smaller key and the slot records the current one. Every entry's key is thus
 * at most its agent's current key, so when the top entry's key is current it is the true best;
 * when it is not, it is refiled under the current key and the top looked at again. An agent's
 * key changes on every offer and release, in every heap it sits in (each group and channel it
 * has room on), while a heap's top is read only when a session arrives there: this does the
 * work only for the heaps that are read. A key that shrinks is refiled at once.
 */
export class AgentHeap<A> extends LazyHeap {
  constructor(readonly slots: AgentSlots<A>) {
    super();
  }

  protected isLiveAt(i: number): boolean {
    const k = this.keys;
    const k3 = k[i * STRIDE + 2]!;
    const ordinal = Math.floor(k3 / SLOT_SPAN);
    return this.slots.data[(this.slots.base[ordinal]! + (k3 - ordinal * SLOT_SPAN)) * 3] === k[i * STRIDE + 3];
  }

  /** Add (or re-key) the agent's entry for `slot`; the previous entry of that slot dies. */
  put(ordinal: number, slot: number, k1: number, k2: number, wasIn: boolean): void {
    const slots = this.slots;
    const version = slots.nextVersion();
    const at = (slots.base[ordinal]! + slot) * 3;
    slots.data[at] = version;
    slots.data[at + 1] = k1;
    slots.data[at + 2] = k2;
    if (wasIn) this.noteDead();
    this.pushEntry(k1, k2, ordinal * SLOT_SPAN + slot, version);
  }

  /** The agent's key for `slot` changed while it stays in this heap. */
  rekey(ordinal: number, slot: number, k1: number, k2: number): void {
    if (!this.slots.grow(ordinal, slot, k1, k2)) this.put(ordinal, slot, k1, k2, true);
  }

  remove(ordinal: number, slot: number): void {
    this.slots.data[(this.slots.base[ordinal]! + slot) * 3] = 0;
    this.noteDead();
  }

  /**
   * Index of the top live entry (dead ones dropped), its key possibly stale, or -1. A stale key
   * is below its agent's current one, so this top's key is a lower bound of every live key here.
   */
  liveTopIndex(): number {
    return super.topIndex();
  }

  /** Whether the live top's key (liveTopIndex() >= 0) is its agent's current key. */
  topIsCurrent(): boolean {
    const k = this.keys;
    const data = this.slots.data;
    const at = this.topSlotAt();
    return k[0] === data[at + 1] && k[1] === data[at + 2];
  }

  /** Refile the live top (liveTopIndex() >= 0) under its agent's current key. */
  refileTop(): void {
    const data = this.slots.data;
    const at = this.topSlotAt();
    // The current key is not below the stale one: the entry only moves down.
    this.replaceTop(data[at + 1]!, data[at + 2]!, this.keys[2]!, this.keys[3]!);
  }

  /** Where the top entry's agent slot (version, k1, k2) sits in the shared slot data. */
  private topSlotAt(): number {
    const k3 = this.keys[2]!;
    const ordinal = Math.floor(k3 / SLOT_SPAN);
    return (this.slots.base[ordinal]! + (k3 - ordinal * SLOT_SPAN)) * 3;
  }

  /** Index of the best live entry, refiling stale tops under their current keys, or -1. */
  override topIndex(): number {
    for (;;) {
      if (super.topIndex() < 0) return -1;
      const k = this.keys;
      const k3 = k[2]!;
      const ordinal = Math.floor(k3 / SLOT_SPAN);
      const data = this.slots.data;
      const at = (this.slots.base[ordinal]! + (k3 - ordinal * SLOT_SPAN)) * 3;
      const c1 = data[at + 1]!;
      const c2 = data[at + 2]!;
      if (k[0] === c1 && k[1] === c2) return 0;
      this.replaceTop(c1, c2, k3, k[3]!);
    }
  }

  /**
   * The best live agent that `accept` takes, by its current key: refused agents are taken off
   * the top and put back afterwards (refusals are rare: agents who just missed the session).
   */
  findFirst(accept: (agent: A) => boolean): { k1: number; k2: number; k3: number } | undefined {
    const held: number[] = [];
    let found: { k1: number; k2: number; k3: number } | undefined;
    for (let i = this.topIndex(); i >= 0; i = this.topIndex()) {
      const k = this.keys;
      if (accept(this.agentAt(0))) {
        found = { k1: k[0]!, k2: k[1]!, k3: k[2]! };
        break;
      }
      held.push(k[0]!, k[1]!, k[2]!, k[3]!);
      this.popTop();
    }
    for (let j = 0; j < held.length; j += STRIDE) this.insert(held[j]!, held[j + 1]!, held[j + 2]!, held[j + 3]!);
    return found;
  }

  ordinalAt(i: number): number {
    return Math.floor(this.keys[i * STRIDE + 2]! / SLOT_SPAN);
  }

  agentAt(i: number): A {
    return this.slots.byOrdinal[this.ordinalAt(i)]!;
  }

  slotAt(i: number): number {
    const k3 = this.keys[i * STRIDE + 2]!;
    return k3 - Math.floor(k3 / SLOT_SPAN) * SLOT_SPAN;
  }

  /** The best agent and the slot its entry is filed under. */
  peek(): { agent: A; slot: number } | undefined {
    const i = this.topIndex();
    return i < 0 ? undefined : { agent: this.agentAt(i), slot: this.slotAt(i) };
  }

  entries(): { agent: A; slot: number }[] {
    return this.liveIndexes().map((i) => ({ agent: this.agentAt(i), slot: this.slotAt(i) }));
  }
}
