// The routing core: commands and the current time in, events out. Every change of state is an
// event applied through RouterState, so a replayed log rebuilds exactly what decisions built.

import { RoutingError } from './errors.js';
import { openState, type OpenState } from './hours.js';
import { SLOT_SPAN, tagMissed } from './queues.js';
import { type AgentHeap, type AgentRuntime, type GroupRuntime, type InteractionRuntime, type WaitingQueue, LEVELS, CHANNEL_COUNT, QUEUES_PER_GROUP, queueBitsFor } from './runtime.js';
import { DeadlineKind, RouterState } from './state.js';
import { validateAgent, validateEnqueue, validateGroup } from './validate.js';
import {
  DEFAULT_OPTIONS,
  type Command,
  type EventOf,
  type Outcome,
  type Proficiency,
  type QueuedInteraction,
  type RouterOptions,
  type RoutingEvent,
} from './types.js';

type EventInput = RoutingEvent extends infer E ? (E extends RoutingEvent ? Omit<E, 'at'> : never) : never;

export class Router {
  readonly state: RouterState;
  readonly options: RouterOptions;
  /** Events of the current decision: out[0..outLength), the array reused between decisions. */
  private readonly out: RoutingEvent[] = [];
  private outLength = 0;
  private now = 0;
  /** bestAgentIn's heaps of one group and channel still in the race (one per proficiency at most). */
  private readonly candidateHeaps: (AgentHeap | undefined)[] = new Array<AgentHeap | undefined>(LEVELS + 1).fill(undefined);
  /**
   * The latest offers made, in a ring: an offer is usually answered soon after it is made, and the
   * answer then finds its session here instead of through the id table. Only a record that still
   * holds an offer under that id is taken (records are recycled; a live id names one session).
   */
  private readonly recentOffers: (InteractionRuntime | undefined)[] = new Array<InteractionRuntime | undefined>(RECENT_OFFERS).fill(undefined);
  private recentAt = 0;

  constructor(options: Partial<RouterOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.state = new RouterState(this.options);
  }

  /** Rebuild a router from an event log. */
  static replay(events: Iterable<RoutingEvent>, options: Partial<RouterOptions> = {}): Router {
    const router = new Router(options);
    for (const e of events) router.apply(e);
    return router;
  }

  apply(event: RoutingEvent): void {
    this.state.apply(event);
  }

  nextDeadline(): number | undefined {
    return this.state.nextDeadline();
  }

  decide(command: Command, now: number): Outcome {
    this.outLength = 0;
    this.now = now;
    let closed: Extract<Outcome, { ok: true }>['closed'];
    this.state.beginBatch();
    try {
      closed = this.execute(command);
    } catch (err) {
      if (!(err instanceof RoutingError)) throw err;
      // Handlers validate before their first event, so a typed error leaves state untouched.
      return { ok: false, error: err.toJSON(), events: [], nextDeadline: this.state.nextDeadline() };
    } finally {
      this.state.endBatch();
    }
    // Events gather in one reused array; the caller gets an exact-size copy.
    const out = this.out;
    const n = this.outLength;
    const events = n === 1 ? [out[0]!] : n === 2 ? [out[0]!, out[1]!] : out.slice(0, n);
    for (let i = 0; i < n; i++) out[i] = undefined as unknown as RoutingEvent;
    this.outLength = 0;
    const outcome: Outcome = { ok: true, events, nextDeadline: this.state.nextDeadline() };
    if (closed) outcome.closed = closed;
    return outcome;
  }

  /**
   * Stamp, apply and record an event. The runtime records it concerns may be passed along so
   * applying it skips the id lookups a replay needs; they must be the ones the event names.
   */
  private emit(event: EventInput, s?: InteractionRuntime, a?: AgentRuntime, via?: GroupRuntime): void {
    // Callers pass a fresh literal, so stamping it in place saves a copy per event.
    const e = event as RoutingEvent;
    e.at = this.now;
    this.state.apply(e, s, a, via);
    this.out[this.outLength++] = e;
  }

  /**
   * The events of every lifecycle (queued, offered, accepted, ended) skip emit: they are built
   * with their `at` (last, where a stamp would put it) and applied through their own entry of
   * RouterState, so no code reads the type or time of an event of unknown shape.
   */
  private record(e: RoutingEvent): void {
    this.out[this.outLength++] = e;
  }

  private execute(command: Command): Extract<Outcome, { ok: true }>['closed'] {
    switch (command.type) {
      case 'configureGroup': {
        validateGroup(command.group, this.state);
        this.emit({ type: 'group.configured', group: structuredClone(command.group) });
        return undefined;
      }
      case 'configureAgent': {
        validateAgent(command.agent, this.state);
        this.emit({ type: 'agent.configured', agent: structuredClone(command.agent) });
        this.releaseAgent(this.state.agents.get(command.agent.id)!);
        return undefined;
      }
      case 'setAgentState':
        this.setAgentState(command.agentId, command.state, command.reason);
        return undefined;
      case 'enqueue':
        return this.enqueue(command);
      case 'accept': {
        const s = this.heldOffer(command.interactionId, command.agentId);
        const e: EventOf<'interaction.accepted'> = { type: 'interaction.accepted', interactionId: s.id, agentId: s.agent!.id, at: this.now };
        this.state.applyAccepted(e, s);
        this.record(e);
        return undefined;
      }
      case 'reject': {
        const s = this.heldOffer(command.interactionId, command.agentId);
        this.miss(s, s.agent!, 'interaction.rejected');
        return undefined;
      }
      case 'end': {
        const s = this.session(command.interactionId);
        if (s.state !== 'active') throw new RoutingError('invalid_state', `interaction is ${s.state}, not active`, { state: s.state });
        const a = this.ownAgent(s, command.agentId);
        const wrap = s.group.config.wrapUpSeconds;
        if (wrap > 0) {
          const e: EventOf<'interaction.ended'> = { type: 'interaction.ended', interactionId: s.id, agentId: a.id, wrapUpUntil: this.now + wrap * 1000, at: this.now };
          this.state.applyEnded(e, s);
          this.record(e);
        } else {
          const e: EventOf<'interaction.ended'> = { type: 'interaction.ended', interactionId: s.id, agentId: a.id, at: this.now };
          this.state.applyEnded(e, s);
          this.record(e);
          this.releaseAgent(a);
        }
        return undefined;
      }
      case 'completeWrapUp': {
        const s = this.session(command.interactionId);
        if (s.state !== 'wrapup') throw new RoutingError('invalid_state', `interaction is ${s.state}, not in wrap-up`, { state: s.state });
        const a = this.ownAgent(s, command.agentId);
        this.emit({ type: 'interaction.wrapped_up', interactionId: s.id, agentId: a.id }, s, a);
        this.releaseAgent(a);
        return undefined;
      }
      case 'abandon': {
        const s = this.session(command.interactionId);
        if (s.state !== 'queued' && s.state !== 'offered') {
          throw new RoutingError('invalid_state', `only a waiting interaction can be abandoned; it is ${s.state}`, { state: s.state });
        }
        const a = s.agent;
        this.emit({ type: 'interaction.abandoned', interactionId: s.id }, s);
        if (a) this.releaseAgent(a);
        return undefined;
      }
      case 'transfer':
        this.transfer(command);
        return undefined;
      case 'tick':
        this.tick();
        return undefined;
      default: {
        const never: never = command;
        throw new RoutingError('invalid_command', `unknown command ${(never as Command).type}`);
      }
    }
  }

  // ------------------------------------------------------------ commands

  private enqueue(command: Extract<Command, { type: 'enqueue' }>): Extract<Outcome, { ok: true }>['closed'] {
    const spec = command.interaction;
    validateEnqueue(spec, this.state, this.now);
    const g = this.state.groups.get(spec.groupId)!;
    const hours = this.hoursOf(g);
    if (!hours.open) return { groupId: g.config.id, nextOpenAt: hours.nextOpenAt };
    const preferred = spec.preferredAgentId !== undefined ? this.state.agents.get(spec.preferredAgentId) : undefined;
    const minProficiency = (spec.minProficiency ?? 1) as Proficiency;
    const target =
      preferred && preferred.presence !== 'offline' && preferred.memberships.some((m) => m.group === g && m.proficiency >= minProficiency)
        ? preferred
        : undefined;
    const interaction: QueuedInteraction = {
      id: spec.id,
      channel: spec.channel,
      groupId: g.config.id,
      priority: spec.priority ?? 0,
      legalPriority: spec.legalPriority ?? false,
      waitingSince: spec.waitingSince ?? this.now,
      minProficiency,
    };
    if (target) {
      interaction.targetAgentId = target.id;
      interaction.targetUntil = this.now + this.options.targetWaitSeconds * 1000;
    }
    const e: EventOf<'interaction.queued'> = { type: 'interaction.queued', interaction, at: this.now };
    this.state.applyQueued(e, g);
    this.record(e);
    this.matchSession(this.state.lastQueued!);
    return undefined;
  }

  private setAgentState(agentId: string, state: 'available' | 'paused' | 'offline', reason: string | undefined): void {
    const a = this.agent(agentId);
    if (state !== 'available' && state !== 'paused' && state !== 'offline') {
      throw new RoutingError('invalid_command', `unknown agent state ${String(state)}`);
    }
    // Nothing changes (an available agent has no reason to change): no event.
    if (a.presence === state && (state === 'available' || a.reason === reason)) return;
    if (state === 'available') {
      this.emit({ type: 'agent.state_changed', agentId, state }, undefined, a);
      this.releaseAgent(a);
      return;
    }
    const revoked = this.revokeOffers(a, state === 'paused' ? 'agent_paused' : 'agent_offline');
    this.emit({ type: 'agent.state_changed', agentId, state, ...(reason !== undefined ? { reason } : {}) }, undefined, a);
    for (const s of inQueueOrder(revoked)) this.matchSession(s);
  }

  private revokeOffers(a: AgentRuntime, reason: 'agent_paused' | 'agent_offline'): InteractionRuntime[] {
    const revoked = a.offers.toArray();
    for (const s of revoked) this.emit({ type: 'interaction.revoked', interactionId: s.id, agentId: a.id, reason }, s, a);
    return revoked;
  }

  /** A rejected or expired offer: back to the head of its queue; too many in a row pause the agent. */
  private miss(s: InteractionRuntime, a: AgentRuntime, type: 'interaction.rejected' | 'interaction.expired'): void {
    this.emit({ type, interactionId: s.id, agentId: a.id } as EventInput, s, a);
    const back = [s];
    if (a.misses >= this.options.maxConsecutiveMisses && a.presence === 'available') {
      back.push(...this.revokeOffers(a, 'agent_paused'));
      this.emit({ type: 'agent.auto_paused', agentId: a.id, reason: this.options.autoPauseReason, misses: a.misses }, undefined, a);
    }
    for (const session of inQueueOrder(back)) this.matchSession(session);
    this.releaseAgent(a);
  }

  private transfer(command: Extract<Command, { type: 'transfer' }>): void {
    const s = this.session(command.interactionId);
    if (s.state === 'wrapup') throw new RoutingError('invalid_state', 'interaction is in wrap-up', { state: s.state });
    const from = s.agent;
    if (command.byAgentId !== undefined && from && from.id !== command.byAgentId) {
      throw new RoutingError('not_your_session', 'the interaction belongs to another agent');
    }
    let toGroup = s.group;
    let toAgent: AgentRuntime | undefined;
    const to = command.to;
    if (to.kind === 'agent') {
      toAgent = this.agent(to.agentId);
      if (toAgent === from) throw new RoutingError('invalid_command', 'cannot transfer to the same agent');
      if (toAgent.presence === 'offline') throw new RoutingError('agent_unavailable', 'the target agent is offline', { agentId: to.agentId });
    } else if (to.kind === 'group') {
      toGroup = this.group(to.groupId);
    } else if (to.kind === 'nextLevel') {
      const next = this.state.nextLevelOf(s.group);
      if (!next) throw new RoutingError('no_next_level', `no level above N${s.group.config.level} for this group`);
      toGroup = next;
    } else {
      throw new RoutingError('invalid_command', 'unknown transfer target');
    }
    if (toGroup !== s.group) {
      const hours = this.hoursOf(toGroup);
      if (!hours.open) {
        throw new RoutingError('group_closed', 'the target group is outside business hours', { nextOpenAt: hours.nextOpenAt });
      }
    }
    this.emit({
      type: 'interaction.transferred',
      interactionId: s.id,
      ...(from ? { fromAgentId: from.id } : {}),
      fromGroupId: s.group.config.id,
      toGroupId: toGroup.config.id,
      ...(toAgent ? { toAgentId: toAgent.id, targetUntil: this.now + this.options.targetWaitSeconds * 1000 } : {}),
    }, s);
    this.matchSession(s);
    if (from) this.releaseAgent(from);
  }

  private tick(): void {
    const deadlines = this.state.deadlines;
    for (let d = deadlines.peek(); d && d.at <= this.now; d = deadlines.peek()) {
      deadlines.pop();
      if (!this.state.isLive(d)) continue;
      const s = d.session;
      switch (d.kind) {
        case DeadlineKind.OfferExpiry:
          this.miss(s, s.agent!, 'interaction.expired');
          break;
        case DeadlineKind.WrapUpEnd: {
          const a = s.agent!;
          this.emit({ type: 'interaction.wrapped_up', interactionId: s.id, agentId: a.id }, s, a);
          this.releaseAgent(a);
          break;
        }
        case DeadlineKind.Overflow:
          this.emit({ type: 'interaction.overflowed', interactionId: s.id, toGroupId: s.group.config.overflow!.groupId }, s);
          this.matchSession(s);
          break;
        case DeadlineKind.Ring:
          this.emit({ type: 'interaction.widened', interactionId: s.id, minProficiency: (s.minProficiency - 1) as Proficiency, untargeted: false }, s);
          this.matchSession(s);
          break;
        case DeadlineKind.MissCooldown:
          this.emit({ type: 'interaction.cooldown_ended', interactionId: s.id, agentId: s.misses.find((m) => !m.cooledDown && m.until === d.at)!.agent.config.id }, s);
          this.matchSession(s);
          break;
        case DeadlineKind.TargetEnd:
          this.emit({ type: 'interaction.widened', interactionId: s.id, minProficiency: s.minProficiency, untargeted: true }, s);
          this.matchSession(s);
          break;
      }
    }
  }

  // ------------------------------------------------------------ matching

  /** A session became eligible for more agents: offer it to the best free one, if any. */
  private matchSession(s: InteractionRuntime): void {
    if (s.state !== 'queued') return;
    const target = s.targetAgent;
    if (target) {
      if (target.canTake(s.ci) && !s.excludes(target, this.now)) this.offer(s, target, s.group);
      return;
    }
    let via = s.group;
    let agent = this.bestAgentIn(s.group, s);
    // The group may have been reconfigured without overflow since the session overflowed.
    const overflowGroupId = s.group.config.overflow?.groupId;
    if (!agent && s.overflowed && overflowGroupId !== undefined) {
      const over = this.state.groups.get(overflowGroupId);
      if (over) {
        agent = this.bestAgentIn(over, s);
        via = over;
      }
    }
    if (agent) this.offer(s, agent, via);
  }

  private bestAgentIn(g: GroupRuntime, s: InteractionRuntime): AgentRuntime | undefined {
    this.state.flushAgents();
    const mask = g.agentMask[s.ci]!;
    if (mask === 0) return undefined;
    const byLevel = g.agents[s.ci]!;
    const now = this.now;
    const missed = s.misses.length > 0;
    if (!missed) {
      // Best-first over the heaps: a heap's live top key is a lower bound of its agents' current
      // keys (keys grow lazily), so the lowest top that is current is the best of all heaps; only
      // the heaps whose stale tops stand in the way are refiled.
      const heaps = this.candidateHeaps;
      let n = 0;
      for (let p = s.minProficiency; p <= LEVELS; p++) {
        if ((mask & (1 << p)) === 0) continue;
        const heap = byLevel[p]!;
        if (heap.liveTopIndex() >= 0) heaps[n++] = heap;
      }
      for (;;) {
        let best = -1;
        let t1 = 0;
        let t2 = 0;
        let t3 = 0;
        for (let j = 0; j < n; j++) {
          const heap = heaps[j]!;
          const k1 = heap.k1At(0);
          const k2 = heap.k2At(0);
          const k3 = heap.k3At(0);
          if (best < 0 || k1 < t1 || (k1 === t1 && (k2 < t2 || (k2 === t2 && k3 < t3)))) {
            best = j;
            t1 = k1;
            t2 = k2;
            t3 = k3;
          }
        }
        if (best < 0) return undefined;
        const top = heaps[best]!;
        if (top.topIsCurrent()) {
          for (let j = 0; j < n; j++) heaps[j] = undefined;
          return this.state.agentSlots.byOrdinal[Math.floor(t3 / SLOT_SPAN)];
        }
        top.refileTop();
        // Its new top may be a dead entry: drop those; a heap left empty leaves the race.
        if (top.liveTopIndex() < 0) {
          heaps[best] = heaps[n - 1];
          heaps[--n] = undefined;
        }
      }
    }
    // Heaps of one group share its strategy, so their keys compare directly: all from the
    // heaps' own arrays, without loading an agent until the winner is known.
    let bestHeap: AgentHeap | undefined;
    let bestK1 = 0;
    let bestK2 = 0;
    let bestK3 = 0;
    for (let p = s.minProficiency; p <= LEVELS; p++) {
      if ((mask & (1 << p)) === 0) continue;
      const heap = byLevel[p]!;
      const i = heap.topIndex();
      if (i < 0) continue;
      let k1 = heap.k1At(i);
      let k2 = heap.k2At(i);
      let k3 = heap.k3At(i);
      // Rare (a recent miss): only then pay for a filtered search.
      if (missed && s.excludes(heap.agentAt(i), now)) {
        const found = heap.findFirst((agent) => !s.excludes(agent, now));
        if (!found) continue;
        ({ k1, k2, k3 } = found);
      }
      if (!bestHeap || k1 < bestK1 || (k1 === bestK1 && (k2 < bestK2 || (k2 === bestK2 && k3 < bestK3)))) {
        bestHeap = heap;
        bestK1 = k1;
        bestK2 = k2;
        bestK3 = k3;
      }
    }
    return bestHeap ? this.state.agentSlots.byOrdinal[Math.floor(bestK3 / SLOT_SPAN)] : undefined;
  }

  /** An agent has room: give it the best waiting sessions across its groups and channels. */
  private releaseAgent(a: AgentRuntime): void {
    const now = this.now;
    while (a.presence === 'available') {
      // The best (rank, seq) so far and where it sits; read from the queues' own arrays.
      let bestQueue: WaitingQueue | undefined;
      let bestIndex = -1;
      let bestRank = 0;
      let bestSeq = 0;
      /** Index of the group the best session is offered through; -1: its own (a personal queue). */
      let bestVia = -1;
      // Channels with room, then one word per group says which of their queues hold sessions.
      let take = 0;
      for (let c = 0; c < CHANNEL_COUNT; c++) if (a.canTake(c)) take |= 1 << c;
      if (take === 0) return;
      if (a.personalWaiting > 0) {
        for (let c = 0; c < CHANNEL_COUNT; c++) {
          if ((take & (1 << c)) === 0) continue;
          const personal = a.personal[c];
          if (!personal || personal.size === 0) continue;
          const i = personal.topIndex();
          const rank = personal.k1At(i);
          const seq = personal.k2At(i);
          if (!bestQueue || rank < bestRank || (rank === bestRank && seq < bestSeq)) {
            bestQueue = personal;
            bestIndex = i;
            bestRank = rank;
            bestSeq = seq;
            bestVia = -1; // the session's own group
          }
        }
      }
      const codes = a.memberCodes;
      const groupBits = this.state.queueBits;
      const queueTable = this.state.queueTable;
      for (let m = 0; m < codes.length; m++) {
        const code = codes[m]!;
        const groupIndex = code >> 3;
        let bits = groupBits[groupIndex]! & queueBitsFor(take, code & 7);
        if (bits === 0) continue;
        const first = groupIndex * QUEUES_PER_GROUP;
        while (bits !== 0) {
          const bit = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const queue = queueTable[first + bit]!;
          let i = queue.topIndex();
          if (i < 0) continue;
          // Rare (a recent miss): only then load the session and pay for a filtered search.
          if (tagMissed(queue.tagAt(i)) && queue.sessionAt(i).excludes(a, now)) {
            i = queue.findFirst((x) => !x.excludes(a, now));
            if (i < 0) continue;
          }
          const rank = queue.k1At(i);
          const seq = queue.k2At(i);
          if (!bestQueue || rank < bestRank || (rank === bestRank && seq < bestSeq)) {
            bestQueue = queue;
            bestIndex = i;
            bestRank = rank;
            bestSeq = seq;
            bestVia = groupIndex;
          }
        }
      }
      if (!bestQueue) return;
      const best = bestQueue.sessionAt(bestIndex);
      this.offer(best, a, bestVia < 0 ? best.group : this.state.groupList[bestVia]!);
    }
  }

  private offer(s: InteractionRuntime, a: AgentRuntime, via: GroupRuntime): void {
    const e: EventOf<'interaction.offered'> = {
      type: 'interaction.offered',
      interactionId: s.id,
      agentId: a.id,
      groupId: via.config.id,
      expiresAt: this.now + this.options.offerTimeoutSeconds * 1000,
      at: this.now,
    };
    this.state.applyOffered(e, s, a, via);
    this.record(e);
    this.recentOffers[this.recentAt] = s;
    this.recentAt = (this.recentAt + 1) & (RECENT_OFFERS - 1);
  }

  // ------------------------------------------------------------ lookups

  hoursOf(g: GroupRuntime): OpenState {
    const hours = g.config.hours;
    if (!hours) return ALWAYS_OPEN;
    const cache = g.hoursCache;
    const now = this.now;
    if (cache && now >= cache.from && now < cache.until) return cache.state;
    const state = openState(hours, now);
    const until = (state.open ? state.until : state.nextOpenAt) ?? Infinity;
    g.hoursCache = { state, from: now, until };
    return state;
  }

  /** The session the agent holds an offer for (its `agent` is that agent). */
  private heldOffer(interactionId: string, agentId: string): InteractionRuntime {
    const s = this.recentOffer(interactionId) ?? this.session(interactionId);
    // The offer's holder answers without a second lookup; anyone else is looked up for the error.
    if (s.state === 'offered' && s.agent!.id === agentId) {
      if (this.now >= s.offerExpiresAt!) throw new RoutingError('offer_expired', 'the offer has expired', { expiresAt: s.offerExpiresAt });
      return s;
    }
    const a = this.agent(agentId);
    if (s.missBy(a)?.kind === 'expired') throw new RoutingError('offer_expired', 'the offer has expired');
    throw new RoutingError('no_offer', 'this agent holds no offer for the interaction', { state: s.state });
  }

  /** The live session holding an offer under this id, if it is among the latest offers made. */
  private recentOffer(interactionId: string): InteractionRuntime | undefined {
    const recent = this.recentOffers;
    for (let k = 0; k < RECENT_OFFERS; k++) {
      const s = recent[k];
      if (s !== undefined && s.state === 'offered' && s.id === interactionId) return s;
    }
    return undefined;
  }

  private ownAgent(s: InteractionRuntime, agentId: string | undefined): AgentRuntime {
    const a = s.agent!;
    if (agentId !== undefined && a.id !== agentId) {
      if (!this.state.agents.has(agentId)) throw new RoutingError('unknown_agent', `unknown agent ${agentId}`);
      throw new RoutingError('not_your_session', 'the interaction belongs to another agent');
    }
    return a;
  }

  private session(id: string): InteractionRuntime {
    const s = this.state.interactions.get(id);
    if (!s) throw new RoutingError('unknown_interaction', `unknown or finished interaction ${id}`, { interactionId: id });
    return s;
  }

  private agent(id: string): AgentRuntime {
    const a = this.state.agents.get(id);
    if (!a) throw new RoutingError('unknown_agent', `unknown agent ${id}`, { agentId: id });
    return a;
  }

  private group(id: string): GroupRuntime {
    const g = this.state.groups.get(id);
    if (!g) throw new RoutingError('unknown_group', `unknown group ${id}`, { groupId: id });
    return g;
  }
}

/** Offers remembered for their answers (a power of two). */
const RECENT_OFFERS = 4;

const ALWAYS_OPEN: OpenState = Object.freeze({ open: true, until: undefined });

/** Sessions handed back together compete for the same free agents: the one ahead in the queue goes first. */
function inQueueOrder(sessions: InteractionRuntime[]): InteractionRuntime[] {
  return sessions.sort((x, y) => x.rank - y.rank || x.seq - y.seq);
}
