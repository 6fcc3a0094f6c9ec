// The strategies by name.
import type { StrategyName } from '../types.js';
import { equal } from './equal.js';
import { leastOccupied } from './least-occupied.js';
import { longestIdle } from './longest-idle.js';
import { roundRobin } from './round-robin.js';
import type { Strategy } from './strategy.js';

export type { AgentCounters, ScoredNode, Strategy } from './strategy.js';

export const strategies: Readonly<Record<StrategyName, Strategy>> = {
  equal,
  'longest-idle': longestIdle,
  'least-occupied': leastOccupied,
  'round-robin': roundRobin,
};
