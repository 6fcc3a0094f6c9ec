// The live interactions by id: an open-addressing hash table on the id's characters. Every
// lifecycle looks its session up several times (duplicate check, set, end, accept, delete) and a
// Map of tens of thousands of entries walks a bucket, then a chain entry, before it reaches the
// record: here one probe of a flat array of hashes leads to the record itself.

/** A record kept by id; `seq` orders iteration (insertion order, as a Map would give). */
export interface Keyed {
  readonly id: string;
  readonly seq: number;
}

const MIN_CAPACITY = 64;

function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h === 0 ? 0x2545f491 : h; // never 0: 0 marks an empty position
}

/**
 * A Map-shaped table of records by their own id (`set(id, v)` requires `v.id === id`), with
 * linear probing and backward-shift deletion (no tombstones), kept at most half full.
 */
export class IdTable<V extends Keyed> {
  private hashes = new Int32Array(MIN_CAPACITY);
  private entries: (V | undefined)[] = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Position of the id, or ~(the empty position where it would go). */
  private find(id: string, h: number): number {
    const hashes = this.hashes;
    const entries = this.entries;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const stored = hashes[i]!;
      if (stored === 0) return ~i;
      if (stored === h && entries[i]!.id === id) return i;
    }
  }

  get(id: string): V | undefined {
    const i = this.find(id, hashOf(id));
    return i >= 0 ? this.entries[i] : undefined;
  }

  has(id: string): boolean {
    return this.find(id, hashOf(id)) >= 0;
  }

  set(id: string, value: V): this {
    const h = hashOf(id);
    let i = this.find(id, h);
    if (i >= 0) {
      this.entries[i] = value;
      return this;
    }
    if ((this.count + 1) * 2 > this.hashes.length) {
      this.resize(this.hashes.length * 2);
      i = this.find(id, h);
    }
    i = ~i;
    this.hashes[i] = h;
    this.entries[i] = value;
    this.count++;
    return this;
  }

  delete(id: string): boolean {
    let i = this.find(id, hashOf(id));
    if (i < 0) return false;
    const hashes = this.hashes;
    const entries = this.entries;
    const mask = this.mask;
    // Backward shift: later entries of the probe run move into the hole unless their home
    // position lies cyclically after the hole (they could not be found across it otherwise).
    for (let j = (i + 1) & mask; hashes[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      hashes[i] = hashes[j]!;
      entries[i] = entries[j];
      i = j;
    }
    hashes[i] = 0;
    entries[i] = undefined;
    this.count--;
    if (this.hashes.length > MIN_CAPACITY && this.count * 8 < this.hashes.length) this.resize(this.hashes.length / 2);
    return true;
  }

  clear(): void {
    this.hashes = new Int32Array(MIN_CAPACITY);
    this.entries = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }

  private resize(capacity: number): void {
    const oldHashes = this.hashes;
    const oldEntries = this.entries;
    this.hashes = new Int32Array(capacity);
    this.entries = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (let k = 0; k < oldHashes.length; k++) {
      const h = oldHashes[k]!;
      if (h === 0) continue;
      let i = h & this.mask;
      while (this.hashes[i] !== 0) i = (i + 1) & this.mask;
      this.hashes[i] = h;
      this.entries[i] = oldEntries[k];
    }
  }

  /** The records in table order (no sort): for reads that do not depend on order (counts, minima). */
  *unordered(): IterableIterator<V> {
    for (const v of this.entries) if (v !== undefined) yield v;
  }

  /** The records in insertion order (by `seq`), like a Map's; a read for views, not decisions. */
  values(): IterableIterator<V> {
    const out: V[] = [];
    for (const v of this.entries) if (v !== undefined) out.push(v);
    out.sort((x, y) => x.seq - y.seq);
    return out.values();
  }

  keys(): IterableIterator<string> {
    return Array.from(this.values(), (v) => v.id).values();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return Array.from(this.values(), (v): [string, V] => [v.id, v]).values();
  }
}
