// Builds the routing engine the configuration selects: the embedded memory engine (the log in
// Postgres/PGlite is the truth, replayed at start), or the Redis engine (Redis holds the live
// state shared by every node; a consumer group copies its event stream to Postgres).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, EventLog } from '@atende/db';
import { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RoutingEngine } from '../../store/engine.js';
import { MemoryEngine } from '../../store/memory/index.js';
import { ReplicatedRedisEngine, RoutingScript, type RedisClient } from '../../store/redis/index.js';
import type { ServerConfig } from '../config.js';
import { journalRows } from '../durability/journal.js';
import type { ProjectedRow } from '../durability/projection.js';
import { recover, saveCheckpoint } from '../durability/recovery.js';
import { StreamPersister, recoverFromStream, saveStreamCheckpoint } from '../durability/stream.js';

/** Messages to every node of the tenant (this one included), by topic. */
export interface NodeBus {
  publish(topic: string, message: object): void;
  on(topic: string, handler: (message: object) => void): void;
}

/** The single-node bus: a direct call, in publication order. */
export class LocalBus implements NodeBus {
  private readonly handlers = new Map<string, ((message: object) => void)[]>();

  constructor(private readonly onError: (err: unknown) => void) {}

  publish(topic: string, message: object): void {
    for (const handler of this.handlers.get(topic) ?? []) {
      try {
        handler(message);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  on(topic: string, handler: (message: object) => void): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }
}

export interface EngineSetup {
  kind: 'memory' | 'redis';
  engine: RoutingEngine;
  /** Projection rows recovered at start (the projector takes them; cleared after). */
  rows: Map<string, ProjectedRow>;
  replayed: number;
  /** After every listener subscribed: the Redis engine catches up and starts its consumers. */
  start(): Promise<void>;
  saveCheckpoint(drained: () => Promise<void>): Promise<void>;
  /** Messages between nodes (agent sockets, channels' citizen sockets). */
  bus: NodeBus;
  /** False while the store is unreachable. */
  available(): boolean;
  /** After the engine closed: stops consumers and closes connections. */
  close(): Promise<void>;
}

export interface EngineDeps {
  config: ServerConfig;
  db: Database;
  eventLog: EventLog;
  log: Logger;
  clock: () => number;
  onTickError: (err: unknown) => void;
}

export async function createEngine(deps: EngineDeps): Promise<EngineSetup> {
  if (deps.config.redisUrl === undefined && deps.config.redisClusterNodes === undefined) return memoryEngine(deps);
  return redisEngine(deps);
}

async function memoryEngine({ config, db, eventLog, log, clock, onTickError }: EngineDeps): Promise<EngineSetup> {
  const recovered = await recover(db, eventLog, log);
  const engine = new MemoryEngine({
    router: config.router,
    replay: recovered.events,
    clock,
    persist: (events, annotations) => eventLog.append(journalRows(events, annotations)),
    onError: onTickError,
  });
  return {
    kind: 'memory',
    engine,
    rows: recovered.rows,
    replayed: recovered.events.length,
    start: () => Promise.resolve(),
    saveCheckpoint: (drained) => saveCheckpoint(db, eventLog, drained).then(() => undefined),
    bus: new LocalBus((err) => log.warn({ err }, 'bus handler failed')),
    available: () => true,
    close: () => Promise.resolve(),
  };
}

/** One connection per role: blocking reads and pub/sub each need their own. */
function connect(config: ServerConfig, name: string): RedisClient {
  // Fail commands fast while Redis is away (503) instead of queueing them without bound.
  const common = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: `atende-${name}`, lazyConnect: true } as const;
  if (config.redisClusterNodes) {
    const nodes = config.redisClusterNodes.map((n) => {
      const [host, port] = n.split(':');
      return { host: host!, port: Number(port) };
    });
    return new Cluster(nodes, { enableOfflineQueue: false, redisOptions: common, lazyConnect: true });
  }
  return new Redis(config.redisUrl!, common);
}

async function redisEngine({ config, db, eventLog, log, clock, onTickError }: EngineDeps): Promise<EngineSetup> {
  const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const client = connect(config, 'commands');
  const reader = connect(config, 'stream');
  const persisterClient = connect(config, 'persist');
  const publisher = connect(config, 'publish');
  const subscriber = connect(config, 'subscribe');
  const clients = [client, reader, persisterClient, publisher, subscriber];
  for (const c of clients) c.on('error', (err: unknown) => log.debug({ err }, 'redis connection'));
  const quit = () => Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect()))).then(() => undefined);
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const key = `{atende:${config.tenant}}`;
    const recovered = await recoverFromStream(db, eventLog, client, key, log);
    const engine = await ReplicatedRedisEngine.open({
      client,
      reader,
      tenant: config.tenant,
      script: new RoutingScript(config.redisScript),
      batchSize: config.redisBatch,
      pipeline: config.redisPipeline,
      router: config.router,
      clock,
      history: recovered.events,
      afterEntryId: recovered.afterEntryId,
      onError: onTickError,
    });
    const persister = new StreamPersister({ client: persisterClient, key, eventLog, consumer: nodeId, log, clock });
    const channel = `${key}:bus`;
    // Delivered to this node's handlers by the subscription too, so order is Redis's for everyone.
    const local = new LocalBus((err) => log.warn({ err }, 'bus handler failed'));
    subscriber.on('message', (ch: string, text: string) => {
      if (ch !== channel) return;
      let parsed: { topic: string; message: object };
      try {
        parsed = JSON.parse(text) as { topic: string; message: object };
      } catch (err) {
        log.warn({ err }, 'bad message on the node bus');
        return;
      }
      local.publish(parsed.topic, parsed.message);
    });
    await subscriber.subscribe(channel);
    log.info({ node: nodeId, tenant: config.tenant, cluster: config.redisClusterNodes !== undefined }, 'routing on Redis');
    return {
      kind: 'redis',
      engine,
      rows: recovered.rows,
      replayed: recovered.events.length,
      async start() {
        await engine.start();
        await persister.start();
      },
      saveCheckpoint: (drained) => saveStreamCheckpoint(db, engine.position, drained),
      bus: {
        publish(topic, message) {
          publisher.publish(channel, JSON.stringify({ topic, message })).catch((err: unknown) => log.warn({ err, topic }, 'bus message not published'));
        },
        on: (topic, handler) => local.on(topic, handler),
      },
      available: () => engine.available && client.status === 'ready',
      async close() {
        await persister.close();
        await quit();
      },
    };
  } catch (err) {
    await quit();
    throw err;
  }
}
