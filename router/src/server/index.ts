// @atende/router/server: start the whole server in-process (tests, tools, other packages' e2e),
// and what channel adapters build on (ChannelModule, the REST route table, errors, validation).
export { startServer, type RunningServer, type ServerHooks, type ServerServices } from './server.js';
export { serverConfigSchema, configFromEnv, ConfigError, type ServerConfig, type ServerConfigInput } from './config.js';
export { runProcess, type ProcessOptions } from './process.js';
export type { ChannelModule, ChannelRoutes, ChannelServices } from './channels.js';
export { ApiError, forbidden, notFound, unauthorized, fromZodError } from './http/errors.js';
export { HttpRoutes, errorResponse, json, type ApiRequest, type ApiResponse, type Handler, type RouteOptions } from './http/app.js';
export { parse, queryObject } from './http/validation.js';
export { sendOrDrop, upgradeWith, type Handshake, type SocketState } from './sockets/upgrade.js';
export { canRead, type Principal } from './auth/principal.js';
export type { Sessions, CreateInteraction } from './routing/sessions.js';
export type { InteractionJson, AgentJson } from './routing/views.js';
