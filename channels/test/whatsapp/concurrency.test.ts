// Fifty citizens on WhatsApp at once: each goes through the bot to a human; routing spreads them over
// the agents, every agent replies, and no conversation, message or session is lost or duplicated.
import { schema } from '@atende/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAgency, eventually, setAvailable, startChannelServer, type ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';

const CITIZENS = 50;
const AGENTS = 5;

describe('50 concurrent WhatsApp conversations', () => {
  let t: ChannelTestServer;
  const sockets: TestSocket[] = [];
  const accepted = new Map<string, string>(); // interaction → agent

  beforeAll(async () => {
    t = await startChannelServer();
    const agents = await configureAgency(t, { agents: AGENTS, capacity: CITIZENS / AGENTS });
    for (const agentId of agents) {
      await setAvailable(t, agentId);
      const socket = await TestSocket.open(`${t.ws}/ws/agent?agentId=${agentId}&token=${t.server.adminToken}`);
      sockets.push(socket);
      // Every offer is accepted as it arrives, like a busy console.
      void (async () => {
        for (;;) {
          const offer = await socket.nextOfType('offer', 120_000).catch(() => undefined);
          if (!offer) return;
          const ack = await socket.request({ type: 'accept', interactionId: offer.interaction.id });
          if (ack.type === 'ack') accepted.set(offer.interaction.id, agentId);
        }
      })();
    }
  });
  afterAll(async () => {
    for (const s of sockets) await s.close();
    await t?.close();
  });

  it('routes every conversation to an agent and delivers every reply', async () => {
    const numbers = Array.from({ length: CITIZENS }, (_, i) => `55119${String(70_000_000 + i).padStart(8, '0')}`);
    const groups = ['ipva-pagamento-n1', 'itcd-protocolo-n1', 'restituicao-contestacao-n1'];
    const deliver = async (payload: unknown) => {
      const answer = await t.sim.deliver(payload);
      expect(answer.status).toBe(200);
    };
    await Promise.all(
      numbers.map(async (waId, i) => {
        await deliver(t.sim.textPayload(waId, `Olá, sou o cidadão ${i}`, `Cidadão ${i}`).payload);
        await t.sim.waitForSend((m) => m.to === waId && m.type === 'interactive', 60_000);
        await deliver(t.sim.replyPayload(waId, { id: `grupo:${groups[i % 3]}`, title: 'Assunto' }, 'list').payload);
        await deliver(t.sim.replyPayload(waId, { id: 'falar-com-atendente', title: 'Falar com atendente' }).payload);
      }),
    );
    await eventually(() => accepted.size === CITIZENS, 90_000, `${CITIZENS} accepted sessions (got ${accepted.size})`);
    await t.hub.settled();

    // Routing spread them equally: each agent holds exactly its capacity.
    const perAgent = new Map<string, number>();
    for (const agentId of accepted.values()) perAgent.set(agentId, (perAgent.get(agentId) ?? 0) + 1);
    expect([...perAgent.values()]).toEqual(Array(AGENTS).fill(CITIZENS / AGENTS));

    // Each agent replies to each of its sessions, concurrently.
    await Promise.all(
      [...accepted].map(async ([interactionId]) => {
        const answer = await t.api('POST', `/api/interactions/${interactionId}/messages`, { body: { text: `Resposta para ${interactionId}` } });
        expect(answer.status).toBe(201);
      }),
    );
    const db = t.server.services.context.db;
    const threads = await db.select().from(schema.conversations);
    expect(threads).toHaveLength(CITIZENS);
    expect(threads.every((c) => c.state === 'active' && c.interactionId && accepted.has(c.interactionId))).toBe(true);
    const stored = await db.select().from(schema.messages);
    expect(stored.filter((m) => m.direction === 'in')).toHaveLength(CITIZENS * 3);
    for (const waId of numbers) {
      const replies = t.sim.sentTo(waId).filter((m) => m.type === 'text' && m.body.text.body.startsWith('Resposta para '));
      expect(replies, waId).toHaveLength(1);
      const thread = threads.find((c) => c.citizenKey === waId)!;
      expect(replies[0]!.body.text.body).toBe(`Resposta para ${thread.interactionId}`);
    }
    const sessions = await t.api('GET', '/api/interactions?channel=whatsapp&state=active&limit=100');
    expect(sessions.body.items).toHaveLength(CITIZENS);
  });
});
