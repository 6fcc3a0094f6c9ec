// On a real Postgres, across a restart: a WhatsApp conversation with an agent goes on (the thread
// still knows its session), and a message stored but never processed (a crash between the 200
// and the bot's step) is processed when the server comes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertMessage, openDatabase, schema } from '@atende/db';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAgency, openAgent, setAvailable, startChannelServer, WHATSAPP, type ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';
import { GraphSimulator } from './graph-simulator.js';

describe('WhatsApp on Postgres across a restart', () => {
  let pg: TestPostgres;
  let first: ChannelTestServer;
  let second: ChannelTestServer | undefined;
  let sim: GraphSimulator;
  const attachmentsDir = mkdtempSync(join(tmpdir(), 'atende-restart-files-'));

  beforeAll(async () => {
    pg = await startPostgres();
    sim = await GraphSimulator.start({ accessToken: WHATSAPP.accessToken, phoneNumberId: WHATSAPP.phoneNumberId, appSecret: WHATSAPP.appSecret, version: WHATSAPP.version });
    first = await startChannelServer({ config: { databaseUrl: pg.url }, sim, attachmentsDir });
  });
  afterAll(async () => {
    await second?.close();
    await sim?.close();
    await pg?.stop();
    rmSync(attachmentsDir, { recursive: true, force: true });
  });

  it('keeps the conversation going and processes what was left unprocessed', async () => {
    await configureAgency(first, { agents: 1 });
    await setAvailable(first, 'ag-1');
    const agent = await TestSocket.open(`${first.ws}/ws/agent?agentId=ag-1&token=${first.server.adminToken}`);
    const waId = '5565999990000';
    const citizen = async (t: ChannelTestServer, payload: unknown) => {
      expect((await sim.deliver(payload)).status).toBe(200);
      await t.hub.settled();
    };
    await citizen(first, sim.textPayload(waId, 'Preciso contestar um débito').payload);
    await citizen(first, sim.replyPayload(waId, { id: 'grupo:restituicao-contestacao-n1', title: 'Restituição' }, 'list').payload);
    await citizen(first, sim.replyPayload(waId, { id: 'falar-com-atendente', title: 'Falar com atendente' }).payload);
    const id = (await agent.nextOfType('offer')).interaction.id as string;
    await agent.request({ type: 'accept', interactionId: id });
    await first.hub.settled();
    const joined = sim.sentTo(waId).at(-1)!;
    // Statuses and reads go through the raw-SQL paths on postgres.js.
    await citizen(first, sim.statusPayload(joined.id, 'read', waId));
    await citizen(first, sim.statusPayload(joined.id, 'delivered', waId));
    expect((await first.api('POST', `/api/interactions/${id}/read`, { body: {} })).body.read).toBeGreaterThan(0);
    const db = first.server.services.context.db;
    expect((await db.select().from(schema.messages)).find((m) => m.externalId === joined.id)).toMatchObject({ status: 'read' });
    await agent.close();
    await first.close();

    // While down: a message was stored but its processing never ran.
    const opened = await openDatabase({ url: pg.url });
    const [thread] = await opened.db.select().from(schema.conversations);
    await insertMessage(opened.db, { conversationId: thread!.id, interactionId: id, direction: 'in', author: 'citizen', text: 'Ainda está aí?', status: 'received', externalId: 'wamid.pendente' });
    await opened.close();

    second = await startChannelServer({ config: { databaseUrl: pg.url }, sim, attachmentsDir });
    sim.webhookUrl = `${second.base}/webhooks/whatsapp`;
    const again = await openAgent(second, 'ag-1');
    await second.hub.settled();
    const history = await second.api('GET', `/api/interactions/${id}/messages`);
    expect(history.body.items.map((m: any) => m.text)).toContain('Ainda está aí?');
    const reply = await second.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Sim, estou verificando.' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(sim.sentTo(waId).at(-1)!.body.text.body).toBe('Sim, estou verificando.');
    // The citizen writes after the restart: the agent sees it live.
    await citizen(second, sim.textPayload(waId, 'Obrigada').payload);
    await again.next((m) => m.type === 'conversation' && m.event === 'message' && m.message.text === 'Obrigada');
    await again.close();
  });
});
