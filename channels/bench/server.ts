// The bench's server process: the whole system (router + conversation hub + webchat + WhatsApp) on
// PGlite in memory, as the channel tests start it, in its own process so that process.cpuUsage()
// counts the server's work only. The parent talks to it over IPC: `cpu` (usage so far), `settle`
// (wait until every thread's queue is empty), `profile` / `profile-save` (V8's CPU profiler around
// one phase, written to `file`), `close`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@atende/router/server';
import { ConversationHub, WebchatChannel, WhatsAppChannel } from '../src/index.js';

export interface ServerSetup {
  adminToken: string;
  graphUrl: string;
  whatsapp: { verifyToken: string; appSecret: string; accessToken: string; phoneNumberId: string; version: string };
}

export type ServerRequest = { id: number; cmd: 'cpu' | 'settle' | 'close' | 'profile' | 'profile-save'; file?: string };

const setup = JSON.parse(process.env.BENCH_SERVER_SETUP!) as ServerSetup;
const attachmentsDir = mkdtempSync(join(tmpdir(), 'atende-bench-attachments-'));
const hub = new ConversationHub({ attachmentsDir, seedDemoKnowledge: true });
const whatsapp = new WhatsAppChannel(hub, {
  verifyToken: setup.whatsapp.verifyToken,
  appSecret: setup.whatsapp.appSecret,
  accessToken: setup.whatsapp.accessToken,
  phoneNumberId: setup.whatsapp.phoneNumberId,
  graphUrl: setup.graphUrl,
  graphVersion: setup.whatsapp.version,
});
const server = await startServer(
  { port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'silent', adminToken: setup.adminToken, checkpointIntervalMs: 3_600_000 },
  { channels: [hub, whatsapp, new WebchatChannel(hub)] },
);

let inspector: Session | undefined;

process.on('message', (raw) => {
  const request = raw as ServerRequest;
  void (async () => {
    if (request.cmd === 'settle') await hub.settled();
    if (request.cmd === 'profile') {
      inspector = new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
    }
    if (request.cmd === 'profile-save' && inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(request.file!, JSON.stringify(profile));
      inspector.disconnect();
      inspector = undefined;
    }
    if (request.cmd === 'close') {
      await server.close();
      rmSync(attachmentsDir, { recursive: true, force: true });
    }
    const usage = process.cpuUsage();
    process.send!({ id: request.id, cpuMs: (usage.user + usage.system) / 1000, rssMb: Math.round(process.memoryUsage().rss / 1e6) }, () => {
      if (request.cmd === 'close') process.exit(0);
    });
  })();
});
process.send!({ ready: true, port: server.port });
