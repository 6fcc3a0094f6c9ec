// The multi-node state engine over Redis (one atomic Lua script per decision).
export { DEFAULT_BATCH_SIZE, DEFAULT_PIPELINE, RedisEngine, tenantKey, type RedisEngineOptions } from './engine.js';
export { RoutingScript, routingScriptSource, SCRIPT_CALLS, type RedisClient, type ScriptCall } from './script.js';
export { StateReader } from './views.js';
export { readStream, waitForEntries, eventId, entryEvents, streamKey, type StreamEntry, type StreamCommand } from './stream.js';
export { ReplicatedRedisEngine, isConnectionError, type ReplicatedEngineOptions } from './replicated.js';
export { compareEntryIds, previousEntryId, decodeEntry } from './stream.js';
