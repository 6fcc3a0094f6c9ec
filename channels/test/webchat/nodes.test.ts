// The webchat across two router nodes on the Redis engine (one Redis, one real Postgres): the
// citizen's socket is held by node A, the agent's by node B and the agent's REST calls go to B;
// the handoff, the agent's reply, typing and read marks still reach the other side.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAgency, setAvailable, startChannelServer, type ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';
import { fromServer, identifiedCitizen } from './citizen.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startRedis(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return { url, child };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start (apt-get install redis-server)');
}

describe('webchat on two router nodes (Redis engine)', () => {
  let pg: TestPostgres;
  let redis: { url: string; child: ChildProcess };
  const dir = mkdtempSync(join(tmpdir(), 'atende-chat-nodes-'));
  let a: ChannelTestServer;
  let b: ChannelTestServer;

  beforeAll(async () => {
    pg = await startPostgres();
    redis = await startRedis(dir);
    const config = { redisUrl: redis.url, databaseUrl: pg.url, tenant: 'chat-nodes' };
    a = await startChannelServer({ config });
    b = await startChannelServer({ config });
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    redis?.child.kill('SIGKILL');
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays between a citizen on node A and an agent on node B', async () => {
    await configureAgency(a, { agents: 1 });
    // Node B learns the configuration from the event stream.
    for (let i = 0; i < 200 && (await b.api('GET', '/api/agents/ag-1')).status !== 200; i++) await sleep(25);
    const agent = await TestSocket.open(`${b.ws}/ws/agent?agentId=ag-1&token=${b.server.adminToken}`);
    try {
      await agent.nextOfType('snapshot');
      await setAvailable(b, 'ag-1');

      const { socket } = await identifiedCitizen(a);
      const menu = await fromServer(socket, (m) => m.content?.type === 'list');
      const ipva = menu.content.sections[0].rows[0];
      socket.send({ type: 'choose', optionId: ipva.id, title: ipva.title });
      await fromServer(socket, (m) => String(m.text).includes('IPVA'));
      socket.send({ type: 'text', text: 'falar com atendente' });
      const offer = await agent.nextOfType('offer', 15_000);
      const id = offer.interaction.id as string;
      expect(offer.interaction).toMatchObject({ channel: 'chat', data: { citizenName: 'Maria Souza' } });
      await agent.request({ type: 'accept', interactionId: id });
      expect((await fromServer(socket, (m) => m.author === 'system' && String(m.text).includes('atendido'))).text).toContain('Atendente 1');

      // The agent's REST calls land on node B; the citizen's socket is on node A.
      expect((await b.api('POST', `/api/interactions/${id}/typing`)).status).toBe(204);
      await socket.nextOfType('typing');
      const reply = await b.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Olá! Sou do node B.' } });
      expect(reply.status).toBe(201);
      expect((await fromServer(socket, (m) => m.author === 'agent')).text).toBe('Olá! Sou do node B.');

      // The citizen's message and typing reach the agent's socket on node B.
      socket.send({ type: 'typing' });
      expect(await agent.next((m) => m.type === 'conversation' && m.event === 'typing')).toMatchObject({ interactionId: id, from: 'citizen' });
      socket.send({ type: 'text', text: 'Obrigada!', clientId: 'n1' });
      const mine = (await socket.nextOfType('ack')).message;
      expect((await agent.next((m) => m.type === 'conversation' && m.event === 'message' && m.message.direction === 'in')).message.text).toBe('Obrigada!');
      expect((await b.api('POST', `/api/interactions/${id}/read`, { body: {} })).body.read).toBeGreaterThanOrEqual(1);
      expect((await socket.next((m) => m.type === 'read')).messageIds).toContain(mine.id);
      await socket.close();
    } finally {
      await agent.close();
    }
  }, 60_000);
});
