// What every state engine (memory, Redis) offers the server: commands in, durable events out.
import type { AgentView, Command, Fairness, InteractionView, Outcome, QueueFigures, Router, RoutingEvent } from '../core/index.js';

/**
 * Shell facts written in the same durable append as a command's events (a session's contact,
 * a tabulation): the core never sees them, replay skips them, projections read them.
 */
export interface Annotation {
  type: string;
  interactionId?: string;
  payload: Record<string, unknown>;
}

/**
 * The engine cannot reach its store (Redis down or failing over): nothing was applied, or the
 * reply was lost and a retry is idempotent on ids. The server answers 503; the process goes on.
 */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

/** Makes events durable; the engine acknowledges a command only after this resolves. */
export type PersistEvents = (events: RoutingEvent[], annotations: readonly Annotation[]) => Promise<void>;

export type EventListener = (events: RoutingEvent[], annotations: readonly Annotation[]) => void;

export interface RoutingEngine {
  /**
   * The routing state this node reads (the engine's own for memory, a replica fed by the event
   * stream for Redis). Read-only for callers.
   */
  readonly router: Router;
  /** Decide, make the events (and annotations, when there are events) durable, then resolve. */
  execute(command: Command, annotations?: readonly Annotation[]): Promise<Outcome>;
  /** Resolves once every command decided so far is durable and published (or has failed). */
  settled(): Promise<void>;
  /** Called with each command's events once they are durable, in order. */
  subscribe(listener: EventListener): () => void;
  interaction(id: string): InteractionView | undefined;
  agent(id: string): AgentView | undefined;
  agents(): AgentView[];
  queues(groupIds?: Set<string>): QueueFigures[];
  fairness(groupId: string): Fairness | undefined;
  close(): Promise<void>;
}
