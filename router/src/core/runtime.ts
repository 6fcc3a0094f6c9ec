// Live runtime records of groups, agents and interactions, and the heaps that index them.
// An agent's state is which heaps it sits in; a waiting session's state is which queues hold it.

import { AgentHeap as LazyAgentHeap, AgentSlots, SessionQueue, SessionSlots } from './queues.js';
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
/** Bits per channel in a group's queueBits: bit c * LEVEL_SPAN + level. */
export const LEVEL_SPAN = LEVELS + 1;
/** Queues of one group (every channel and level): the stride of RouterState.queueTable. */
export const QUEUES_PER_GROUP = CHANNEL_COUNT * LEVEL_SPAN;

/** queueBits of the queues an agent of this proficiency may serve on the channels in `take`. */
const QUEUE_BITS_FOR: Int32Array = (() => {
  const table = new Int32Array((1 << CHANNELS.length) * (LEVELS + 1));
  for (let take = 0; take < 1 << CHANNELS.length; take++) {
    for (let p = 0; p <= LEVELS; p++) {
      const levels = (2 << p) - 2; // bits 1..p
      let bits = 0;
      for (let c = 0; c < CHANNELS.length; c++) if ((take & (1 << c)) !== 0) bits |= levels << (c * LEVEL_SPAN);
      table[take * (LEVELS + 1) + p] = bits;
    }
  }
  return table;
})();

export function queueBitsFor(take: number, proficiency: number): number {
  return QUEUE_BITS_FOR[take * (LEVELS + 1) + proficiency]!;
}

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
  /** Bit channel * LEVEL_SPAN + level set when queues[channel][level] is not empty. */
  queueBits = 0;
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
 * Sessions an agent holds (its offers, or its sessions in hand) in the order they came. The
 * first four sit in the holder's own fields, so taking one out reads one object, not a holder
 * and then its array; the rest (agents with larger capacities) in a list that never shrinks.
 */
export class HeldSessions {
  private s0: InteractionRuntime | undefined;
  private s1: InteractionRuntime | undefined;
  private s2: InteractionRuntime | undefined;
  private s3: InteractionRuntime | undefined;
  private rest: (InteractionRuntime | undefined)[] | undefined;
  size = 0;

  private at(i: number): InteractionRuntime | undefined {
    switch (i) {
      case 0:
        return this.s0;
      case 1:
        return this.s1;
      case 2:
        return this.s2;
      case 3:
        return this.s3;
      default:
        return this.rest![i - 4];
    }
  }

  private put(i: number, s: InteractionRuntime | undefined): void {
    switch (i) {
      case 0:
        this.s0 = s;
        return;
      case 1:
        this.s1 = s;
        return;
      case 2:
        this.s2 = s;
        return;
      case 3:
        this.s3 = s;
        return;
      default:
        (this.rest ??= [])[i - 4] = s;
    }
  }

  add(s: InteractionRuntime): void {
    this.put(this.size++, s);
  }

  remove(s: InteractionRuntime): void {
    const n = this.size;
    let i = 0;
    while (i < n && this.at(i) !== s) i++;
    if (i === n) return;
    for (; i < n - 1; i++) this.put(i, this.at(i + 1));
    this.put(n - 1, undefined);
    this.size = n - 1;
  }

  toArray(): InteractionRuntime[] {
    const out: InteractionRuntime[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i)!);
    return out;
  }
}

export interface Membership {
  group: GroupRuntime;
  /** group.index, read by every offer's count without loading the group. */
  groupIndex: number;
  proficiency: Proficiency;
  /** Sessions offered through this group today (kept when accepted, given back when missed). */
  today: number;
  /** Global offer sequence of the latest offer through this group, -1 if none (round-robin). */
  lastOffer: number;
}

/** An agent's counters, A_STRIDE numbers to an ordinal in AgentTable.counters. */
const A_STRIDE = 16;
const A_LOAD = 0; // + channel
const A_CAPACITY = 5; // + channel
const A_TOTAL_LOAD = 10;
const A_TOTAL_CAPACITY = 11;
const A_TODAY = 12;
const A_IDLE_SINCE = 13;
const A_FLAGS = 14;
const F_AVAILABLE = 1;
const F_VOICE_EXCLUDES_CHAT = 2;
const PHONE = CHANNEL_INDEX.phone;
const VIDEO = CHANNEL_INDEX.video;

/**
 * The agents' heap slots (see AgentSlots) and their counters — load and capacity per channel,
 * totals, sessions today, idle since, availability — side by side in one Float64Array, one
 * stride to an agent: what every offer, release and eligibility check reads is two cache lines,
 * not a trail of small arrays and boxed numbers.
 */
export class AgentTable extends AgentSlots<AgentRuntime> {
  counters: Float64Array = new Float64Array(A_STRIDE * 256);

  /** Make room for the agent of this ordinal. */
  register(ordinal: number): void {
    if ((ordinal + 1) * A_STRIDE <= this.counters.length) return;
    let size = this.counters.length;
    while (size < (ordinal + 1) * A_STRIDE) size *= 2;
    const next = new Float64Array(size);
    next.set(this.counters);
    this.counters = next;
  }
}

export class AgentRuntime implements AgentCounters {
  config: AgentConfig;
  /** config.id, read on every offer: kept here, a cache line away from none. */
  readonly id: string;
  private presenceState: Presence = 'offline';
  reason: string | undefined;
  presenceSince: number;
  misses = 0;
  /** Offers held, then active and wrap-up sessions (each holds one slot of its channel). */
  readonly offers = new HeldSessions();
  readonly sessions = new HeldSessions();
  memberships: Membership[] = [];
  /** Per membership, group index * 8 + proficiency: what a release reads before loading any group. */
  memberCodes: Int32Array = new Int32Array(0);
  /** Today's and latest offers through groups the agent is not a member of (targeted sessions). */
  private otherToday: Map<number, number> | undefined;
  private otherLastOffer: Map<number, number> | undefined;
  /**
   * Slot m * CHANNEL_COUNT + c is this agent's entry in memberships[m].group.agents[c][proficiency]:
   * that heap, by slot. The slot's version and keys live in the shared AgentSlots from `slotBase`.
   */
  heaps: AgentHeap[] = [];
  slotBase = 0;
  /** Bit c set when the agent sits in the agent heaps of channel c. */
  inHeapsMask = 0;
  /** Waiting for its heap entries to be refreshed (RouterState batches a decision's changes). */
  dirty = false;
  /** Sessions transferred to or preferring this agent, per channel, and how many wait there. */
  readonly personal: (WaitingQueue | undefined)[] = new Array<WaitingQueue | undefined>(CHANNEL_COUNT);
  personalWaiting = 0;
  private readonly row: number;

  constructor(
    private readonly table: AgentTable,
    readonly ordinal: number,
    config: AgentConfig,
    at: number,
  ) {
    this.config = config;
    this.id = config.id;
    this.presenceSince = at;
    table.register(ordinal);
    this.row = ordinal * A_STRIDE;
    table.counters.fill(0, this.row, this.row + A_STRIDE);
    this.idleSince = at;
  }

  get presence(): Presence {
    return this.presenceState;
  }

  set presence(state: Presence) {
    this.presenceState = state;
    const t = this.table.counters;
    const flags = t[this.row + A_FLAGS]!;
    t[this.row + A_FLAGS] = state === 'available' ? flags | F_AVAILABLE : flags & ~F_AVAILABLE;
  }

  get sessionsToday(): number {
    return this.table.counters[this.row + A_TODAY]!;
  }

  set sessionsToday(n: number) {
    this.table.counters[this.row + A_TODAY] = n;
  }

  /** When the agent last became free: available, or a slot released. */
  get idleSince(): number {
    return this.table.counters[this.row + A_IDLE_SINCE]!;
  }

  set idleSince(at: number) {
    this.table.counters[this.row + A_IDLE_SINCE] = at;
  }

  get totalLoad(): number {
    return this.table.counters[this.row + A_TOTAL_LOAD]!;
  }

  get totalCapacity(): number {
    return this.table.counters[this.row + A_TOTAL_CAPACITY]!;
  }

  loadOf(c: number): number {
    return this.table.counters[this.row + A_LOAD + c]!;
  }

  capacityOf(c: number): number {
    return this.table.counters[this.row + A_CAPACITY + c]!;
  }

  /** Load per channel (a copy). */
  get load(): number[] {
    return Array.from(this.table.counters.subarray(this.row + A_LOAD, this.row + A_LOAD + CHANNEL_COUNT));
  }

  /** Capacity per channel (a copy). */
  get capacity(): number[] {
    return Array.from(this.table.counters.subarray(this.row + A_CAPACITY, this.row + A_CAPACITY + CHANNEL_COUNT));
  }

  /** A slot of channel c taken (+1) or freed (-1). */
  addLoad(c: number, delta: number): void {
    const t = this.table.counters;
    t[this.row + A_LOAD + c] += delta;
    t[this.row + A_TOTAL_LOAD] += delta;
  }

  setCapacity(config: AgentConfig): void {
    const t = this.table.counters;
    const flags = t[this.row + A_FLAGS]!;
    t[this.row + A_FLAGS] = config.voiceExcludesChat === true ? flags | F_VOICE_EXCLUDES_CHAT : flags & ~F_VOICE_EXCLUDES_CHAT;
    let total = 0;
    for (const ch of CHANNELS) {
      const cap = config.capacity[ch] ?? 0;
      t[this.row + A_CAPACITY + CHANNEL_INDEX[ch]] = cap;
      total += cap;
    }
    t[this.row + A_TOTAL_CAPACITY] = total;
  }

  /** Whether a new session on channel c may be offered to this agent now. */
  canTake(c: number): boolean {
    const t = this.table.counters;
    const row = this.row;
    const flags = t[row + A_FLAGS]!;
    if ((flags & F_AVAILABLE) === 0 || t[row + A_LOAD + c]! >= t[row + A_CAPACITY + c]!) return false;
    if ((flags & F_VOICE_EXCLUDES_CHAT) !== 0 && (TEXT_MASK & (1 << c)) !== 0) {
      return t[row + A_LOAD + PHONE]! + t[row + A_LOAD + VIDEO]! === 0;
    }
    return true;
  }

  private membershipIn(groupIndex: number): Membership | undefined {
    // Found by code (group index * 8 + proficiency): only the matching membership is loaded.
    const codes = this.memberCodes;
    for (let m = 0; m < codes.length; m++) if (codes[m]! >> 3 === groupIndex) return this.memberships[m];
    return undefined;
  }

  /** Sessions offered to the agent through the group today. */
  todayIn(groupIndex: number): number {
    return this.membershipIn(groupIndex)?.today ?? this.otherToday?.get(groupIndex) ?? 0;
  }

  /** An offer through the group: counted for today and remembered for round-robin. */
  noteOffer(groupIndex: number, seq: number): void {
    const m = this.membershipIn(groupIndex);
    if (m) {
      m.today++;
      m.lastOffer = seq;
      return;
    }
    this.otherToday ??= new Map();
    this.otherToday.set(groupIndex, (this.otherToday.get(groupIndex) ?? 0) + 1);
    this.otherLastOffer ??= new Map();
    this.otherLastOffer.set(groupIndex, seq);
  }

  /** A missed offer was not received: today's count through the group is given back. */
  unnoteToday(groupIndex: number): void {
    const m = this.membershipIn(groupIndex);
    if (m) {
      if (m.today > 0) m.today--;
      return;
    }
    const n = this.otherToday?.get(groupIndex) ?? 0;
    if (n > 0) this.otherToday!.set(groupIndex, n - 1);
  }

  lastOfferSeq(groupIndex: number): number {
    return this.membershipIn(groupIndex)?.lastOffer ?? this.otherLastOffer?.get(groupIndex) ?? -1;
  }

  /** A new day: nothing offered today through any group. */
  resetToday(): void {
    this.sessionsToday = 0;
    for (const m of this.memberships) m.today = 0;
    this.otherToday?.clear();
  }

  /** New memberships, carrying each group's counts over (from a membership or the side maps). */
  setMemberships(memberships: { group: GroupRuntime; proficiency: Proficiency }[]): void {
    const today = new Map<number, number>(this.otherToday);
    const last = new Map<number, number>(this.otherLastOffer);
    for (const m of this.memberships) {
      today.set(m.group.index, m.today);
      last.set(m.group.index, m.lastOffer);
    }
    this.memberships = memberships.map(({ group, proficiency }) => {
      const m: Membership = { group, groupIndex: group.index, proficiency, today: today.get(group.index) ?? 0, lastOffer: last.get(group.index) ?? -1 };
      today.delete(group.index);
      last.delete(group.index);
      return m;
    });
    this.memberCodes = Int32Array.from(this.memberships, (m) => m.groupIndex * 8 + m.proficiency);
    this.otherToday = today.size > 0 ? today : undefined;
    this.otherLastOffer = last.size > 0 ? last : undefined;
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

const HISTORY_KINDS: readonly HistoryEntry['kind'][] = ['queued', 'offered', 'accepted', 'missed', 'transferred', 'overflowed', 'ended'];
export enum HistoryKind {
  Queued,
  Offered,
  Accepted,
  Missed,
  Transferred,
  Overflowed,
  Ended,
}

/** Numbers of each live session, NUMS to a slot (see SessionTable): times, then history. */
const NUMS = 24;
const N_RANK = 0;
const N_QUEUED_AT = 1;
const N_OFFERED_AT = 2;
const N_OFFER_EXPIRES_AT = 3;
const N_ACCEPTED_AT = 4;
const N_WAITING_SINCE = 5;
const N_WRAP_UP_UNTIL = 6;
const N_OVERFLOW_AT = 7;
const N_NEXT_RING_AT = 8;
const N_TARGET_UNTIL = 9;
/** The first history entries (four numbers each) sit in the slot; later ones in the record. */
const N_LOG = 12;
const LOG_IN_SLOT = NUMS - N_LOG;

/**
 * The slots of live sessions (see SessionSlots) with their numbers — times and the queue rank —
 * side by side in one Float64Array, NUMS to a slot, an absent time as NaN. A number held in an
 * object field is a separate heap box (a double does not fit a tagged field), and a box stored in
 * a long-lived session outlives the young generation: every session would leave a handful of them
 * to each collection and to the cache.
 */
export class SessionTable extends SessionSlots<InteractionRuntime> {
  nums: Float64Array = new Float64Array(NUMS * 1024);

  constructor(
    /** For history entries, which name groups by index and agents by ordinal. */
    readonly groupList: readonly GroupRuntime[],
    readonly agentSlots: AgentSlotTable,
  ) {
    super();
  }

  override acquire(value: InteractionRuntime): number {
    const slot = super.acquire(value);
    if ((slot + 1) * NUMS > this.nums.length) {
      const next = new Float64Array(this.nums.length * 2);
      next.set(this.nums);
      this.nums = next;
    }
    return slot;
  }
}

const orUndefined = (v: number): number | undefined => (v === v ? v : undefined);

/**
 * A live interaction. The records are recycled (RouterState keeps the ones that ended and
 * `init` gives them to new arrivals): a session lives long enough to be copied by every young
 * collection it meets, so a fresh record per arrival is most of what the collector does. Its
 * times live in its slot of the SessionTable. Nothing may use a record after its interaction
 * ended: deadlines tell by `stint`, which keeps counting across lives, and queue entries by the
 * slot tag.
 */
export class InteractionRuntime {
  state: InteractionState = 'queued';
  ci = 0;
  agent: AgentRuntime | undefined;
  /** Group through which the current offer or session was given (home or overflow group). */
  servedVia: GroupRuntime | undefined;
  overflowed = false;
  /** Counts the times it went back to waiting (requeue, transfer); deadlines carry it. */
  stint = 0;
  targetAgent: AgentRuntime | undefined;
  /** The latest miss of each agent who missed it (a handful at most), kept for accept's answer. */
  misses: readonly Miss[] = NO_MISSES;
  /** Its slot in the SessionTable (placement tag, record and numbers), while live. */
  slot = -1;
  /** Where it waits now: an agent's personal queue, or its group's (and the overflow group's). */
  placedPersonal: WaitingQueue | undefined;
  /** The agent whose personal queue holds it. */
  placedFor: AgentRuntime | undefined;
  placedHome: GroupRuntime | undefined;
  placedOverflow: GroupRuntime | undefined;
  placedLevel = 0;
  id = '';
  channel: Channel = 'chat';
  group: GroupRuntime;
  priority = 0;
  legalPriority = false;
  minProficiency: Proficiency = 1;
  seq = 0;
  /**
   * History, four numbers an entry (at, kind, group index, agent ordinal + 1 or 0): the first
   * three (a plain session's whole history) in its slot, the rest here; historyEntries() builds
   * the objects for whoever reads them.
   */
  private moreLog: Float64Array | undefined;
  private logLength = 0;

  constructor(
    private readonly table: SessionTable,
    id: string,
    channel: Channel,
    group: GroupRuntime,
    priority: number,
    legalPriority: boolean,
    waitingSince: number,
    minProficiency: Proficiency,
    rank: number,
    seq: number,
    at: number,
  ) {
    this.group = group;
    this.init(id, channel, group, priority, legalPriority, waitingSince, minProficiency, rank, seq, at);
  }

  /** Start a life: every field as a new record has it, but `stint`, which moves on. */
  init(
    id: string,
    channel: Channel,
    group: GroupRuntime,
    priority: number,
    legalPriority: boolean,
    waitingSince: number,
    minProficiency: Proficiency,
    rank: number,
    seq: number,
    at: number,
  ): this {
    this.state = 'queued';
    this.ci = CHANNEL_INDEX[channel];
    this.agent = undefined;
    this.servedVia = undefined;
    this.overflowed = false;
    this.stint++;
    this.targetAgent = undefined;
    this.misses = NO_MISSES;
    this.placedPersonal = undefined;
    this.placedFor = undefined;
    this.placedHome = undefined;
    this.placedOverflow = undefined;
    this.placedLevel = 0;
    this.id = id;
    this.channel = channel;
    this.group = group;
    this.priority = priority;
    this.legalPriority = legalPriority;
    this.minProficiency = minProficiency;
    this.seq = seq;
    const slot = this.table.acquire(this);
    this.slot = slot;
    const nums = this.table.nums;
    const base = slot * NUMS;
    nums[base + N_RANK] = rank;
    nums[base + N_QUEUED_AT] = at;
    nums[base + N_OFFERED_AT] = NaN;
    nums[base + N_OFFER_EXPIRES_AT] = NaN;
    nums[base + N_ACCEPTED_AT] = NaN;
    nums[base + N_WAITING_SINCE] = waitingSince;
    nums[base + N_WRAP_UP_UNTIL] = NaN;
    nums[base + N_OVERFLOW_AT] = NaN;
    nums[base + N_NEXT_RING_AT] = NaN;
    nums[base + N_TARGET_UNTIL] = NaN;
    this.logLength = 0;
    this.note(at, HistoryKind.Queued, group);
    return this;
  }

  /** Static order key: waiting time, aged forward by priority and legal priority. */
  get rank(): number {
    return this.table.nums[this.slot * NUMS + N_RANK]!;
  }

  get waitingSince(): number {
    return this.table.nums[this.slot * NUMS + N_WAITING_SINCE]!;
  }

  /** When it entered its current group's queue (SLA, overflow and rings count from here). */
  get queuedAt(): number {
    return this.table.nums[this.slot * NUMS + N_QUEUED_AT]!;
  }

  set queuedAt(v: number) {
    this.table.nums[this.slot * NUMS + N_QUEUED_AT] = v;
  }

  get offeredAt(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_OFFERED_AT]!);
  }

  set offeredAt(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_OFFERED_AT] = v ?? NaN;
  }

  get offerExpiresAt(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_OFFER_EXPIRES_AT]!);
  }

  set offerExpiresAt(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_OFFER_EXPIRES_AT] = v ?? NaN;
  }

  get acceptedAt(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_ACCEPTED_AT]!);
  }

  set acceptedAt(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_ACCEPTED_AT] = v ?? NaN;
  }

  get wrapUpUntil(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_WRAP_UP_UNTIL]!);
  }

  set wrapUpUntil(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_WRAP_UP_UNTIL] = v ?? NaN;
  }

  get overflowAt(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_OVERFLOW_AT]!);
  }

  set overflowAt(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_OVERFLOW_AT] = v ?? NaN;
  }

  get nextRingAt(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_NEXT_RING_AT]!);
  }

  set nextRingAt(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_NEXT_RING_AT] = v ?? NaN;
  }

  get targetUntil(): number | undefined {
    return orUndefined(this.table.nums[this.slot * NUMS + N_TARGET_UNTIL]!);
  }

  set targetUntil(v: number | undefined) {
    this.table.nums[this.slot * NUMS + N_TARGET_UNTIL] = v ?? NaN;
  }

  note(at: number, kind: HistoryKind, group: GroupRuntime, agent?: AgentRuntime): void {
    const i = this.logLength;
    this.logLength = i + 4;
    let log: Float64Array;
    let at0: number;
    if (i < LOG_IN_SLOT) {
      log = this.table.nums;
      at0 = this.slot * NUMS + N_LOG + i;
    } else {
      at0 = i - LOG_IN_SLOT;
      log = this.moreLog ?? (this.moreLog = new Float64Array(16));
      if (at0 + 4 > log.length) {
        const next = new Float64Array(log.length * 2);
        next.set(log);
        this.moreLog = log = next;
      }
    }
    log[at0] = at;
    log[at0 + 1] = kind;
    log[at0 + 2] = group.index;
    log[at0 + 3] = agent ? agent.ordinal + 1 : 0;
  }

  historyEntries(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = 0; i < this.logLength; i += 4) {
      const log = i < LOG_IN_SLOT ? this.table.nums : this.moreLog!;
      const j = i < LOG_IN_SLOT ? this.slot * NUMS + N_LOG + i : i - LOG_IN_SLOT;
      const kind = HISTORY_KINDS[log[j + 1]!]!;
      const entry: HistoryEntry = { at: log[j]!, kind, groupId: this.table.groupList[log[j + 2]!]!.config.id };
      // Entered or overflowed: no agent. A transfer names its target agent, if any.
      if (kind !== 'queued' && kind !== 'overflowed') {
        const ordinal = log[j + 3]!;
        entry.agentId = ordinal > 0 ? this.table.agentSlots.byOrdinal[ordinal - 1]!.config.id : undefined;
      }
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
