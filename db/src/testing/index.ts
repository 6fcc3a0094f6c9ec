// @atende/db/testing: helpers for other packages' integration tests (not for production code).
export { startPostgres, type StartPostgresOptions, type TestPostgres } from './postgres-server.js';
