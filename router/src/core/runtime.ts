// Live runtime records of groups, agents and interactions, and the heaps that index them.
// An agent's state is which heaps it sits in; a waiting session's state is which queues hold it.

import { AgentHeap as LazyAgentHeap, SessionQueue, type AgentSlots, type SessionSlots } from './queues.js';
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

export type WaitingSlots = SessionSlots<InteractionRuntime>;
export type AgentSlotTable = AgentSlots<AgentRuntime>;

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
    sessionSlots: WaitingSlots,
    agentSlots: AgentSlotTable,
  ) {
    this.config = config;
    this.strategy = strategies[config.strategy];
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      const q: WaitingQueue[] = [];
      const a: AgentHeap[] = [];
      for (let l = 0; l <= LEVELS; l++) {
        q.push(new SessionQueue(sessionSlots));
        a.push(new LazyAgentHeap(agentSlots));
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

/**
 * Sessions an agent holds (its offers, or its sessions in hand) in the order they came. Its
 * storage never shrinks: an agent takes and drops sessions all day, and a plain array trims its
 * storage when emptied and allocates it again on the next push.
 */
export class HeldSessions {
  private readonly items: (InteractionRuntime | undefined)[] = [];
  size = 0;

  add(s: InteractionRuntime): void {
    this.items[this.size++] = s;
  }

  remove(s: InteractionRuntime): void {
    const items = this.items;
    const n = this.size;
    let i = 0;
    while (i < n && items[i] !== s) i++;
    if (i === n) return;
    for (; i < n - 1; i++) items[i] = items[i + 1];
    items[n - 1] = undefined;
    this.size = n - 1;
  }

  toArray(): InteractionRuntime[] {
    return this.items.slice(0, this.size) as InteractionRuntime[];
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
  readonly offers = new HeldSessions();
  readonly sessions = new HeldSessions();
  readonly todayByGroup = new Map<number, number>();
  private readonly lastOfferByGroup = new Map<number, number>();
  memberships: Membership[] = [];
  /**
   * Slot m * CHANNEL_COUNT + c is this agent's entry in memberships[m].group.agents[c][proficiency]:
   * that heap, by slot. The slot's version and keys live in the shared AgentSlots from `slotBase`.
   */
  heaps: AgentHeap[] = [];
  slotBase = 0;
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

  personalQueue(c: number, slots: WaitingSlots): WaitingQueue {
    let q = this.personal[c];
    if (!q) {
      q = new SessionQueue(slots);
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

/** Shared by every session nobody missed: miss lists are replaced, never changed in place. */
const NO_MISSES: readonly Miss[] = Object.freeze([]);

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
  misses: readonly Miss[] = NO_MISSES;
  /** Its slot in the shared SessionSlots (placement tag and record), while live. */
  slot = -1;
  /** Where it waits now: an agent's personal queue, or its group's (and the overflow group's). */
  placedPersonal: WaitingQueue | undefined;
  placedHome: GroupRuntime | undefined;
  placedOverflow: GroupRuntime | undefined;
  placedLevel = 0;
  /**
   * History, four slots an entry (at, kind, groupId, agentId) in one flat array: no object per
   * entry on the hot path; historyEntries() builds the objects for whoever reads them.
   */
  private readonly log: (number | string | undefined)[];
  private logLength = 4;

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
    // Room for the entries of a plain session (queued, offered, accepted) from the start.
    this.log = [at, 'queued', group.config.id, undefined, 0, '', '', undefined, 0, '', '', undefined];
  }

  note(at: number, kind: HistoryEntry['kind'], groupId: string, agentId?: string): void {
    const log = this.log;
    const i = this.logLength;
    this.logLength = i + 4;
    if (i < log.length) {
      log[i] = at;
      log[i + 1] = kind;
      log[i + 2] = groupId;
      log[i + 3] = agentId;
    } else {
      log.push(at, kind, groupId, agentId);
    }
  }

  historyEntries(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const log = this.log;
    for (let i = 0; i < this.logLength; i += 4) {
      const kind = log[i + 1] as HistoryEntry['kind'];
      const entry: HistoryEntry = { at: log[i] as number, kind, groupId: log[i + 2] as string };
      // Entered or overflowed: no agent. A transfer names its target agent, if any.
      if (kind !== 'queued' && kind !== 'overflowed') entry.agentId = log[i + 3] as string | undefined;
      out.push(entry);
    }
    return out;
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
