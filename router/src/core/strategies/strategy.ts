// What a routing strategy is: a pure scoring function over an agent's counters.
// Lowest key wins, in the spirit of app_queue's calc_metric; ties fall to the agent ordinal.

export interface AgentCounters {
  /** Sessions offered to the agent today (kept when accepted, given back when missed). */
  readonly sessionsToday: number;
  /** When the agent last became free: available, or a slot released. */
  readonly idleSince: number;
  /** Slots held now (offers, active sessions, wrap-up) over all channels. */
  readonly totalLoad: number;
  readonly totalCapacity: number;
  /** Global offer sequence of the agent's latest offer from each group (round-robin). */
  lastOfferSeq(groupIndex: number): number;
}

export interface ScoredNode {
  k1: number;
  k2: number;
}

export interface Strategy {
  /** Writes the agent's key for one group into the node; never mutates the agent. */
  score(agent: AgentCounters, groupIndex: number, node: ScoredNode): void;
}
