// Round-robin within a group: the agent whose latest offer from this group is the oldest.
import type { Strategy } from './strategy.js';

export const roundRobin: Strategy = {
  score(agent, groupIndex, node) {
    node.k1 = agent.lastOfferSeq(groupIndex);
    node.k2 = 0;
  },
};
