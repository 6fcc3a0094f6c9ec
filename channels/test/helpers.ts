// The whole server started in-process (PGlite in memory) with the channel modules mounted, a Graph
// API simulator for WhatsApp, a fetch-based API client and the demo-like groups and agents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerConfigInput, type ServerHooks } from '@atende/router/server';
import { TestSocket } from '@atende/router/testing';
import { ConversationHub, WebchatChannel, WhatsAppChannel, type HubOptions } from '../src/index.js';
import { GraphSimulator } from './whatsapp/graph-simulator.js';

export const ADMIN = 'test-admin-token-0123456789abcdef';
export const WHATSAPP = {
  verifyToken: 'verificacao-atende-123',
  appSecret: 'segredo-do-app-meta-456',
  accessToken: 'EAAG-token-de-acesso-789',
  phoneNumberId: '106540352242922',
  version: 'v21.0',
};

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
  bytes: Buffer;
}

export interface ChannelTestServer {
  server: RunningServer;
  base: string;
  ws: string;
  hub: ConversationHub;
  sim: GraphSimulator;
  attachmentsDir: string;
  api<T = any>(method: string, path: string, options?: { body?: unknown; token?: string | null; raw?: Buffer | string; headers?: Record<string, string> }): Promise<ApiAnswer<T>>;
  close(): Promise<void>;
}

export async function startChannelServer(
  options: { hub?: HubOptions; config?: ServerConfigInput; hooks?: ServerHooks; sim?: GraphSimulator; attachmentsDir?: string } = {},
): Promise<ChannelTestServer> {
  // A restart test passes the previous simulator and files along; those stay open on close().
  const ownSim = options.sim === undefined;
  const sim = options.sim ?? (await GraphSimulator.start({ accessToken: WHATSAPP.accessToken, phoneNumberId: WHATSAPP.phoneNumberId, appSecret: WHATSAPP.appSecret, version: WHATSAPP.version }));
  const attachmentsDir = options.attachmentsDir ?? mkdtempSync(join(tmpdir(), 'atende-attachments-'));
  const hub = new ConversationHub({ attachmentsDir, sweepIntervalMs: 100, seedDemoKnowledge: true, ...options.hub });
  const whatsapp = new WhatsAppChannel(hub, {
    verifyToken: WHATSAPP.verifyToken,
    appSecret: WHATSAPP.appSecret,
    accessToken: WHATSAPP.accessToken,
    phoneNumberId: WHATSAPP.phoneNumberId,
    graphUrl: sim.url,
    graphVersion: WHATSAPP.version,
  });
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'silent', adminToken: ADMIN, checkpointIntervalMs: 3_600_000, ...options.config },
    { ...options.hooks, channels: [hub, whatsapp, new WebchatChannel(hub)] },
  );
  const base = `http://127.0.0.1:${server.port}`;
  sim.webhookUrl = `${base}/webhooks/whatsapp`;
  return {
    server,
    base,
    ws: `ws://127.0.0.1:${server.port}`,
    hub,
    sim,
    attachmentsDir,
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? ADMIN : opts.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | Buffer | undefined = opts.raw;
      if (opts.body !== undefined) {
        payload = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${base}${path}`, { method, headers, body: payload });
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString('utf8');
      let body: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') body = JSON.parse(text);
      return { status: response.status, body: body as any, headers: response.headers, bytes };
    },
    async close() {
      await server.close();
      if (!ownSim) return;
      await sim.close();
      rmSync(attachmentsDir, { recursive: true, force: true });
    },
  };
}

/** The demo's entry groups (tema/categoria as in the knowledge base) and agents for chat and WhatsApp. */
export async function configureAgency(t: ChannelTestServer, options: { agents?: number; capacity?: number; hours?: string } = {}): Promise<string[]> {
  const put = async (path: string, body: unknown) => {
    const answer = await t.api('PUT', path, { body });
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const hours = options.hours ? { hours: options.hours } : {};
  await put('/api/groups/ipva-pagamento-n1', { name: 'IPVA — Pagamento', tema: 'IPVA', categoria: 'Pagamento', level: 1, slaSeconds: 60, ...hours });
  await put('/api/groups/itcd-protocolo-n1', { name: 'ITCD — Protocolo de Processos', tema: 'ITCD', categoria: 'Protocolo de Processos', level: 1, slaSeconds: 120, ...hours });
  await put('/api/groups/restituicao-contestacao-n1', {
    name: 'Pagamentos e Restituição — Contestação de Débito',
    tema: 'Pagamentos e Restituição',
    categoria: 'Contestação de Débito',
    level: 1,
    slaSeconds: 90,
    ...hours,
  });
  const ids: string[] = [];
  const groups = ['ipva-pagamento-n1', 'itcd-protocolo-n1', 'restituicao-contestacao-n1'].map((groupId) => ({ groupId, proficiency: 3 }));
  const capacity = options.capacity ?? 3;
  for (let i = 1; i <= (options.agents ?? 2); i++) {
    const id = `ag-${i}`;
    await put(`/api/agents/${id}`, { name: `Atendente ${i}`, groups, capacity: { chat: capacity, whatsapp: capacity } });
    ids.push(id);
  }
  return ids;
}

export async function setAvailable(t: ChannelTestServer, agentId: string): Promise<void> {
  const answer = await t.api('PUT', `/api/agents/${agentId}/state`, { body: { state: 'available' } });
  if (answer.status !== 200) throw new Error(`state: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** An agent's console socket (admin token), read past its first snapshot. */
export async function openAgent(t: ChannelTestServer, agentId: string): Promise<TestSocket> {
  const socket = await TestSocket.open(`${t.ws}/ws/agent?agentId=${agentId}&token=${t.server.adminToken}`);
  await socket.nextOfType('snapshot');
  return socket;
}

/** The one-agent agency most tests use: `ag-1` configured, available and connected. */
export async function oneAgentReady(t: ChannelTestServer, options: { hours?: string } = {}): Promise<TestSocket> {
  await configureAgency(t, { agents: 1, ...options });
  await setAvailable(t, 'ag-1');
  return openAgent(t, 'ag-1');
}

/** Polls until the condition holds (the hub works asynchronously after a webhook's 200). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
