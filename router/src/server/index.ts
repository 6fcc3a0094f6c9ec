// @atende/router/server: start the whole server in-process (tests, tools, other packages' e2e).
export { startServer, type RunningServer, type ServerHooks, type ServerServices } from './server.js';
export { serverConfigSchema, configFromEnv, ConfigError, type ServerConfig, type ServerConfigInput } from './config.js';
export { ApiError } from './http/errors.js';
export type { Principal } from './auth/principal.js';
export type { InteractionJson, AgentJson } from './routing/views.js';
