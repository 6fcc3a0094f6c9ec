// `npm run bench -w router [-- core|server|redis]`: prints JSON lines; the last line is the summary.
import { runCoreBench } from './core.js';

const which = process.argv[2] ?? 'core';
const benches: Record<string, () => Promise<Record<string, unknown>> | Record<string, unknown>> = {
  core: runCoreBench,
  // Loaded on demand: it starts servers (uWS, PGlite) the core bench has no use for.
  server: async () => (await import('./server.js')).runServerBench(),
  redis: async () => (await import('./redis.js')).runRedisBench(),
};
const bench = benches[which];
if (!bench) {
  console.error(`unknown bench ${which}; one of: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await bench()));
