// @atende/router public surface: the routing core and the state engines.
export * from './core/index.js';
export type { RoutingEngine, PersistEvents, EventListener, Annotation } from './store/engine.js';
export { MemoryEngine, type MemoryEngineOptions } from './store/memory/index.js';
