// Read-only views of the router's state: interactions, agents, queue figures, fairness,
// and a canonical snapshot used to prove that replaying the event log rebuilds the same state.

import type { AgentRuntime, InteractionRuntime, GroupRuntime, HistoryEntry } from './runtime.js';
import { CHANNEL_COUNT, sessionBefore } from './runtime.js';
import type { RouterState } from './state.js';
import { CHANNELS, type Channel, type InteractionState, type Presence } from './types.js';

export interface InteractionView {
  id: string;
  channel: Channel;
  groupId: string;
  state: InteractionState;
  agentId?: string;
  priority: number;
  legalPriority: boolean;
  waitingSince: number;
  queuedAt: number;
  minProficiency: number;
  offeredAt?: number;
  offerExpiresAt?: number;
  acceptedAt?: number;
  wrapUpUntil?: number;
  overflowed: boolean;
  targetAgentId?: string;
  history: HistoryEntry[];
}

export function interactionView(s: InteractionRuntime): InteractionView {
  const v: InteractionView = {
    id: s.id,
    channel: s.channel,
    groupId: s.group.config.id,
    state: s.state,
    priority: s.priority,
    legalPriority: s.legalPriority,
    waitingSince: s.waitingSince,
    queuedAt: s.queuedAt,
    minProficiency: s.minProficiency,
    overflowed: s.overflowed,
    history: s.historyEntries(),
  };
  if (s.agent) v.agentId = s.agent.config.id;
  if (s.offeredAt !== undefined) v.offeredAt = s.offeredAt;
  if (s.state === 'offered') v.offerExpiresAt = s.offerExpiresAt!;
  if (s.acceptedAt !== undefined) v.acceptedAt = s.acceptedAt;
  if (s.state === 'wrapup') v.wrapUpUntil = s.wrapUpUntil!;
  if (s.targetAgent) v.targetAgentId = s.targetAgent.config.id;
  return v;
}

export interface AgentView {
  id: string;
  name: string;
  presence: Presence;
  reason?: string;
  presenceSince: number;
  load: Record<Channel, number>;
  capacity: Record<Channel, number>;
  sessionsToday: number;
  idleSince: number;
  misses: number;
  offers: string[];
  sessions: string[];
  groups: { groupId: string; proficiency: number; sessionsToday: number }[];
}

const perChannel = (values: number[]): Record<Channel, number> =>
  Object.fromEntries(CHANNELS.map((ch, c) => [ch, values[c]!])) as Record<Channel, number>;

export function agentView(a: AgentRuntime): AgentView {
  const v: AgentView = {
    id: a.config.id,
    name: a.config.name,
    presence: a.presence,
    presenceSince: a.presenceSince,
    load: perChannel(a.load),
    capacity: perChannel(a.capacity),
    sessionsToday: a.sessionsToday,
    idleSince: a.idleSince,
    misses: a.misses,
    offers: a.offers.toArray().map((s) => s.id).sort(),
    sessions: a.sessions.toArray().map((s) => s.id).sort(),
    groups: a.memberships.map((m) => ({
      groupId: m.group.config.id,
      proficiency: m.proficiency,
      sessionsToday: m.today,
    })),
  };
  if (a.reason !== undefined) v.reason = a.reason;
  return v;
}

export interface QueueFigures {
  groupId: string;
  channel: Channel;
  waiting: number;
  longestWaitSeconds: number;
  slaPercent: number | null;
  answered: number;
  answeredWithinSla: number;
  abandoned: number;
  handled: number;
  /** TME: mean waiting time of answered sessions today, seconds. */
  averageWaitSeconds: number | null;
  /** TMA: mean handling time of ended sessions today, seconds. */
  averageHandleSeconds: number | null;
  agents: { available: number; busy: number; paused: number; offline: number };
}

/** Figures per group and channel where the group has agents with capacity or any traffic. */
export function queueFigures(state: RouterState, now: number, groupIds?: Set<string>): QueueFigures[] {
  const longest = longestWaits(state);
  const result: QueueFigures[] = [];
  for (const g of state.groupList) {
    if (groupIds && !groupIds.has(g.config.id)) continue;
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      const st = g.stats[c]!;
      const agents = { available: 0, busy: 0, paused: 0, offline: 0 };
      for (const a of g.members) {
        if (a.capacityOf(c) === 0) continue;
        if (a.presence === 'offline') agents.offline++;
        else if (a.presence === 'paused') agents.paused++;
        else if (a.loadOf(c) > 0) agents.busy++;
        else agents.available++;
      }
      const staffed = agents.available + agents.busy + agents.paused + agents.offline > 0;
      if (!staffed && st.waiting === 0 && st.answered === 0 && st.abandoned === 0) continue;
      const oldest = longest.get(g)?.[c];
      const closedOut = st.answered + st.abandoned;
      result.push({
        groupId: g.config.id,
        channel: CHANNELS[c]!,
        waiting: st.waiting,
        longestWaitSeconds: oldest === undefined ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)),
        slaPercent: closedOut === 0 ? null : Math.round((1000 * st.answeredWithinSla) / closedOut) / 10,
        answered: st.answered,
        answeredWithinSla: st.answeredWithinSla,
        abandoned: st.abandoned,
        handled: st.handled,
        averageWaitSeconds: st.answered === 0 ? null : st.waitMsTotal / st.answered / 1000,
        averageHandleSeconds: st.handled === 0 ? null : st.handleMsTotal / st.handled / 1000,
        agents,
      });
    }
  }
  return result;
}

/** Oldest queuedAt among waiting sessions per group and channel (a board read, not a decision). */
function longestWaits(state: RouterState): Map<GroupRuntime, number[]> {
  const out = new Map<GroupRuntime, number[]>();
  for (const s of state.interactions.unordered()) {
    if (s.state !== 'queued' && s.state !== 'offered') continue;
    let row = out.get(s.group);
    if (!row) {
      row = new Array<number>(CHANNEL_COUNT).fill(Infinity);
      out.set(s.group, row);
    }
    if (s.queuedAt < row[s.ci]!) row[s.ci] = s.queuedAt;
  }
  for (const row of out.values()) row.forEach((v, c) => (row[c] = v === Infinity ? (undefined as unknown as number) : v));
  return out;
}

export interface Fairness {
  groupId: string;
  sessionsPerAgent: Record<string, number>;
  max: number;
  min: number;
  spread: number;
  gini: number;
}

/** Gini coefficient of non-negative counts: 0 is perfectly equal, near 1 is one agent taking all. */
export function gini(values: number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  let weighted = 0;
  sorted.forEach((v, i) => {
    sum += v;
    weighted += (i + 1) * v;
  });
  return sum === 0 ? 0 : (2 * weighted) / (n * sum) - (n + 1) / n;
}

export function fairness(state: RouterState, groupId: string): Fairness | undefined {
  const g = state.groups.get(groupId);
  if (!g) return undefined;
  const sessionsPerAgent: Record<string, number> = {};
  const counts: number[] = [];
  for (const a of g.members) {
    const n = a.todayIn(g.index);
    sessionsPerAgent[a.config.id] = n;
    counts.push(n);
  }
  const max = counts.length ? Math.max(...counts) : 0;
  const min = counts.length ? Math.min(...counts) : 0;
  return { groupId, sessionsPerAgent, max, min, spread: max - min, gini: gini(counts) };
}

/** A canonical, order-independent description of the whole state. */
export function snapshot(state: RouterState): unknown {
  const queues: Record<string, string[]> = {};
  for (const g of state.groupList) {
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      g.queues[c]!.forEach((heap, level) => {
        if (heap.size === 0) return;
        queues[`${g.config.id}/${CHANNELS[c]}/${level}`] = heap.sessions().sort((x, y) => (sessionBefore(x, y) ? -1 : 1)).map((x) => x.id);
      });
      g.agents[c]!.forEach((heap, level) => {
        if (heap.size === 0) return;
        queues[`agents:${g.config.id}/${CHANNELS[c]}/${level}`] = heap.entries().map((e) => e.agent.config.id).sort();
      });
    }
  }
  const interactions = [...state.interactions.values()]
    .map((s) => ({ ...interactionView(s), misses: s.misses.map((m) => ({ ...m, agent: m.agent.config.id })), overflowAt: s.overflowAt, nextRingAt: s.nextRingAt, targetUntil: s.targetUntil }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const agents = [...state.agents.values()].map(agentView).sort((a, b) => (a.id < b.id ? -1 : 1));
  const groups = state.groupList.map((g) => ({ config: g.config, stats: g.stats }));
  return structuredClone({ groups, agents, interactions, queues, ended: state.ended, abandoned: state.abandoned, nextDeadline: state.nextDeadline() });
}
