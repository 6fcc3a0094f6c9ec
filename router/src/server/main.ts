// `node router/dist/server/main.js [--demo]` (and `npm start`): configuration from the
// environment, the server on one port, the demo agency when asked, clean stop on SIGINT/SIGTERM.
import { pino } from 'pino';
import { startDemo, type RunningDemo } from '../demo/index.js';
import { ConfigError, configFromEnv } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`atende: configuração inválida: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ level: config.logLevel, base: { service: 'atende' } });
  const server = await startServer(config, {
    logger: log,
    onFatal: (err) => {
      log.fatal({ err }, 'routing events could not be made durable; exiting so a restart recovers from the log');
      process.exit(1);
    },
  });

  const lines = [`Atende ouvindo em http://localhost:${server.port}`];
  if (server.adminTokenGenerated) lines.push(`Token de administrador (gerado; defina ATENDE_ADMIN_TOKEN para fixá-lo): ${server.adminToken}`);
  let demo: RunningDemo | undefined;
  if (config.demo) {
    demo = await startDemo(server.services, log);
    lines.push('Agência de demonstração carregada; credenciais desta execução:');
    for (const c of demo.credentials) lines.push(`  ${c.role.padEnd(10)} ${c.username} / ${c.password}${c.agentId ? ` (atendente ${c.agentId})` : ''}`);
  }
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    void (async () => {
      await demo?.stop();
      await server.close();
      process.exit(0);
    })().catch((err: unknown) => {
      log.error({ err }, 'error while stopping');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('atende: falha ao iniciar', err);
  process.exit(1);
});
