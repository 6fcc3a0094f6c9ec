// `node router/dist/server/main.js [--demo]`: the router alone, without channel adapters (tools,
// router-only deployments). `npm start` runs channels/dist/main.js, which mounts the channels too.
import { runProcess } from './process.js';

runProcess().catch((err: unknown) => {
  console.error('atende: falha ao iniciar', err);
  process.exit(1);
});
