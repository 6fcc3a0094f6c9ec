// An independent shadow of the router built only from its events, and the invariants the
// property tests check against it after every command.

import { CHANNELS, CHANNEL_INDEX, type AgentConfig, type Channel, type GroupConfig, type Router, type RoutingEvent } from '../../src/core/index.js';

interface ShadowSession {
  id: string;
  channel: Channel;
  groupId: string;
  state: string;
  agentId?: string;
  minProficiency: number;
  targetAgentId?: string;
  overflowed: boolean;
}

export class Shadow {
  readonly groups = new Map<string, GroupConfig>();
  readonly agents = new Map<string, AgentConfig>();
  readonly presence = new Map<string, string>();
  readonly load = new Map<string, number[]>();
  readonly sessions = new Map<string, ShadowSession>();
  readonly violations: string[] = [];

  /** Checks each event as it is applied: an offer must go to an eligible agent with room. */
  consume(events: RoutingEvent[]): void {
    for (const e of events) this.apply(e);
  }

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(message);
  }

  private apply(e: RoutingEvent): void {
    switch (e.type) {
      case 'group.configured':
        this.groups.set(e.group.id, e.group);
        return;
      case 'agent.configured':
        this.agents.set(e.agent.id, e.agent);
        if (!this.presence.has(e.agent.id)) this.presence.set(e.agent.id, 'offline');
        if (!this.load.has(e.agent.id)) this.load.set(e.agent.id, [0, 0, 0, 0, 0]);
        return;
      case 'agent.state_changed':
        this.presence.set(e.agentId, e.state);
        return;
      case 'agent.auto_paused':
        this.presence.set(e.agentId, 'paused');
        return;
      case 'interaction.queued': {
        const q = e.interaction;
        if (this.sessions.has(q.id)) this.fail(`${q.id} queued twice`);
        this.sessions.set(q.id, {
          id: q.id,
          channel: q.channel,
          groupId: q.groupId,
          state: 'queued',
          minProficiency: q.minProficiency,
          ...(q.targetAgentId ? { targetAgentId: q.targetAgentId } : {}),
          overflowed: false,
        });
        return;
      }
      case 'interaction.offered': {
        const s = this.sessions.get(e.interactionId)!;
        const a = this.agents.get(e.agentId)!;
        const load = this.load.get(e.agentId)!;
        const c = CHANNEL_INDEX[s.channel];
        if (s.state !== 'queued') this.fail(`${s.id} offered while ${s.state}`);
        if (this.presence.get(a.id) !== 'available') this.fail(`${s.id} offered to ${a.id} who is ${this.presence.get(a.id)}`);
        if (load[c]! + 1 > (a.capacity[s.channel] ?? 0)) this.fail(`${s.id} offered to ${a.id} above ${s.channel} capacity`);
        if (a.voiceExcludesChat && c <= 1 && load[2]! + load[3]! > 0) this.fail(`${s.id} chat offered to ${a.id} on a voice session`);
        if (s.targetAgentId) {
          if (s.targetAgentId !== a.id) this.fail(`${s.id} targeted at ${s.targetAgentId} offered to ${a.id}`);
        } else {
          const home = this.groups.get(s.groupId)!;
          const allowed = new Set([s.groupId]);
          if (s.overflowed && home.overflow) allowed.add(home.overflow.groupId);
          if (!allowed.has(e.groupId)) this.fail(`${s.id} offered via ${e.groupId}, not an allowed group`);
          const m = a.groups.find((x) => x.groupId === e.groupId);
          if (!m || m.proficiency < s.minProficiency) this.fail(`${s.id} offered to ineligible ${a.id}`);
        }
        load[c]!++;
        s.state = 'offered';
        s.agentId = a.id;
        return;
      }
      case 'interaction.accepted':
        this.sessions.get(e.interactionId)!.state = 'active';
        return;
      case 'interaction.rejected':
      case 'interaction.expired':
      case 'interaction.revoked': {
        const s = this.sessions.get(e.interactionId)!;
        this.load.get(e.agentId)![CHANNEL_INDEX[s.channel]]!--;
        if (s.targetAgentId === e.agentId) delete s.targetAgentId;
        s.state = 'queued';
        delete s.agentId;
        return;
      }
      case 'interaction.ended': {
        const s = this.sessions.get(e.interactionId)!;
        if (e.wrapUpUntil !== undefined) {
          s.state = 'wrapup';
          return;
        }
        this.load.get(e.agentId)![CHANNEL_INDEX[s.channel]]!--;
        s.state = 'ended';
        return;
      }
      case 'interaction.wrapped_up': {
        const s = this.sessions.get(e.interactionId)!;
        this.load.get(e.agentId)![CHANNEL_INDEX[s.channel]]!--;
        s.state = 'ended';
        return;
      }
      case 'interaction.abandoned': {
        const s = this.sessions.get(e.interactionId)!;
        if (s.state === 'offered') this.load.get(s.agentId!)![CHANNEL_INDEX[s.channel]]!--;
        s.state = 'abandoned';
        return;
      }
      case 'interaction.transferred': {
        const s = this.sessions.get(e.interactionId)!;
        if (s.agentId) this.load.get(s.agentId)![CHANNEL_INDEX[s.channel]]!--;
        delete s.agentId;
        s.state = 'queued';
        s.groupId = e.toGroupId;
        s.overflowed = false;
        if (e.toAgentId) s.targetAgentId = e.toAgentId;
        else delete s.targetAgentId;
        return;
      }
      case 'interaction.overflowed':
        this.sessions.get(e.interactionId)!.overflowed = true;
        return;
      case 'interaction.widened': {
        const s = this.sessions.get(e.interactionId)!;
        s.minProficiency = e.minProficiency;
        if (e.untargeted) delete s.targetAgentId;
        return;
      }
    }
  }
}

/** Invariants of the router's own state, compared with the shadow. */
export function checkState(router: Router, shadow: Shadow, now: number, events: RoutingEvent[], orderChecked: boolean): string[] {
  const problems = [...shadow.violations];
  const state = router.state;
  // Nothing lost: every session the shadow knows is in exactly the state the router says.
  let live = 0;
  for (const s of shadow.sessions.values()) {
    const r = state.interactions.get(s.id);
    if (s.state === 'ended' || s.state === 'abandoned') {
      if (r) problems.push(`${s.id} ${s.state} but still live as ${r.state}`);
      continue;
    }
    live++;
    if (!r) problems.push(`${s.id} lost (shadow says ${s.state})`);
    else if (r.state !== s.state || (r.agent?.config.id ?? undefined) !== s.agentId) problems.push(`${s.id} is ${r.state} in router, ${s.state} in shadow`);
  }
  if (live !== state.interactions.size) problems.push(`router holds ${state.interactions.size} live sessions, shadow ${live}`);
  // Capacity: the router's loads equal the shadow's and never pass capacity.
  for (const a of state.agents.values()) {
    const load = shadow.load.get(a.config.id)!;
    CHANNELS.forEach((ch, c) => {
      if (a.load[c] !== load[c]) problems.push(`${a.config.id} ${ch} load ${a.load[c]} vs shadow ${load[c]}`);
      if (a.load[c]! > a.capacity[c]!) problems.push(`${a.config.id} above ${ch} capacity`);
    });
  }
  // No waiting session with a free eligible agent.
  for (const s of state.interactions.values()) {
    if (s.state !== 'queued') continue;
    for (const a of eligibleAgents(router, s)) {
      if (a.canTake(s.ci) && !s.excludes(a, now)) {
        problems.push(`${s.id} waits while ${a.config.id} is free and eligible`);
        break;
      }
    }
  }
  // Queue order: nothing still waiting that the agent could take was ahead of what it was offered.
  if (orderChecked) {
    for (const e of events) {
      if (e.type !== 'interaction.offered') continue;
      const offered = state.interactions.get(e.interactionId);
      const a = state.agents.get(e.agentId)!;
      if (!offered) continue;
      for (const s of state.interactions.values()) {
        if (s.state !== 'queued' || s.ci !== offered.ci || s.excludes(a, now)) continue;
        const ahead = s.rank < offered.rank || (s.rank === offered.rank && s.seq < offered.seq);
        if (ahead && eligibleAgents(router, s).includes(a)) problems.push(`${e.interactionId} offered to ${a.config.id} ahead of ${s.id}`);
      }
    }
  }
  return problems;
}

type RuntimeOf<T> = T extends Map<string, infer V> ? V : never;
type Session = NonNullable<ReturnType<Router['state']['interactions']['get']>>;
type AgentR = RuntimeOf<Router['state']['agents']>;

function eligibleAgents(router: Router, s: Session): AgentR[] {
  if (s.targetAgent) return [s.targetAgent];
  const out: AgentR[] = [];
  const groups = [s.group];
  if (s.overflowed) {
    const over = router.state.groups.get(s.group.config.overflow!.groupId);
    if (over) groups.push(over);
  }
  for (const g of groups) {
    for (const a of g.members) {
      const m = a.memberships.find((x) => x.group === g);
      if (m && m.proficiency >= s.minProficiency) out.push(a);
    }
  }
  return out;
}
