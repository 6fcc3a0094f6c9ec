// Least occupied: the lowest share of the agent's capacity in use right now, ties to longest idle.
import type { Strategy } from './strategy.js';

export const leastOccupied: Strategy = {
  score(agent, _groupIndex, node) {
    node.k1 = agent.totalCapacity > 0 ? agent.totalLoad / agent.totalCapacity : 1;
    node.k2 = agent.idleSince;
  },
};
