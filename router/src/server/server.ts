// startServer: open the database (migrations), replay the routing log into the memory engine,
// wire projection, sockets, metrics and REST explicitly, then listen on one port.
import { randomBytes } from 'node:crypto';
import { EventLog, openDatabase } from '@atende/db';
import { pino, type Logger } from 'pino';
import uWS, { type us_listen_socket } from 'uWebSockets.js';
import { accountRoutes } from './api/accounts.js';
import { configurationRoutes } from './api/configuration.js';
import { interactionRoutes } from './api/interactions.js';
import { supervisionRoutes } from './api/supervision.js';
import { Accounts, signingSecret } from './auth/accounts.js';
import { Authenticator, SYSTEM } from './auth/principal.js';
import type { ChannelModule, ChannelServices } from './channels.js';
import { TokenSigner } from './auth/tokens.js';
import { serverConfigSchema, type ServerConfig, type ServerConfigInput } from './config.js';
import type { ServerContext } from './context.js';
import { Projector } from './durability/projector.js';
import { HttpRoutes } from './http/app.js';
import { serveConsole } from './http/console-static.js';
import { Metrics } from './observability/metrics.js';
import { CommandBus } from './routing/commands.js';
import { Configuration } from './routing/configuration.js';
import { createEngine } from './routing/engines.js';
import { Sessions } from './routing/sessions.js';
import { StateReader } from './routing/state-reader.js';
import { AgentSockets } from './sockets/agent.js';
import { BoardSockets } from './sockets/board.js';

// Metric labels stay bounded whatever method a client sends.
const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);

export interface ServerHooks {
  /** Time source of the router (tests); Date.now by default. */
  clock?: () => number;
  logger?: Logger;
  /**
   * A routing event could not be made durable: memory is ahead of the log. The default logs and
   * turns /health to 503; main exits so a supervisor restarts it from the log.
   */
  onFatal?: (err: unknown) => void;
  /** Channel adapters to mount (webchat, WhatsApp…), wired by the composition root. */
  channels?: readonly ChannelModule[];
}

/** What the demo and in-process callers use besides HTTP: the same operations REST calls. */
export interface ServerServices {
  context: ServerContext;
  sessions: Sessions;
  configuration: Configuration;
  accounts: Accounts;
  agentSockets: AgentSockets;
}

export interface RunningServer {
  port: number;
  url: string;
  adminToken: string;
  /** True when no ATENDE_ADMIN_TOKEN was configured and this one was generated (print it). */
  adminTokenGenerated: boolean;
  config: ServerConfig;
  services: ServerServices;
  /** Stops listening, closes sockets, waits for pending writes, saves the checkpoint, closes the database. */
  close(): Promise<void>;
}

export async function startServer(input: ServerConfigInput = {}, hooks: ServerHooks = {}): Promise<RunningServer> {
  const config = serverConfigSchema.parse(input);
  const log = hooks.logger ?? pino({ level: config.logLevel, base: { service: 'atende' } });
  const clock = hooks.clock ?? Date.now;
  const opened = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    return await wire(config, hooks, log, clock, opened);
  } catch (err) {
    await opened.close().catch(() => undefined);
    throw err;
  }
}

async function wire(
  config: ServerConfig,
  hooks: ServerHooks,
  log: Logger,
  clock: () => number,
  opened: Awaited<ReturnType<typeof openDatabase>>,
): Promise<RunningServer> {
  const { db } = opened;
  const eventLog = new EventLog(db, { tenant: config.tenant });
  const secret = await signingSecret(db, config.secret);
  const adminToken = config.adminToken ?? randomBytes(24).toString('base64url');

  let healthy = true;
  const onFatal =
    hooks.onFatal ??
    ((err: unknown) => {
      healthy = false;
      log.fatal({ err }, 'routing events could not be made durable; restart to recover from the log');
    });
  // Ticks fire inside the engine; once the command bus exists, their failures go through it.
  const tickFailure = { handle: onFatal };
  const setup = await createEngine({ config, db, eventLog, log, clock, onTickError: (err) => tickFailure.handle(err) });
  try {
    return await listen(config, hooks, log, clock, opened, { eventLog, secret, adminToken, setup, onFatal, tickFailure, isHealthy: () => healthy });
  } catch (err) {
    await setup.engine.close().catch(() => undefined);
    await setup.close().catch(() => undefined);
    throw err;
  }
}

interface Wiring {
  eventLog: EventLog;
  secret: string;
  adminToken: string;
  setup: Awaited<ReturnType<typeof createEngine>>;
  onFatal: (err: unknown) => void;
  tickFailure: { handle: (err: unknown) => void };
  isHealthy: () => boolean;
}

async function listen(
  config: ServerConfig,
  hooks: ServerHooks,
  log: Logger,
  clock: () => number,
  opened: Awaited<ReturnType<typeof openDatabase>>,
  { eventLog, secret, adminToken, setup, onFatal, tickFailure, isHealthy }: Wiring,
): Promise<RunningServer> {
  const { db } = opened;
  // From here to the engine's start nothing awaits: every listener must be there before events flow.
  const engine = setup.engine;
  const reader = new StateReader(engine.router);
  const projector = new Projector(db, log, setup.rows.values());
  setup.rows.clear();
  const metrics = new Metrics({ sessionsByState: () => reader.sessionsByState(), projectionPending: () => projector.pending });
  const commands = new CommandBus(engine, metrics, onFatal);
  tickFailure.handle = (err) => commands.fail(err);
  const auth = new Authenticator(adminToken, new TokenSigner(secret), clock);
  const context: ServerContext = { config, log, clock, db, eventLog, engine, reader, commands, projector, metrics, auth };

  engine.subscribe((events, annotations) => {
    projector.apply(events, annotations);
    for (const e of events) metrics.countEvent(e.type);
  });
  const sessions = new Sessions(context);
  const configuration = new Configuration(context);
  const accounts = new Accounts(context, new TokenSigner(secret));
  const app = uWS.App();
  const agentSockets = new AgentSockets(context, sessions, configuration);
  const board = new BoardSockets(context);
  agentSockets.register(app);
  board.register(app);

  let closing: Promise<void> | undefined;
  const http = new HttpRoutes(app, {
    bodyLimitBytes: config.bodyLimitBytes,
    log,
    onAnswered: (method, status) => metrics.countResponse(KNOWN_METHODS.has(method) ? method : 'OTHER', status),
  });
  supervisionRoutes(http, auth, context, () => {
    if (closing) return { ok: false, status: 'stopping' };
    if (!isHealthy() || commands.broken) return { ok: false, status: 'failed' };
    if (!setup.available()) return { ok: false, status: 'unavailable' };
    return { ok: true, status: 'ok' };
  });
  accountRoutes(http, auth, accounts);
  configurationRoutes(http, auth, configuration);
  interactionRoutes(http, auth, sessions);
  const channelServices: ChannelServices = {
    config,
    log,
    clock,
    db,
    authenticate: (authorization) => auth.authenticate(authorization),
    sessions,
    system: SYSTEM,
    groups: () => reader.groupConfigs(),
    agentName: (agentId) => reader.agentConfig(agentId)?.name,
    subscribe: (listener) => engine.subscribe((events) => listener(events)),
    notifyAgent: (agentId, message) => setup.bus.publish('agent', { agentId, message }),
    broadcast: (topic, message) => setup.bus.publish(`channel:${topic}`, message),
    onBroadcast: (topic, handler) => setup.bus.on(`channel:${topic}`, handler),
  };
  setup.bus.on('agent', (m) => {
    const { agentId, message } = m as { agentId: string; message: object };
    agentSockets.notify(agentId, message);
  });
  const channels = hooks.channels ?? [];
  // Every module registers its routes and listeners now, synchronously; their async start is awaited below.
  const mounting = channels.map((module) => {
    try {
      return Promise.resolve(module.mount({ http, app }, channelServices));
    } catch (err) {
      return Promise.reject(err);
    }
  });
  serveConsole(app); // the built console (GET of its files and routes); other paths yield to the fallback
  http.fallback();
  await setup.start();
  await Promise.all(mounting);

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) => (socket ? resolve(socket) : reject(new Error(`cannot listen on ${config.host}:${config.port}`))));
  });
  const port = uWS.us_socket_local_port(listenSocket);

  const drained = async () => {
    await engine.settled();
    await projector.settled();
  };
  let checkpointing = false;
  const checkpointTimer = setInterval(() => {
    if (checkpointing || closing) return;
    checkpointing = true;
    setup
      .saveCheckpoint(drained)
      .catch((err: unknown) => log.warn({ err }, 'projection checkpoint failed'))
      .finally(() => (checkpointing = false));
  }, config.checkpointIntervalMs);
  checkpointTimer.unref();

  log.info({ port, database: opened.kind, engine: setup.kind, replayed: setup.replayed }, 'atende listening');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    adminToken,
    adminTokenGenerated: config.adminToken === undefined,
    config,
    services: { context, sessions, configuration, accounts, agentSockets },
    close() {
      closing ??= (async () => {
        clearInterval(checkpointTimer);
        uWS.us_listen_socket_close(listenSocket);
        agentSockets.closeAll();
        board.closeAll();
        for (const module of [...channels].reverse()) {
          await module.close?.().catch((err: unknown) => log.warn({ err, channel: module.name }, 'channel did not close cleanly'));
        }
        await engine.close();
        await setup.close();
        await eventLog.flush();
        await projector.close();
        if (isHealthy() && !commands.broken) await setup.saveCheckpoint(drained).catch((err: unknown) => log.warn({ err }, 'final checkpoint failed'));
        await opened.close();
        log.info('atende stopped');
      })();
      return closing;
    },
  };
}
