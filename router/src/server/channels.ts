// How channel adapters plug into the server without the router depending on them: the composition
// root (channels' main.ts) passes ChannelModules to startServer, which mounts each one with the
// routes and the few services a channel needs, and closes them before the database.
import type { Database } from '@atende/db';
import type { Logger } from 'pino';
import type { TemplatedApp } from 'uWebSockets.js';
import type { GroupConfig, RoutingEvent } from '../core/index.js';
import type { Principal } from './auth/principal.js';
import type { ServerConfig } from './config.js';
import type { HttpRoutes } from './http/app.js';
import type { Sessions } from './routing/sessions.js';

/** Where a channel registers: JSON/raw REST routes through `http`, WebSockets and anything else on `app`. */
export interface ChannelRoutes {
  http: HttpRoutes;
  app: TemplatedApp;
}

export interface ChannelServices {
  config: ServerConfig;
  log: Logger;
  /** The router's clock (tests move it). */
  clock: () => number;
  db: Database;
  /** The caller of a REST request or socket handshake, from its Authorization (401 otherwise). */
  authenticate(authorization: string | undefined | null): Principal;
  /** Create (enqueue), read, end and abandon sessions: the same operations REST uses. */
  sessions: Sessions;
  /** The principal channels act as when they create or end sessions on a citizen's behalf. */
  system: Principal;
  /** Attendance groups as the router holds them (hours included). */
  groups(): GroupConfig[];
  agentName(agentId: string): string | undefined;
  /** Routing events after they are durable, in order; returns the unsubscribe. */
  subscribe(listener: (events: readonly RoutingEvent[]) => void): () => void;
  /** Pushes a message to the agent's open /ws/agent sockets, on whichever node they are (no-op when none). */
  notifyAgent(agentId: string, message: object): void;
  /**
   * Hands a message to this topic's handlers on every router node, this one included (Redis
   * pub/sub between nodes, a direct call on a single node): how a channel reaches a citizen's
   * socket held by another node. Handlers must not assume they run on the node that published.
   */
  broadcast(topic: string, message: object): void;
  onBroadcast(topic: string, handler: (message: object) => void): void;
}

export interface ChannelModule {
  /** For logs: 'whatsapp', 'webchat', … */
  readonly name: string;
  /**
   * Registers routes and subscriptions synchronously (the engine is already running), then may
   * finish asynchronously (loading indexes, resuming unfinished work); the server listens after.
   */
  mount(routes: ChannelRoutes, services: ChannelServices): void | Promise<void>;
  /** Stops timers and sockets; called before the database closes. */
  close?(): Promise<void>;
}
