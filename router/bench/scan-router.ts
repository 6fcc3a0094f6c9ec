// Baseline for the benchmark: the same routing semantics done the way database-query routers
// do it — scan the group's agents on each arrival, scan the agent's groups' queues on each release.

import { CHANNEL_INDEX, type AgentConfig, type Channel, type GroupConfig } from '../src/core/index.js';

interface ScanAgent {
  ordinal: number;
  groups: { group: ScanGroup; proficiency: number }[];
  capacity: number[];
  load: number[];
  sessionsToday: number;
  idleSince: number;
  available: boolean;
}

interface ScanSession {
  id: string;
  channel: number;
  group: ScanGroup;
  rank: number;
  seq: number;
  minProficiency: number;
  agent: ScanAgent | undefined;
}

interface ScanGroup {
  members: { agent: ScanAgent; proficiency: number }[];
  waiting: ScanSession[][]; // per channel, unsorted
}

export class ScanRouter {
  private readonly groups = new Map<string, ScanGroup>();
  private readonly agents = new Map<string, ScanAgent>();
  private readonly sessions = new Map<string, ScanSession>();
  private seq = 0;

  constructor(groups: GroupConfig[], agents: AgentConfig[], now: number) {
    for (const g of groups) this.groups.set(g.id, { members: [], waiting: [[], [], [], [], []] });
    agents.forEach((config, ordinal) => {
      const agent: ScanAgent = {
        ordinal,
        groups: [],
        capacity: [0, 0, 0, 0, 0],
        load: [0, 0, 0, 0, 0],
        sessionsToday: 0,
        idleSince: now,
        available: false,
      };
      for (const [ch, cap] of Object.entries(config.capacity)) agent.capacity[CHANNEL_INDEX[ch as Channel]] = cap ?? 0;
      for (const m of config.groups) {
        const group = this.groups.get(m.groupId)!;
        agent.groups.push({ group, proficiency: m.proficiency });
        group.members.push({ agent, proficiency: m.proficiency });
      }
      this.agents.set(config.id, agent);
    });
  }

  /** Ordinal of the agent a session was offered to. */
  agentOf(id: string): number | undefined {
    return this.sessions.get(id)?.agent?.ordinal;
  }

  /** Returns the ids of the sessions offered as a result of the change. */
  setAvailable(agentId: string, now: number): string[] {
    const agent = this.agents.get(agentId)!;
    agent.available = true;
    agent.idleSince = now;
    return this.release(agent);
  }

  enqueue(id: string, groupId: string, channel: Channel, now: number): boolean {
    const group = this.groups.get(groupId)!;
    const s: ScanSession = { id, channel: CHANNEL_INDEX[channel], group, rank: now, seq: this.seq++, minProficiency: 1, agent: undefined };
    this.sessions.set(id, s);
    let best: ScanAgent | undefined;
    for (const m of group.members) {
      const a = m.agent;
      if (!a.available || m.proficiency < s.minProficiency || a.load[s.channel]! >= a.capacity[s.channel]!) continue;
      if (
        !best ||
        a.sessionsToday < best.sessionsToday ||
        (a.sessionsToday === best.sessionsToday && (a.idleSince < best.idleSince || (a.idleSince === best.idleSince && a.ordinal < best.ordinal)))
      ) {
        best = a;
      }
    }
    if (best) {
      this.offer(s, best);
      return true;
    }
    group.waiting[s.channel]!.push(s);
    return false;
  }

  accept(_id: string): void {
    // Nothing changes in capacity: the slot was taken at the offer.
  }

  end(id: string, now: number): string[] {
    const s = this.sessions.get(id)!;
    const a = s.agent!;
    this.sessions.delete(id);
    a.load[s.channel]!--;
    a.idleSince = now;
    return this.release(a);
  }

  private release(a: ScanAgent): string[] {
    const offers: string[] = [];
    for (;;) {
      let best: ScanSession | undefined;
      let bestList: ScanSession[] | undefined;
      let bestIndex = -1;
      for (let c = 0; c < 5; c++) {
        if (!a.available || a.load[c]! >= a.capacity[c]!) continue;
        for (const m of a.groups) {
          const list = m.group.waiting[c]!;
          for (let i = 0; i < list.length; i++) {
            const s = list[i]!;
            if (s.minProficiency > m.proficiency) continue;
            if (!best || s.rank < best.rank || (s.rank === best.rank && s.seq < best.seq)) {
              best = s;
              bestList = list;
              bestIndex = i;
            }
          }
        }
      }
      if (!best) return offers;
      bestList![bestIndex] = bestList![bestList!.length - 1]!;
      bestList!.pop();
      this.offer(best, a);
      offers.push(best.id);
    }
  }

  private offer(s: ScanSession, a: ScanAgent): void {
    s.agent = a;
    a.load[s.channel]!++;
    a.sessionsToday++;
  }
}
