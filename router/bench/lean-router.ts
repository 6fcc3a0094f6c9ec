// Baseline for the benchmark: the scan router's semantics (the same decisions) on heaps, and
// nothing else — no events, no validation, no accept step, no offer timers, no priorities, levels
// or strategies beyond `equal`. It is not a router anyone could run; it is what the core's two data
// structures cost on this workload on this machine, a floor under the core's own figure.

import { CHANNEL_INDEX, type AgentConfig, type Channel, type GroupConfig } from '../src/core/index.js';

const CHANNELS = 5;

/** Binary min-heap of (k1, k2, k3, payload) entries, four numbers side by side. */
class FlatHeap {
  keys = new Float64Array(64);
  size = 0;

  private less(i: number, j: number): boolean {
    const k = this.keys;
    const a = i * 4;
    const b = j * 4;
    if (k[a] !== k[b]) return k[a]! < k[b]!;
    if (k[a + 1] !== k[b + 1]) return k[a + 1]! < k[b + 1]!;
    return k[a + 2]! < k[b + 2]!;
  }

  private swap(i: number, j: number): void {
    const k = this.keys;
    for (let x = 0; x < 4; x++) {
      const t = k[i * 4 + x]!;
      k[i * 4 + x] = k[j * 4 + x]!;
      k[j * 4 + x] = t;
    }
  }

  push(k1: number, k2: number, k3: number, payload: number): void {
    if ((this.size + 1) * 4 > this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    let i = this.size++;
    const k = this.keys;
    k[i * 4] = k1;
    k[i * 4 + 1] = k2;
    k[i * 4 + 2] = k3;
    k[i * 4 + 3] = payload;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Restores order after the top's keys grew. */
  siftTop(): void {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const m = l + 1 < this.size && this.less(l + 1, l) ? l + 1 : l;
      if (!this.less(m, i)) return;
      this.swap(i, m);
      i = m;
    }
  }

  pop(): void {
    this.size--;
    if (this.size === 0) return;
    this.keys.copyWithin(0, this.size * 4, this.size * 4 + 4);
    this.siftTop();
  }
}

interface LeanAgent {
  ordinal: number;
  /** Group indexes of its memberships. */
  groups: number[];
  capacity: number[];
  load: number[];
  sessionsToday: number;
  idleSince: number;
  /** Per (membership, channel): whether an entry of the agent is in that heap. */
  filed: Uint8Array;
}

interface LeanSession {
  id: string;
  channel: number;
  agent: LeanAgent | undefined;
}

export class LeanRouter {
  private readonly groupIndex = new Map<string, number>();
  private readonly agents = new Map<string, LeanAgent>();
  private readonly byOrdinal: LeanAgent[] = [];
  private readonly sessions = new Map<string, LeanSession>();
  /** Waiting sessions by the slot their queue entry names; slots are reused. */
  private readonly waiting: (LeanSession | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  /** Per (group, channel): free agents keyed (sessionsToday, idleSince, ordinal), refreshed lazily. */
  private readonly agentHeaps: FlatHeap[] = [];
  /** Per (group, channel): waiting sessions keyed (arrival, seq). */
  private readonly queues: FlatHeap[] = [];
  private seq = 0;

  constructor(groups: GroupConfig[], agents: AgentConfig[], now: number) {
    groups.forEach((g, i) => {
      this.groupIndex.set(g.id, i);
      for (let c = 0; c < CHANNELS; c++) {
        this.agentHeaps.push(new FlatHeap());
        this.queues.push(new FlatHeap());
      }
    });
    agents.forEach((config, ordinal) => {
      const agent: LeanAgent = {
        ordinal,
        groups: config.groups.map((m) => this.groupIndex.get(m.groupId)!),
        capacity: [0, 0, 0, 0, 0],
        load: [0, 0, 0, 0, 0],
        sessionsToday: 0,
        idleSince: now,
        filed: new Uint8Array(config.groups.length * CHANNELS),
      };
      for (const [ch, cap] of Object.entries(config.capacity)) agent.capacity[CHANNEL_INDEX[ch as Channel]] = cap ?? 0;
      this.agents.set(config.id, agent);
      this.byOrdinal.push(agent);
    });
  }

  /** Ordinal of the agent a session was offered to. */
  agentOf(id: string): number | undefined {
    return this.sessions.get(id)?.agent?.ordinal;
  }

  /** Returns the ids of the sessions offered as a result of the change. */
  setAvailable(agentId: string, now: number): string[] {
    const agent = this.agents.get(agentId)!;
    agent.idleSince = now;
    return this.release(agent);
  }

  enqueue(id: string, groupId: string, channel: Channel, now: number): boolean {
    const group = this.groupIndex.get(groupId)!;
    const c = CHANNEL_INDEX[channel];
    const s: LeanSession = { id, channel: c, agent: undefined };
    this.sessions.set(id, s);
    const heap = this.agentHeaps[group * CHANNELS + c]!;
    // Keys only grow, so a stored key is a lower bound: refresh the top until it is true.
    while (heap.size > 0) {
      const k = heap.keys;
      const agent = this.byOrdinal[k[2]!]!;
      if (agent.load[c]! >= agent.capacity[c]!) {
        agent.filed[k[3]! * CHANNELS + c] = 0;
        heap.pop();
      } else if (k[0] !== agent.sessionsToday || k[1] !== agent.idleSince) {
        k[0] = agent.sessionsToday;
        k[1] = agent.idleSince;
        heap.siftTop();
      } else {
        this.offer(s, agent);
        return true;
      }
    }
    const slot = this.freeSlots.pop() ?? this.waiting.length;
    this.waiting[slot] = s;
    this.queues[group * CHANNELS + c]!.push(now, this.seq++, 0, slot);
    return false;
  }

  end(id: string, now: number): string[] {
    const s = this.sessions.get(id)!;
    const agent = s.agent!;
    this.sessions.delete(id);
    agent.load[s.channel]!--;
    agent.idleSince = now;
    return this.release(agent);
  }

  /** Offers the agent the best waiting sessions it has room for, then files it where it is free. */
  private release(agent: LeanAgent): string[] {
    const offers: string[] = [];
    for (;;) {
      let best: FlatHeap | undefined;
      for (let c = 0; c < CHANNELS; c++) {
        if (agent.load[c]! >= agent.capacity[c]!) continue;
        for (const g of agent.groups) {
          const q = this.queues[g * CHANNELS + c]!;
          if (q.size === 0) continue;
          if (!best || q.keys[0]! < best.keys[0]! || (q.keys[0] === best.keys[0] && q.keys[1]! < best.keys[1]!)) best = q;
        }
      }
      if (!best) break;
      const slot = best.keys[3]!;
      const s = this.waiting[slot]!;
      this.waiting[slot] = undefined;
      this.freeSlots.push(slot);
      best.pop();
      this.offer(s, agent);
      offers.push(s.id);
    }
    for (let c = 0; c < CHANNELS; c++) {
      if (agent.load[c]! >= agent.capacity[c]!) continue;
      agent.groups.forEach((g, m) => {
        if (agent.filed[m * CHANNELS + c]) return;
        agent.filed[m * CHANNELS + c] = 1;
        this.agentHeaps[g * CHANNELS + c]!.push(agent.sessionsToday, agent.idleSince, agent.ordinal, m);
      });
    }
    return offers;
  }

  private offer(s: LeanSession, agent: LeanAgent): void {
    s.agent = agent;
    agent.load[s.channel]!++;
    agent.sessionsToday++;
  }
}
