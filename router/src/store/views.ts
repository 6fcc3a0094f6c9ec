// The reads every engine answers from a core Router it holds (its own state, or a replica fed by
// the event stream): the core's views, so boards and REST read either engine alike.
import { Router, agentView, fairness, interactionView, queueFigures, type AgentView, type Fairness, type InteractionView, type QueueFigures } from '../core/index.js';

export abstract class RouterReads {
  constructor(
    /** Read-only for callers: only the engine applies events to it. */
    readonly router: Router,
    protected readonly clock: () => number,
  ) {}

  interaction(id: string): InteractionView | undefined {
    const s = this.router.state.interactions.get(id);
    return s ? interactionView(s) : undefined;
  }

  agent(id: string): AgentView | undefined {
    const a = this.router.state.agents.get(id);
    return a ? agentView(a) : undefined;
  }

  agents(): AgentView[] {
    return [...this.router.state.agents.values()].map(agentView);
  }

  queues(groupIds?: Set<string>): QueueFigures[] {
    return queueFigures(this.router.state, this.clock(), groupIds);
  }

  fairness(groupId: string): Fairness | undefined {
    return fairness(this.router.state, groupId);
  }
}
