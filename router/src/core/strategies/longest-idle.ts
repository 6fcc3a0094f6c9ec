// Longest idle first: the agent free for the longest time, ties to fewer sessions today.
import type { Strategy } from './strategy.js';

export const longestIdle: Strategy = {
  score(agent, _groupIndex, node) {
    node.k1 = agent.idleSince;
    node.k2 = agent.sessionsToday;
  },
};
