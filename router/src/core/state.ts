// The router's state and the one way it changes: applying events. Decisions emit events and
// apply them; replaying a log applies the same events, so both paths rebuild the same state.

import { IndexedHeap, type HeapNode } from './heap.js';
import { IdTable } from './id-table.js';
import { startOfNextLocalDay } from './hours.js';
import {
  AgentRuntime,
  AgentTable,
  CHANNEL_COUNT,
  GroupRuntime,
  HistoryKind,
  InteractionRuntime,
  LEVEL_SPAN,
  SessionTable,
  type WaitingQueue,
} from './runtime.js';
import { strategies, type Strategy } from './strategies/index.js';
import { type EventOf, type RouterOptions, type RoutingEvent } from './types.js';

/** Ended interactions' records kept for reuse; arrivals and departures balance out in steady state. */
const SPARE_RECORDS = 4096;

export enum DeadlineKind {
  OfferExpiry,
  WrapUpEnd,
  Overflow,
  Ring,
  MissCooldown,
  TargetEnd,
}

export interface Deadline extends HeapNode {
  at: number;
  kind: DeadlineKind;
  session: InteractionRuntime;
  /** The session's wait it belongs to; a timer of an earlier wait never comes back to life. */
  stint: number;
  /** The session's queue order, kept here: a dead deadline's record may live again with another. */
  rank: number;
  seq: number;
}

export class RouterState {
  readonly groups = new Map<string, GroupRuntime>();
  readonly groupList: GroupRuntime[] = [];
  /**
   * Each group's queueBits by group index, side by side: a release reads one small array to know
   * which of the agent's groups hold sessions, loading only those groups.
   */
  queueBits = new Int32Array(64);
  /**
   * Every group's waiting queues in one flat list: group index * QUEUES_PER_GROUP + the queue's
   * bit in queueBits. A release reaches a queue from the agent's membership code in one load,
   * not through the membership, its group and the group's per-channel arrays.
   */
  readonly queueTable: WaitingQueue[] = [];
  /** Each group's strategy by group index: a refresh scores an agent's groups without loading them. */
  readonly strategyOf: Strategy[] = [];
  readonly agents = new Map<string, AgentRuntime>();
  readonly interactions = new IdTable<InteractionRuntime>();
  /** Deadlines due together fire in queue order, so simultaneous timers never let a newer session jump an older one. */
  readonly deadlines = new IndexedHeap<Deadline>(deadlineLess);
  /** Integer slots of live sessions and of agents' heap entries, shared by all queues and heaps. */
  readonly agentSlots = new AgentTable();
  readonly sessionSlots = new SessionTable(this.groupList, this.agentSlots);
  /** Sessions that reached `ended` / `abandoned` since start (they leave the live map). */
  ended = 0;
  abandoned = 0;
  /**
   * While a decision runs, agents whose heap entries must follow a change wait here and are
   * refreshed once, before the next read of the agent heaps or when it ends: an agent released
   * and offered its next session in the same decision never leaves and re-enters its heaps.
   */
  private batching = false;
  private readonly dirty: (AgentRuntime | undefined)[] = [];
  private dirtyCount = 0;
  private readonly spareDeadlines: Deadline[] = [];
  /** Records of interactions that ended, for new arrivals to reuse. */
  private readonly spare: InteractionRuntime[] = [];
  /** The interaction the latest `interaction.queued` created. */
  lastQueued: InteractionRuntime | undefined;
  private seq = 0;
  private offerSeq = 0;
  private nextDayAt = -Infinity;
  private readonly escalation = new Map<string, GroupRuntime>();
  private readonly scratchKey = { k1: 0, k2: 0 };

  constructor(readonly options: RouterOptions) {}

  /**
   * Apply one event. A decision already holds the records the event names and may pass them
   * (`hs`: its interaction, `ha`: its agent, `hg`: its group) to spare the id lookups; a replay
   * passes none.
   */
  apply(e: RoutingEvent, hs?: InteractionRuntime, ha?: AgentRuntime, hg?: GroupRuntime): void {
    // The events of every lifecycle have their own entries, which decisions call directly: an
    // event's type read here sees every event shape and is a slow, megamorphic load.
    switch (e.type) {
      case 'interaction.queued':
        return this.applyQueued(e, hg);
      case 'interaction.offered':
        return this.applyOffered(e, hs, ha, hg);
      case 'interaction.accepted':
        return this.applyAccepted(e, hs);
      case 'interaction.ended':
        return this.applyEnded(e, hs);
    }
    if (e.at >= this.nextDayAt) this.rollDay(e.at);
    switch (e.type) {
      case 'group.configured':
        return this.applyGroup(e);
      case 'agent.configured':
        return this.applyAgent(e);
      case 'agent.state_changed':
      case 'agent.auto_paused': {
        const a = ha ?? this.agents.get(e.agentId)!;
        const state = e.type === 'agent.auto_paused' ? 'paused' : e.state;
        if (state === 'available' && a.presence !== 'available') {
          a.idleSince = e.at;
          a.misses = 0;
        }
        a.presence = state;
        a.reason = e.reason;
        a.presenceSince = e.at;
        return this.touchAgent(a);
      }
      case 'interaction.rejected':
      case 'interaction.expired':
      case 'interaction.revoked': {
        const s = hs ?? this.interactions.get(e.interactionId)!;
        const a = s.agent!;
        this.takeBackOffer(s, a);
        const kind = e.type === 'interaction.rejected' ? 'rejected' : e.type === 'interaction.expired' ? 'expired' : 'revoked';
        // A revoked offer (the agent paused) is no miss: it keeps nobody away from the session.
        if (kind !== 'revoked') {
          a.misses++;
          s.noteMiss({ agent: a, kind, until: e.at + this.options.missCooldownSeconds * 1000 });
        }
        s.note(e.at, HistoryKind.Missed, s.group, a);
        if (s.targetAgent === a) {
          // The agent it waited for did not take it: it goes to the whole group now.
          s.targetAgent = undefined;
          s.targetUntil = undefined;
        }
        this.requeue(s, e.at);
        // A new wait: (re)arm the cooldown timers not yet served, earlier misses' included.
        for (const m of s.misses) if (!m.cooledDown) this.addDeadline(m.until, DeadlineKind.MissCooldown, s);
        return this.touchAgent(a);
      }
      case 'interaction.wrapped_up':
        return this.finish(hs ?? this.interactions.get(e.interactionId)!, e.at);
      case 'interaction.abandoned': {
        const s = hs ?? this.interactions.get(e.interactionId)!;
        const stats = s.group.stats[s.ci]!;
        stats.waiting--;
        stats.abandoned++;
        if (s.state === 'offered') {
          const a = s.agent!;
          this.takeBackOffer(s, a);
          this.touchAgent(a);
        } else {
          this.unplace(s);
        }
        s.state = 'abandoned';
        this.sessionSlots.release(s.slot);
        this.interactions.delete(s.id);
        this.abandoned++;
        this.recycle(s);
        return;
      }
      case 'interaction.transferred':
        return this.applyTransferred(e, hs);
      case 'interaction.cooldown_ended': {
        // Recorded so the served cooldown timer is dead in a replayed state too, not only in
        // the live deadline heap that popped it.
        const s = hs ?? this.interactions.get(e.interactionId)!;
        s.misses = s.misses.map((m) => (m.agent.config.id === e.agentId ? { ...m, cooledDown: true as const } : m));
        return;
      }
      case 'interaction.overflowed': {
        const s = hs ?? this.interactions.get(e.interactionId)!;
        s.overflowed = true;
        s.note(e.at, HistoryKind.Overflowed, this.groups.get(e.toGroupId)!);
        this.unplace(s);
        return this.place(s);
      }
      case 'interaction.widened': {
        const s = hs ?? this.interactions.get(e.interactionId)!;
        this.unplace(s);
        if (e.untargeted) {
          s.targetAgent = undefined;
          s.targetUntil = undefined;
        }
        s.minProficiency = e.minProficiency;
        s.nextRingAt = undefined;
        this.scheduleWaiting(s, e.at);
        return this.place(s);
      }
      default: {
        const never: never = e;
        throw new Error(`unhandled event ${(never as RoutingEvent).type}`);
      }
    }
  }

  // ------------------------------------------------------------ configuration

  private applyGroup(e: EventOf<'group.configured'>): void {
    const config = e.group;
    let g = this.groups.get(config.id);
    if (!g) {
      g = new GroupRuntime(this.groupList.length, config, this.sessionSlots, this.agentSlots);
      this.groups.set(config.id, g);
      this.groupList.push(g);
      for (let c = 0; c < CHANNEL_COUNT; c++) for (let l = 0; l < LEVEL_SPAN; l++) this.queueTable.push(g.queues[c]![l]!);
      this.strategyOf.push(g.strategy);
      if (g.index >= this.queueBits.length) {
        const next = new Int32Array(this.queueBits.length * 2);
        next.set(this.queueBits);
        this.queueBits = next;
      }
    } else {
      // Its old (tema, categoria, level) no longer leads here; another group that took the key since keeps it.
      const old = g.config;
      const oldKey = escalationKey(old.tema, old.categoria, old.level);
      if (this.escalation.get(oldKey) === g) this.escalation.delete(oldKey);
      g.config = config;
      g.strategy = strategies[config.strategy];
      this.strategyOf[g.index] = g.strategy;
      g.hoursCache = undefined;
      this.rescoreGroup(g);
      if (old.overflow?.afterSeconds !== config.overflow?.afterSeconds) this.rearmOverflows(g, e.at);
    }
    this.escalation.set(escalationKey(config.tema, config.categoria, config.level), g);
  }

  private applyAgent(e: EventOf<'agent.configured'>): void {
    const config = e.agent;
    let a = this.agents.get(config.id);
    if (!a) {
      a = new AgentRuntime(this.agentSlots, this.agents.size, config, e.at);
      this.agents.set(config.id, a);
    }
    // Leave every heap under the old memberships, then rejoin under the new ones.
    const wasAvailable = a.presence;
    a.presence = 'offline';
    this.refreshAgent(a);
    a.presence = wasAvailable;
    for (const m of a.memberships) m.group.members.delete(a);
    a.config = config;
    a.setCapacity(config);
    a.setMemberships(config.groups.map((m) => ({ group: this.groups.get(m.groupId)!, proficiency: m.proficiency })));
    // Fresh slots: the old ones' entries are dead already (the agent left every heap above).
    a.slotBase = this.agentSlots.assign(a.ordinal, a, a.memberships.length * CHANNEL_COUNT);
    a.heaps = [];
    for (const m of a.memberships) for (let c = 0; c < CHANNEL_COUNT; c++) a.heaps.push(m.group.agents[c]![m.proficiency]!);
    for (const m of a.memberships) m.group.members.add(a);
    this.refreshAgent(a);
  }

  nextLevelOf(g: GroupRuntime): GroupRuntime | undefined {
    const explicit = g.config.escalationGroupId;
    if (explicit) return this.groups.get(explicit);
    const c = g.config;
    return c.level < 3 ? this.escalation.get(escalationKey(c.tema, c.categoria, c.level + 1)) : undefined;
  }

  // ------------------------------------------------------------ interactions

  applyAccepted(e: EventOf<'interaction.accepted'>, hs: InteractionRuntime | undefined): void {
    if (e.at >= this.nextDayAt) this.rollDay(e.at);
    const s = hs ?? this.interactions.get(e.interactionId)!;
    const a = s.agent!;
    a.offers.remove(s);
    a.sessions.add(s);
    a.misses = 0;
    s.state = 'active';
    s.acceptedAt = e.at;
    const stats = s.group.stats[s.ci]!;
    const waited = e.at - s.queuedAt;
    stats.waiting--;
    stats.answered++;
    stats.waitMsTotal += waited;
    if (waited <= s.group.config.slaSeconds * 1000) stats.answeredWithinSla++;
    s.note(e.at, HistoryKind.Accepted, s.group, a);
  }

  applyEnded(e: EventOf<'interaction.ended'>, hs: InteractionRuntime | undefined): void {
    if (e.at >= this.nextDayAt) this.rollDay(e.at);
    const s = hs ?? this.interactions.get(e.interactionId)!;
    const stats = s.group.stats[s.ci]!;
    stats.handled++;
    stats.handleMsTotal += e.at - (s.acceptedAt ?? e.at);
    if (e.wrapUpUntil !== undefined) {
      // Without wrap-up the session leaves the live map right away: nobody could read the entry.
      s.note(e.at, HistoryKind.Ended, s.group, s.agent);
      s.state = 'wrapup';
      s.wrapUpUntil = e.wrapUpUntil;
      this.addDeadline(e.wrapUpUntil, DeadlineKind.WrapUpEnd, s);
      return;
    }
    this.finish(s, e.at);
  }

  applyQueued(e: EventOf<'interaction.queued'>, hg: GroupRuntime | undefined): void {
    if (e.at >= this.nextDayAt) this.rollDay(e.at);
    const q = e.interaction;
    const g = hg ?? this.groups.get(q.groupId)!;
    const o = this.options;
    const rank = q.waitingSince - (q.legalPriority ? o.legalPriorityBonusSeconds * 1000 : 0) - q.priority * o.priorityStepSeconds * 1000;
    const seq = this.seq++;
    const recycled = this.spare.pop();
    const s = recycled
      ? recycled.init(q.id, q.channel, g, q.priority, q.legalPriority, q.waitingSince, q.minProficiency, rank, seq, e.at)
      : new InteractionRuntime(this.sessionSlots, q.id, q.channel, g, q.priority, q.legalPriority, q.waitingSince, q.minProficiency, rank, seq, e.at);
    s.targetAgent = q.targetAgentId !== undefined ? this.agents.get(q.targetAgentId) : undefined;
    s.targetUntil = s.targetAgent ? q.targetUntil : undefined;
    this.interactions.set(s.id, s);
    this.lastQueued = s;
    g.stats[s.ci]!.waiting++;
    this.enterGroup(s, e.at);
  }

  applyOffered(e: EventOf<'interaction.offered'>, hs: InteractionRuntime | undefined, ha: AgentRuntime | undefined, hg: GroupRuntime | undefined): void {
    if (e.at >= this.nextDayAt) this.rollDay(e.at);
    const s = hs ?? this.interactions.get(e.interactionId)!;
    const a = ha ?? this.agents.get(e.agentId)!;
    const via = hg ?? this.groups.get(e.groupId)!;
    this.unplace(s);
    s.state = 'offered';
    s.agent = a;
    s.servedVia = via;
    s.offeredAt = e.at;
    s.offerExpiresAt = e.expiresAt;
    a.offers.add(s);
    a.addLoad(s.ci, 1);
    a.sessionsToday++;
    a.noteOffer(via.index, this.offerSeq++);
    s.note(e.at, HistoryKind.Offered, via, a);
    this.addDeadline(e.expiresAt, DeadlineKind.OfferExpiry, s);
    this.touchAgent(a);
  }

  private applyTransferred(e: EventOf<'interaction.transferred'>, hs: InteractionRuntime | undefined): void {
    const s = hs ?? this.interactions.get(e.interactionId)!;
    const from = s.group;
    const a = s.agent;
    if (s.state === 'queued') {
      this.unplace(s);
    } else if (a && s.state === 'offered') {
      this.takeBackOffer(s, a);
      this.touchAgent(a);
    } else if (a) {
      this.releaseSlot(s, a, e.at);
      this.touchAgent(a);
    }
    if (s.state === 'queued' || s.state === 'offered') from.stats[s.ci]!.waiting--;
    s.agent = undefined;
    s.acceptedAt = undefined;
    s.state = 'queued';
    s.stint++;
    s.group = this.groups.get(e.toGroupId)!;
    s.group.stats[s.ci]!.waiting++;
    s.targetAgent = e.toAgentId !== undefined ? this.agents.get(e.toAgentId) : undefined;
    s.targetUntil = e.targetUntil;
    // A new group starts a new round: only the transferring agent is kept away for a while.
    s.misses = a ? [{ agent: a, kind: 'rejected', until: e.at + this.options.missCooldownSeconds * 1000 }] : [];
    s.note(e.at, HistoryKind.Transferred, s.group, s.targetAgent);
    for (const m of s.misses) this.addDeadline(m.until, DeadlineKind.MissCooldown, s);
    this.enterGroup(s, e.at);
  }

  /**
   * The group's overflow time changed (or appeared, or went): the sessions waiting in it that have
   * not overflowed take the new one, counted from when they entered its queue. Their timers start
   * a new stint (every earlier deadline of theirs dies for good, so liveness never comes back and a
   * replayed router holds exactly the live deadlines) and are armed again. Config changes are rare:
   * a pass over the live sessions is fine here.
   */
  private rearmOverflows(g: GroupRuntime, at: number): void {
    for (const s of this.interactions.values()) {
      if (s.group !== g || s.state !== 'queued' || s.targetAgent || s.overflowed) continue;
      s.stint++;
      for (const m of s.misses) if (!m.cooledDown) this.addDeadline(m.until, DeadlineKind.MissCooldown, s);
      this.scheduleWaiting(s, at);
    }
  }

  /** A session starts waiting in its current group: timers count from now. */
  private enterGroup(s: InteractionRuntime, at: number): void {
    s.queuedAt = at;
    s.overflowed = false;
    // Its overflow time is derived when its timers are armed (scheduleWaiting), from the group as it is then.
    s.overflowAt = undefined;
    s.nextRingAt = undefined;
    if (s.targetAgent && s.targetUntil !== undefined) this.addDeadline(s.targetUntil, DeadlineKind.TargetEnd, s);
    this.scheduleWaiting(s, at);
    this.place(s);
  }

  /** (Re)arm the timers a waiting session needs; a timer already past fires on the next tick. */
  private scheduleWaiting(s: InteractionRuntime, at: number): void {
    if (s.targetAgent) return; // overflow and rings start once the target wait is over
    if (!s.overflowed) {
      // From the group's overflow as it is now, counted from the entry in its queue.
      const overflow = s.group.config.overflow;
      s.overflowAt = overflow ? s.queuedAt + overflow.afterSeconds * 1000 : undefined;
      if (s.overflowAt !== undefined) this.addDeadline(Math.max(s.overflowAt, at), DeadlineKind.Overflow, s);
    }
    const ring = s.group.config.bullseye;
    if (ring && s.minProficiency > 1) {
      s.nextRingAt ??= at + ring.ringSeconds * 1000;
      this.addDeadline(Math.max(s.nextRingAt, at), DeadlineKind.Ring, s);
    } else {
      s.nextRingAt = undefined;
    }
  }

  private requeue(s: InteractionRuntime, at: number): void {
    s.state = 'queued';
    s.stint++;
    s.agent = undefined;
    s.servedVia = undefined;
    s.offerExpiresAt = undefined;
    if (s.targetAgent && s.targetUntil !== undefined) this.addDeadline(s.targetUntil, DeadlineKind.TargetEnd, s);
    this.scheduleWaiting(s, at);
    this.place(s);
  }

  private takeBackOffer(s: InteractionRuntime, a: AgentRuntime): void {
    a.offers.remove(s);
    a.addLoad(s.ci, -1);
    // A missed offer was not received: the equal strategy gives the count back.
    a.sessionsToday = Math.max(0, a.sessionsToday - 1);
    a.unnoteToday(s.servedVia!.index);
  }

  private releaseSlot(s: InteractionRuntime, a: AgentRuntime, at: number): void {
    a.sessions.remove(s);
    a.addLoad(s.ci, -1);
    a.idleSince = at;
  }

  private finish(s: InteractionRuntime, at: number): void {
    const a = s.agent!;
    this.releaseSlot(s, a, at);
    s.state = 'ended';
    this.sessionSlots.release(s.slot);
    this.interactions.delete(s.id);
    this.ended++;
    this.recycle(s);
    this.touchAgent(a);
  }

  /** An interaction left: keep its record for the next arrival (see InteractionRuntime). */
  private recycle(s: InteractionRuntime): void {
    if (this.spare.length < SPARE_RECORDS) this.spare.push(s);
  }

  // ------------------------------------------------------------ queues

  place(s: InteractionRuntime): void {
    const tag = this.sessionSlots.place(s.slot, s.misses.length > 0);
    if (s.targetAgent) {
      const target = s.targetAgent;
      const queue = target.personalQueue(s.ci, this.sessionSlots);
      queue.push(s.slot, s.rank, s.seq, tag);
      s.placedPersonal = queue;
      s.placedFor = target;
      target.personalWaiting++;
      return;
    }
    s.placedLevel = s.minProficiency;
    this.insertInGroup(s, s.group, tag);
    s.placedHome = s.group;
    if (s.overflowed) {
      const over = this.groups.get(s.group.config.overflow?.groupId ?? '');
      if (over && over !== s.group) {
        this.insertInGroup(s, over, tag);
        s.placedOverflow = over;
      }
    }
  }

  private insertInGroup(s: InteractionRuntime, g: GroupRuntime, tag: number): void {
    g.queues[s.ci]![s.minProficiency]!.push(s.slot, s.rank, s.seq, tag);
    g.queueBits |= 1 << (s.ci * LEVEL_SPAN + s.minProficiency);
    this.queueBits[g.index] = g.queueBits;
  }

  unplace(s: InteractionRuntime): void {
    this.sessionSlots.unplace(s.slot);
    if (s.placedPersonal) {
      s.placedPersonal.removed();
      s.placedPersonal = undefined;
      s.placedFor!.personalWaiting--;
      s.placedFor = undefined;
    }
    if (s.placedHome) {
      this.leaveGroup(s, s.placedHome);
      s.placedHome = undefined;
    }
    if (s.placedOverflow) {
      this.leaveGroup(s, s.placedOverflow);
      s.placedOverflow = undefined;
    }
  }

  private leaveGroup(s: InteractionRuntime, g: GroupRuntime): void {
    const queue = g.queues[s.ci]![s.placedLevel]!;
    queue.removed();
    if (queue.size === 0) {
      g.queueBits &= ~(1 << (s.ci * LEVEL_SPAN + s.placedLevel));
      this.queueBits[g.index] = g.queueBits;
    }
  }

  // ------------------------------------------------------------ agent heaps

  /** Start deferring agent refreshes (a decision begins). */
  beginBatch(): void {
    this.batching = true;
  }

  /** Refresh what waits and stop deferring (a decision ends). */
  endBatch(): void {
    this.flushAgents();
    this.batching = false;
  }

  /** The agent heaps are about to be read: bring every waiting agent up to date. */
  flushAgents(): void {
    const dirty = this.dirty;
    // Refreshing never dirties another agent, so the list cannot grow meanwhile.
    for (let i = 0; i < this.dirtyCount; i++) {
      const a = dirty[i]!;
      dirty[i] = undefined;
      a.dirty = false;
      this.refreshAgent(a);
    }
    this.dirtyCount = 0;
  }

  private touchAgent(a: AgentRuntime): void {
    if (!this.batching) return this.refreshAgent(a);
    if (a.dirty) return;
    a.dirty = true;
    this.dirty[this.dirtyCount++] = a;
  }

  /** Put the agent in (or take it out of) each channel's heaps per what it can take now, re-keyed. */
  refreshAgent(a: AgentRuntime): void {
    const key = this.scratchKey;
    // Groups by membership code (group index * 8 + proficiency) and strategies by group index:
    // a key that only grows is recorded without loading the membership, its group or its heap.
    const codes = a.memberCodes;
    const strategyOf = this.strategyOf;
    const groupList = this.groupList;
    const heaps = a.heaps;
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      const want = a.canTake(c);
      const bit = 1 << c;
      const has = (a.inHeapsMask & bit) !== 0;
      if (!want && !has) continue;
      for (let m = 0; m < codes.length; m++) {
        const code = codes[m]!;
        const groupIndex = code >> 3;
        const slot = m * CHANNEL_COUNT + c;
        if (!want) {
          const heap = heaps[slot]!;
          heap.remove(a.ordinal, slot);
          if (heap.size === 0) groupList[groupIndex]!.agentMask[c]! &= ~(1 << (code & 7));
          continue;
        }
        strategyOf[groupIndex]!.score(a, groupIndex, key);
        if (has) {
          // A key that grows is only recorded (see AgentHeap): the heap itself is not loaded.
          if (!this.agentSlots.grow(a.ordinal, slot, key.k1, key.k2)) heaps[slot]!.put(a.ordinal, slot, key.k1, key.k2, true);
        } else {
          heaps[slot]!.put(a.ordinal, slot, key.k1, key.k2, false);
          groupList[groupIndex]!.agentMask[c]! |= 1 << (code & 7);
        }
      }
      if (want) a.inHeapsMask |= bit;
      else a.inHeapsMask &= ~bit;
    }
  }

  private rescoreGroup(g: GroupRuntime): void {
    this.flushAgents();
    const key = this.scratchKey;
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      for (const heap of g.agents[c]!) {
        for (const { agent, slot } of heap.entries()) {
          g.strategy.score(agent, g.index, key);
          heap.put(agent.ordinal, slot, key.k1, key.k2, true);
        }
      }
    }
  }

  private rollDay(at: number): void {
    this.nextDayAt = startOfNextLocalDay(at, this.options.timeZone);
    for (const a of this.agents.values()) {
      a.resetToday();
    }
    for (const g of this.groupList) {
      g.resetStats();
      this.rescoreGroup(g);
    }
  }

  // ------------------------------------------------------------ deadlines

  addDeadline(at: number, kind: DeadlineKind, session: InteractionRuntime): void {
    // Every offer arms an expiry that its acceptance kills: dead deadlines are reused.
    const d = this.spareDeadlines.pop();
    if (!d) {
      this.deadlines.push({ at, kind, session, stint: session.stint, rank: session.rank, seq: session.seq, index: -1 });
      return;
    }
    d.at = at;
    d.kind = kind;
    d.session = session;
    d.stint = session.stint;
    d.rank = session.rank;
    d.seq = session.seq;
    this.deadlines.push(d);
  }

  /**
   * Whether a deadline still means something (ignoring whether it is due yet). Once dead a
   * deadline must stay dead: the live heap drops it, a replayed heap still holds it.
   */
  isLive(d: Deadline): boolean {
    const s = d.session;
    // Ended and abandoned sessions are exactly those that left the live map.
    if (s.state === 'ended' || s.state === 'abandoned' || d.stint !== s.stint) return false;
    switch (d.kind) {
      case DeadlineKind.OfferExpiry:
        return s.state === 'offered' && s.offerExpiresAt === d.at;
      case DeadlineKind.WrapUpEnd:
        return s.state === 'wrapup' && s.wrapUpUntil === d.at;
      case DeadlineKind.Overflow:
        // A change of the group's overflow starts a new stint (rearmOverflows): no group check here.
        return s.state === 'queued' && !s.targetAgent && !s.overflowed && s.overflowAt !== undefined && s.overflowAt <= d.at;
      case DeadlineKind.Ring:
        return s.state === 'queued' && !s.targetAgent && s.nextRingAt !== undefined && s.nextRingAt <= d.at && s.minProficiency > 1;
      case DeadlineKind.MissCooldown:
        return s.state === 'queued' && s.misses.some((m) => !m.cooledDown && m.until === d.at);
      case DeadlineKind.TargetEnd:
        return s.state === 'queued' && s.targetAgent !== undefined && s.targetUntil === d.at;
    }
  }

  nextDeadline(): number | undefined {
    for (let d = this.deadlines.peek(); d; d = this.deadlines.peek()) {
      if (this.isLive(d)) return d.at;
      this.deadlines.pop();
      if (this.spareDeadlines.length < SPARE_RECORDS) this.spareDeadlines.push(d);
    }
    return undefined;
  }
}

function deadlineLess(a: Deadline, b: Deadline): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.seq !== b.seq) return a.seq < b.seq;
  return a.kind < b.kind;
}

function escalationKey(tema: string, categoria: string, level: number): string {
  return `${tema}\u0000${categoria}\u0000${level}`;
}
