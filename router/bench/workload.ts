// A seeded agency-scale workload shared by the core benchmark and its baselines: groups with
// Zipf popularity (a tax deadline piles work on a few themes), agents in 1–5 groups, 5 channels.

import { CHANNELS, type AgentConfig, type Channel, type GroupConfig, type Proficiency } from '../src/core/index.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workload {
  groups: GroupConfig[];
  agents: AgentConfig[];
  /** Where the next citizen arrives: a (group, channel) pair that agents serve. */
  arrival: () => { groupId: string; channel: Channel };
}

export function buildWorkload(options: { groups: number; agents: number; seed: number }): Workload {
  const random = rng(options.seed);
  const weights = Array.from({ length: options.groups }, (_, i) => 1 / (i + 1));
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const zipfGroup = (): number => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const groups: GroupConfig[] = Array.from({ length: options.groups }, (_, i) => ({
    id: `g${i}`,
    name: `Grupo ${i}`,
    tema: `tema${i % 50}`,
    categoria: `cat${Math.floor(i / 50)}`,
    level: ((i % 3) + 1) as 1 | 2 | 3,
    slaSeconds: 120,
    strategy: 'equal',
    wrapUpSeconds: 0,
  }));
  const capacityByChannel: Record<Channel, number> = { chat: 3, whatsapp: 3, phone: 1, video: 1, presencial: 1 };
  const agents: AgentConfig[] = Array.from({ length: options.agents }, (_, i) => {
    const count = 1 + Math.floor(random() * 5);
    const memberships = new Map<number, Proficiency>();
    while (memberships.size < count) memberships.set(zipfGroup(), (1 + Math.floor(random() * 5)) as Proficiency);
    const channels = new Set<Channel>();
    const channelCount = 1 + Math.floor(random() * 3);
    while (channels.size < channelCount) channels.add(CHANNELS[Math.floor(random() * CHANNELS.length)]!);
    return {
      id: `a${i}`,
      name: `Agente ${i}`,
      groups: [...memberships].map(([g, proficiency]) => ({ groupId: `g${g}`, proficiency })),
      capacity: Object.fromEntries([...channels].map((ch) => [ch, capacityByChannel[ch]])),
    };
  });
  // Demand follows staffing (what an agency plans for): pick a random agent's group and channel,
  // so every staffed queue keeps a backlog and popular groups hold most of it. Each agent's
  // channels are listed once here, not per arrival: the generator is not what is measured.
  const channelsOf = agents.map((a) => Object.keys(a.capacity) as Channel[]);
  const arrival = (): { groupId: string; channel: Channel } => {
    const i = Math.floor(random() * agents.length);
    const a = agents[i]!;
    const m = a.groups[Math.floor(random() * a.groups.length)]!;
    const channels = channelsOf[i]!;
    return { groupId: m.groupId, channel: channels[Math.floor(random() * channels.length)]! };
  };
  return { groups, agents, arrival };
}
