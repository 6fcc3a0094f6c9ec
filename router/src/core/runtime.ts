// Live runtime records of groups, agents and interactions, and the heaps that index them.
// An agent's state is which heaps it sits in; a waiting session's state is which queues hold it.

import { AgentHeap as LazyAgentHeap, SessionQueue } from './queues.js';
import { strategies, type AgentCounters, type Strategy } from './strategies/index.js';
import type { OpenState } from './hours.js';
import {
  CHANNELS,
  CHANNEL_INDEX,
  type AgentConfig,
  type Channel,
  type GroupConfig,
  type InteractionState,
  type Presence,
  type Proficiency,
} from './types.js';

export const CHANNEL_COUNT = CHANNELS.length;
export const VOICE_MASK = (1 << CHANNEL_INDEX.phone) | (1 << CHANNEL_INDEX.video);
export const TEXT_MASK = (1 << CHANNEL_INDEX.chat) | (1 << CHANNEL_INDEX.whatsapp);
export const LEVELS = 5; // proficiency 1..5

export type WaitingQueue = SessionQueue<InteractionRuntime>;
export type AgentHeap = LazyAgentHeap<AgentRuntime>;

/** Queue order: aged waiting time (rank), then arrival order. */
export function sessionBefore(x: InteractionRuntime, y: InteractionRuntime): boolean {
  return x.rank < y.rank || (x.rank === y.rank && x.seq < y.seq);
}

export const newAgentHeap = (): AgentHeap => new LazyAgentHeap<AgentRuntime>();
export const newSessionQueue = (): WaitingQueue => new SessionQueue<InteractionRuntime>();

export interface ChannelStats {
  /** Sessions of this group and channel waiting for an agent (queued or offered). */
  waiting: number;
  answered: number;
  answeredWithinSla: number;
  waitMsTotal: number;
  handled: number;
  handleMsTotal: number;
  abandoned: number;
}

const emptyStats = (): ChannelStats => ({
  waiting: 0,
  answered: 0,
  answeredWithinSla: 0,
  waitMsTotal: 0,
  handled: 0,
  handleMsTotal: 0,
  abandoned: 0,
});

export class GroupRuntime {
  config: GroupConfig;
  strategy: Strategy;
  /** queues[channel][minProficiency] — waiting sessions by required proficiency. */
  readonly queues: WaitingQueue[][] = [];
  /** Bit `level` set when queues[channel][level] is not empty. */
  readonly queueMask: number[] = new Array<number>(CHANNEL_COUNT).fill(0);
  /** agents[channel][proficiency] — agents who can take a new session on that channel now. */
  readonly agents: AgentHeap[][] = [];
  /** Bit `proficiency` set when agents[channel][proficiency] is not empty. */
  readonly agentMask: number[] = new Array<number>(CHANNEL_COUNT).fill(0);
  readonly members = new Set<AgentRuntime>();
  readonly stats: ChannelStats[] = [];
  hoursCache: { state: OpenState; from: number; until: number } | undefined;

  constructor(
    readonly index: number,
    config: GroupConfig,
  ) {
    this.config = config;
    this.strategy = strategies[config.strategy];
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      const q: WaitingQueue[] = [];
      const a: AgentHeap[] = [];
      for (let l = 0; l <= LEVELS; l++) {
        q.push(newSessionQueue());
        a.push(newAgentHeap());
      }
      this.queues.push(q);
      this.agents.push(a);
      this.stats.push(emptyStats());
    }
  }

  resetStats(): void {
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      const waiting = this.stats[c]!.waiting;
      this.stats[c] = { ...emptyStats(), waiting };
    }
  }
}

export interface Membership {
  group: GroupRuntime;
  proficiency: Proficiency;
}

export class AgentRuntime implements AgentCounters {
  config: AgentConfig;
  presence: Presence = 'offline';
  reason: string | undefined;
  presenceSince: number;
  readonly load: number[] = new Array<number>(CHANNEL_COUNT).fill(0);
  readonly capacity: number[] = new Array<number>(CHANNEL_COUNT).fill(0);
  totalLoad = 0;
  totalCapacity = 0;
  sessionsToday = 0;
  idleSince: number;
  misses = 0;
  /** Offers held, then active and wrap-up sessions (each holds one slot of its channel). */
  readonly offers = new Set<InteractionRuntime>();
  readonly sessions = new Set<InteractionRuntime>();
  readonly todayByGroup = new Map<number, number>();
  private readonly lastOfferByGroup = new Map<number, number>();
  memberships: Membership[] = [];
  /**
   * Per slot m * CHANNEL_COUNT + c (this agent in memberships[m].group.agents[c][proficiency]):
   * the version of its live heap entry (0: none) and the keys it was filed under.
   */
  slotVersions: number[] = [];
  slotK1: number[] = [];
  slotK2: number[] = [];
  versionSeq = 0;
  /** Bit c set when the agent sits in the agent heaps of channel c. */
  inHeapsMask = 0;
  /** Sessions transferred to or preferring this agent, per channel. */
  readonly personal: (WaitingQueue | undefined)[] = new Array<WaitingQueue | undefined>(CHANNEL_COUNT);

  constructor(
    readonly ordinal: number,
    config: AgentConfig,
    at: number,
  ) {
    this.config = config;
    this.presenceSince = at;
    this.idleSince = at;
  }

  lastOfferSeq(groupIndex: number): number {
    return this.lastOfferByGroup.get(groupIndex) ?? -1;
  }

  noteOffer(groupIndex: number, seq: number): void {
    this.lastOfferByGroup.set(groupIndex, seq);
  }

  setCapacity(config: AgentConfig): void {
    this.totalCapacity = 0;
    for (const ch of CHANNELS) {
      const cap = config.capacity[ch] ?? 0;
      this.capacity[CHANNEL_INDEX[ch]] = cap;
      this.totalCapacity += cap;
    }
  }

  /** Whether a new session on channel c may be offered to this agent now. */
  canTake(c: number): boolean {
    if (this.presence !== 'available' || this.load[c]! >= this.capacity[c]!) return false;
    if (this.config.voiceExcludesChat && (TEXT_MASK & (1 << c)) !== 0) {
      return this.load[CHANNEL_INDEX.phone]! + this.load[CHANNEL_INDEX.video]! === 0;
    }
    return true;
  }

  personalQueue(c: number): WaitingQueue {
    let q = this.personal[c];
    if (!q) {
      q = newSessionQueue();
      this.personal[c] = q;
    }
    return q;
  }
}

/** An agent's rejected or expired offer; `cooledDown` once its cooldown was served. */
export interface Miss {
  agent: AgentRuntime;
  kind: 'rejected' | 'expired';
  until: number;
  cooledDown?: true;
}

export interface HistoryEntry {
  at: number;
  kind: 'queued' | 'offered' | 'accepted' | 'missed' | 'transferred' | 'overflowed' | 'ended';
  groupId: string;
  agentId?: string;
}

export class InteractionRuntime {
  state: InteractionState = 'queued';
  readonly ci: number;
  agent: AgentRuntime | undefined;
  /** Group through which the current offer or session was given (home or overflow group). */
  servedVia: GroupRuntime | undefined;
  offeredAt: number | undefined;
  offerExpiresAt: number | undefined;
  acceptedAt: number | undefined;
  wrapUpUntil: number | undefined;
  /** When it entered its current group's queue (SLA, overflow and rings count from here). */
  queuedAt: number;
  overflowAt: number | undefined;
  overflowed = false;
  nextRingAt: number | undefined;
  /** Counts the times it went back to waiting (requeue, transfer); deadlines carry it. */
  stint = 0;
  targetAgent: AgentRuntime | undefined;
  targetUntil: number | undefined;
  /** The latest miss of each agent who missed it (a handful at most), kept for accept's answer. */
  misses: Miss[] = [];
  /** Version of the session's queue entries; bumped when it leaves the queues (kills them all). */
  placement = 1;
  /** Where it waits now: an agent's personal queue, or its group's (and the overflow group's). */
  placedPersonal: WaitingQueue | undefined;
  placedHome: GroupRuntime | undefined;
  placedOverflow: GroupRuntime | undefined;
  placedLevel = 0;
  readonly history: HistoryEntry[] = [];

  constructor(
    readonly id: string,
    readonly channel: Channel,
    public group: GroupRuntime,
    readonly priority: number,
    readonly legalPriority: boolean,
    readonly waitingSince: number,
    public minProficiency: Proficiency,
    /** Static order key: waiting time, aged forward by priority and legal priority. */
    readonly rank: number,
    readonly seq: number,
    at: number,
  ) {
    this.ci = CHANNEL_INDEX[channel];
    this.queuedAt = at;
  }

  /** Whether the agent is kept away from this session at `now` (it missed it recently). */
  excludes(agent: AgentRuntime, now: number): boolean {
    const miss = this.missBy(agent);
    return miss !== undefined && now < miss.until;
  }

  missBy(agent: AgentRuntime): Miss | undefined {
    for (const m of this.misses) if (m.agent === agent) return m;
    return undefined;
  }

  /** Records the agent's latest miss, replacing an earlier one of the same agent. */
  noteMiss(miss: Miss): void {
    this.misses = [...this.misses.filter((m) => m.agent !== miss.agent), miss];
  }
}
