// Small builders for routing-core tests: a router with groups and agents at a fixed clock.
import { Router, agentView, interactionView, type AgentConfig, type Command, type GroupConfig, type Outcome, type RoutingEvent } from '../../src/core/index.js';

export const T0 = Date.UTC(2026, 10, 23, 13, 0, 0); // Monday 10:00 in São Paulo

export function group(id: string, extra: Partial<GroupConfig> = {}): GroupConfig {
  return { id, name: id, tema: 'IPVA', categoria: id, level: 1, slaSeconds: 60, strategy: 'equal', wrapUpSeconds: 0, ...extra };
}

export function agent(id: string, groups: string[] | AgentConfig['groups'], extra: Partial<AgentConfig> = {}): AgentConfig {
  const memberships = groups.map((g) => (typeof g === 'string' ? { groupId: g, proficiency: 3 as const } : g));
  return { id, name: id, groups: memberships, capacity: { chat: 1, phone: 1 }, ...extra };
}

/** A router with a clock; `run` fails the test on a typed error unless asked to return it. */
export class Harness {
  readonly router: Router;
  now = T0;
  readonly log: RoutingEvent[] = [];

  constructor(options: ConstructorParameters<typeof Router>[0] = {}) {
    this.router = new Router(options);
  }

  run(command: Command): Outcome {
    const outcome = this.router.decide(command, this.now);
    this.log.push(...outcome.events);
    return outcome;
  }

  ok(command: Command): RoutingEvent[] {
    const outcome = this.run(command);
    if (!outcome.ok) throw new Error(`${command.type} failed: ${outcome.error.code} ${outcome.error.message}`);
    return outcome.events;
  }

  fail(command: Command): string {
    const outcome = this.run(command);
    if (outcome.ok) throw new Error(`${command.type} unexpectedly succeeded`);
    return outcome.error.code;
  }

  advance(seconds: number): RoutingEvent[] {
    this.now += seconds * 1000;
    return this.ok({ type: 'tick' });
  }

  setup(groups: GroupConfig[], agents: AgentConfig[], available = true): this {
    for (const g of groups) this.ok({ type: 'configureGroup', group: g });
    for (const a of agents) {
      this.ok({ type: 'configureAgent', agent: a });
      if (available) this.ok({ type: 'setAgentState', agentId: a.id, state: 'available' });
    }
    return this;
  }

  enqueue(id: string, groupId: string, extra: Partial<Extract<Command, { type: 'enqueue' }>['interaction']> = {}): RoutingEvent[] {
    return this.ok({ type: 'enqueue', interaction: { id, channel: 'chat', groupId, ...extra } });
  }

  offeredTo(events: RoutingEvent[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of events) if (e.type === 'interaction.offered') out[e.interactionId] = e.agentId;
    return out;
  }

  state(id: string): string | undefined {
    return this.router.state.interactions.get(id)?.state;
  }

  interaction(id: string) {
    const s = this.router.state.interactions.get(id);
    if (!s) throw new Error(`no live interaction ${id}`);
    return interactionView(s);
  }

  agent(id: string) {
    const a = this.router.state.agents.get(id);
    if (!a) throw new Error(`no agent ${id}`);
    return agentView(a);
  }
}

/** The event types of a decision, in order. */
export function types(events: RoutingEvent[]): string[] {
  return events.map((e) => e.type);
}

/** The events of one type, typed. */
export function eventsOf<T extends RoutingEvent['type']>(events: RoutingEvent[], type: T): Extract<RoutingEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RoutingEvent, { type: T }> => e.type === type);
}
