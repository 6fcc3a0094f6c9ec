// The composition root of `npm start`: the router's server process with the channel adapters
// mounted. It lives here, not in the router, so dependencies keep pointing channels → router → db.
import { runProcess } from '@atende/router/server';
import { channelsConfigFromEnv } from './config.js';
import { createChannels } from './index.js';

runProcess({ channels: (config, env) => createChannels(channelsConfigFromEnv(env, config)) }).catch((err: unknown) => {
  console.error('atende: falha ao iniciar', err);
  process.exit(1);
});
