// Indexed binary min-heap: O(log n) push, pop, remove and re-key of any node.
// Nodes carry their own position so membership in many heaps stays cheap.

export interface HeapNode {
  /** Position in the heap array, -1 when not in a heap. */
  index: number;
}

export class IndexedHeap<N extends HeapNode> {
  readonly items: N[] = [];

  constructor(private readonly less: (a: N, b: N) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): N | undefined {
    return this.items[0];
  }

  push(node: N): void {
    node.index = this.items.length;
    this.items.push(node);
    this.up(node.index);
  }

  pop(): N | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    this.removeAt(0);
    return top;
  }

  remove(node: N): void {
    if (node.index < 0 || this.items[node.index] !== node) return;
    this.removeAt(node.index);
  }

  /** Restore order after the node's key changed. */
  update(node: N): void {
    if (node.index < 0 || this.items[node.index] !== node) return;
    if (!this.up(node.index)) this.down(node.index);
  }

  /** Rebuild order after keys of many nodes changed (O(n)). */
  heapify(): void {
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /**
   * Best node that satisfies `accept`, in heap order. Visits only nodes better than the
   * answer (best-first over the tree); rejections are rare (missed offers), so the
   * frontier stays a few entries long and a linear minimum over it is cheapest.
   */
  findFirst(accept: (node: N) => boolean): N | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    if (accept(items[0]!)) return items[0];
    const frontier: number[] = [];
    if (items.length > 1) frontier.push(1);
    if (items.length > 2) frontier.push(2);
    while (frontier.length > 0) {
      let best = 0;
      for (let k = 1; k < frontier.length; k++) {
        if (this.less(items[frontier[k]!]!, items[frontier[best]!]!)) best = k;
      }
      const i = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      if (accept(items[i]!)) return items[i];
      if (2 * i + 1 < items.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < items.length) frontier.push(2 * i + 2);
    }
    return undefined;
  }

  private removeAt(i: number): void {
    const items = this.items;
    const removed = items[i]!;
    const last = items.pop()!;
    removed.index = -1;
    if (i < items.length) {
      items[i] = last;
      last.index = i;
      if (!this.up(i)) this.down(i);
    }
  }

  private up(i: number): boolean {
    const items = this.items;
    const node = items[i]!;
    const start = i;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!this.less(node, parent)) break;
      items[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    items[i] = node;
    node.index = i;
    return i !== start;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const node = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(items[right]!, items[left]!) ? right : left;
      const childNode = items[child]!;
      if (!this.less(childNode, node)) break;
      items[i] = childNode;
      childNode.index = i;
      i = child;
    }
    items[i] = node;
    node.index = i;
  }
}
