// What the server's parts share, built once by startServer and passed explicitly.
import type { Database, EventLog } from '@atende/db';
import type { Logger } from 'pino';
import type { RoutingEngine } from '../store/engine.js';
import type { Authenticator } from './auth/principal.js';
import type { ServerConfig } from './config.js';
import type { Projector } from './durability/projector.js';
import type { Metrics } from './observability/metrics.js';
import type { CommandBus } from './routing/commands.js';
import type { StateReader } from './routing/state-reader.js';

export interface ServerContext {
  config: ServerConfig;
  log: Logger;
  clock: () => number;
  db: Database;
  eventLog: EventLog;
  engine: RoutingEngine;
  reader: StateReader;
  commands: CommandBus;
  projector: Projector;
  metrics: Metrics;
  auth: Authenticator;
}
