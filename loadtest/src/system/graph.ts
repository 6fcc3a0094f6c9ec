// The Graph API sink (src/graph/main.ts) as a child process for a run: fresh WhatsApp credentials,
// its URLs once it listens, its send counts when stopped. The server gets the same credentials
// (whatsappEnv) and k6 the app secret (to sign webhooks) and the control URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SinkStats } from '../graph/sink.js';

export interface WhatsAppCredentials {
  verifyToken: string;
  appSecret: string;
  accessToken: string;
  phoneNumberId: string;
  version: string;
}

export interface RunningGraphSink {
  graphUrl: string;
  controlUrl: string;
  pid: number;
  credentials: WhatsAppCredentials;
  /** SIGTERM; resolves with the sends it answered (undefined if it died before saying). */
  stop(): Promise<SinkStats | undefined>;
}

export function newCredentials(): WhatsAppCredentials {
  return {
    verifyToken: `lt-verify-${randomBytes(9).toString('base64url')}`,
    appSecret: randomBytes(16).toString('hex'),
    accessToken: `EAAG-lt-${randomBytes(24).toString('base64url')}`,
    phoneNumberId: String(100_000_000_000_000 + Math.floor(Math.random() * 899_999_999_999_999)),
    version: 'v21.0',
  };
}

/** What the server needs to take webhooks and send through the sink (channels/src/config.ts). */
export function whatsappEnv(credentials: WhatsAppCredentials, graphUrl: string): Record<string, string> {
  return {
    WHATSAPP_VERIFY_TOKEN: credentials.verifyToken,
    WHATSAPP_APP_SECRET: credentials.appSecret,
    WHATSAPP_ACCESS_TOKEN: credentials.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: credentials.phoneNumberId,
    WHATSAPP_GRAPH_URL: graphUrl,
    WHATSAPP_GRAPH_VERSION: credentials.version,
  };
}

export async function startGraphSink(entry: string, logFile: string, credentials = newCredentials()): Promise<RunningGraphSink> {
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      GRAPH_SINK_ACCESS_TOKEN: credentials.accessToken,
      GRAPH_SINK_PHONE_NUMBER_ID: credentials.phoneNumberId,
      GRAPH_SINK_APP_SECRET: credentials.appSecret,
      GRAPH_SINK_VERSION: credentials.version,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let stats: SinkStats | undefined;
  const lines = createInterface({ input: child.stdout! });
  const urls = await new Promise<{ graphUrl: string; controlUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Graph API sink did not start within 20 s')), 20_000);
    void exited.then(() => reject(new Error('the Graph API sink exited before it listened (see graph-sink.log)')));
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      let parsed: { graphUrl?: string; controlUrl?: string; stats?: SinkStats };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.stats) stats = parsed.stats;
      if (parsed.graphUrl && parsed.controlUrl) {
        clearTimeout(timer);
        resolve({ graphUrl: parsed.graphUrl, controlUrl: parsed.controlUrl });
      }
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', orphanGuard);
    log.end();
    throw err;
  });
  return {
    ...urls,
    pid: child.pid!,
    credentials,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => (lines.once('close', () => resolve()), setTimeout(resolve, 200)));
      process.removeListener('exit', orphanGuard);
      log.end();
      return stats;
    },
  };
}
