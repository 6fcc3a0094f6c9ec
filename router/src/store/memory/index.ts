// The embedded, single-process state engine.
export { MemoryEngine, type MemoryEngineOptions } from './engine.js';
