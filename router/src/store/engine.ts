// What every state engine (memory, Redis) offers the server: commands in, durable events out.
import type { AgentView, Command, Fairness, InteractionView, Outcome, QueueFigures, RoutingEvent } from '../core/index.js';

/** Makes events durable; the engine acknowledges a command only after this resolves. */
export type PersistEvents = (events: RoutingEvent[]) => Promise<void>;

export type EventListener = (events: RoutingEvent[]) => void;

export interface RoutingEngine {
  /** Decide, make the events durable, then resolve. */
  execute(command: Command): Promise<Outcome>;
  /** Called with each command's events once they are durable, in order. */
  subscribe(listener: EventListener): () => void;
  interaction(id: string): InteractionView | undefined;
  agent(id: string): AgentView | undefined;
  agents(): AgentView[];
  queues(groupIds?: Set<string>): QueueFigures[];
  fairness(groupId: string): Fairness | undefined;
  close(): Promise<void>;
}
