// "Distribuição igualitária": fewest sessions received today, ties to the longest idle.
import type { Strategy } from './strategy.js';

export const equal: Strategy = {
  score(agent, _groupIndex, node) {
    node.k1 = agent.sessionsToday;
    node.k2 = agent.idleSince;
  },
};
