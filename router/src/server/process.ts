// The server as a process: configuration from the environment and argv, pino logs, the demo agency
// when asked, clean stop on SIGINT/SIGTERM. Entries call it with the channel modules they wire.
import { pino, type Logger } from 'pino';
import { startDemo, type RunningDemo } from '../demo/index.js';
import type { ChannelModule } from './channels.js';
import { ConfigError, configFromEnv, type ServerConfig } from './config.js';
import { startServer } from './server.js';

export interface ProcessOptions {
  /** The channel modules to mount, built from the validated configuration and the environment. */
  channels?: (config: ServerConfig, env: NodeJS.ProcessEnv, log: Logger) => readonly ChannelModule[];
}

export async function runProcess(options: ProcessOptions = {}): Promise<void> {
  let config: ServerConfig;
  let log: Logger;
  let channels: readonly ChannelModule[];
  try {
    config = configFromEnv(process.env, process.argv.slice(2));
    log = pino({ level: config.logLevel, base: { service: 'atende' } });
    channels = options.channels?.(config, process.env, log) ?? [];
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`atende: configuração inválida: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(config, {
    logger: log,
    channels,
    onFatal: (err) => {
      log.fatal({ err }, 'routing events could not be made durable; exiting so a restart recovers from the log');
      process.exit(1);
    },
  });

  const lines = [`Atende ouvindo em http://localhost:${server.port}`];
  if (channels.length > 0) lines.push(`Canais: ${channels.map((c) => c.name).join(', ')}`);
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
