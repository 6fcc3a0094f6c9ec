// The routing core's public surface: pure decisions over commands and time.
export * from './types.js';
export { Router } from './router.js';
export { RoutingError } from './errors.js';
export { RouterState } from './state.js';
export { openState, startOfNextLocalDay, localToUtc, type OpenState } from './hours.js';
export { interactionView, agentView, queueFigures, fairness, gini, snapshot } from './views.js';
export type { InteractionView, AgentView, QueueFigures, Fairness } from './views.js';
export { IndexedHeap, type HeapNode } from './heap.js';
