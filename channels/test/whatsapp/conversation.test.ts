// A WhatsApp conversation end to end: bot menu and knowledge-base answer, handoff to the queue
// with the transcript, the agent's replies (text, template, interactive), receipts and the
// 24-hour customer-service window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, oneAgentReady, startChannelServer, type ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';

const DAY = 24 * 3600_000;

describe('WhatsApp conversation through routing', () => {
  let t: ChannelTestServer;
  let agent: TestSocket;

  beforeAll(async () => {
    t = await startChannelServer();
    agent = await oneAgentReady(t);
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  /** Sends as the citizen and waits until Atende has processed it. */
  const citizen = async (payload: unknown) => {
    expect((await t.sim.deliver(payload)).status).toBe(200);
    await t.hub.settled();
  };

  it('answers from the knowledge base, hands over with the transcript, and relays both ways', async () => {
    const waId = '5511987651234';
    await citizen(t.sim.textPayload(waId, 'Bom dia, preciso da segunda via do IPVA').payload);
    await citizen(t.sim.replyPayload(waId, { id: 'grupo:ipva-pagamento-n1', title: 'IPVA' }, 'list').payload);
    let sent = t.sim.sentTo(waId);
    // greeting, menu, theme chosen, the answer to the question asked before choosing, "ajudou?" buttons
    expect(sent.map((s) => s.type)).toEqual(['text', 'interactive', 'text', 'text', 'interactive']);
    expect(sent[3]!.body.text.body).toContain('segunda via');
    expect(sent[4]!.body.interactive.action.buttons.map((b: any) => b.reply.id)).toEqual(['ajudou-sim', 'falar-com-atendente', 'menu']);

    await citizen(t.sim.replyPayload(waId, { id: 'falar-com-atendente', title: 'Falar com atendente' }).payload);
    const offer = await agent.nextOfType('offer');
    expect(offer.interaction).toMatchObject({ channel: 'whatsapp', groupId: 'ipva-pagamento-n1', data: { phone: '+55 11 9****-1234', citizenName: 'Maria Souza' } });
    // The contact panel gets the masked number only: the full one never reaches the console.
    expect(offer.interaction.data.contact).toEqual({ name: 'Maria Souza', phone: '+55 11 9****-1234' });
    expect(JSON.stringify(offer.interaction)).not.toContain(waId);
    expect(JSON.stringify(offer)).not.toContain('987651234');
    const id = offer.interaction.id as string;
    expect((await agent.request({ type: 'accept', interactionId: id })).type).toBe('ack');
    await t.hub.settled();
    expect(t.sim.sentTo(waId).at(-1)!.body.text.body).toBe('Você está sendo atendido(a) por Atendente 1.');

    const history = await t.api('GET', `/api/interactions/${id}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.conversation).toMatchObject({ channel: 'whatsapp', citizen: { name: 'Maria Souza', phone: '+55 11 9****-1234' }, window: { open: true } });
    const items = history.body.items as any[];
    expect(items[0]).toMatchObject({ direction: 'in', author: 'citizen', text: 'Bom dia, preciso da segunda via do IPVA', interactionId: id });
    expect(items.some((m) => m.author === 'bot' && m.kind === 'interactive')).toBe(true);
    expect(items.every((m) => m.interactionId === id)).toBe(true);
    expect(JSON.stringify(history.body)).not.toContain('5511987651234');

    const reply = await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Olá, Maria! Vou verificar sua guia.' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ direction: 'out', author: 'agent', agentId: 'ag-1', status: 'sent' });
    sent = t.sim.sentTo(waId);
    expect(sent.at(-1)!.body).toMatchObject({ type: 'text', text: { body: 'Olá, Maria! Vou verificar sua guia.' } });
    const pushed = await agent.next((m) => m.type === 'conversation' && m.event === 'status' && m.message.id === reply.body.id);
    expect(pushed.message.status).toBe('sent');

    // The citizen answers: the agent sees it live; the agent reads it: a read receipt goes to Meta.
    const answer = t.sim.textPayload(waId, 'Obrigada! O RENAVAM é 00123456789.');
    await citizen(answer.payload);
    const live = await agent.next((m) => m.type === 'conversation' && m.event === 'message' && m.message.direction === 'in');
    expect(live).toMatchObject({ interactionId: id, message: { text: 'Obrigada! O RENAVAM é 00123456789.' } });
    const read = await t.api('POST', `/api/interactions/${id}/read`, { body: {} });
    expect(read.body.read).toBeGreaterThanOrEqual(1);
    expect(t.sim.reads).toContain(answer.messageId);

    // The agent types: Meta shows "digitando…" on the citizen's newest message, refreshed at most every 20 s.
    expect((await t.api('POST', `/api/interactions/${id}/typing`)).status).toBe(204);
    await eventually(() => t.sim.typing.includes(answer.messageId), 5_000, 'typing indicator');
    expect((await t.api('POST', `/api/interactions/${id}/typing`)).status).toBe(204);
    // Sending dismisses the indicator (Meta does so too): the next keystrokes show it again.
    expect((await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Só um instante.' } })).status).toBe(201);
    expect((await t.api('POST', `/api/interactions/${id}/typing`)).status).toBe(204);
    await eventually(() => t.sim.typing.length >= 2, 5_000, 'second typing indicator');
    expect(t.sim.typing).toEqual([answer.messageId, answer.messageId]);

    // Status webhooks update the agent's message and reach the console.
    await citizen(t.sim.statusPayload(sent.at(-1)!.id, 'read', waId));
    const status = await agent.next((m) => m.type === 'conversation' && m.event === 'status' && m.message.id === reply.body.id && m.message.status === 'read');
    expect(status.message.readAt).toEqual(expect.any(String));

    // Interactive messages from the agent; invalid bodies are 400 with the failing fields.
    const buttons = await t.api('POST', `/api/interactions/${id}/messages`, {
      body: { interactive: { type: 'buttons', text: 'Posso ajudar em algo mais?', buttons: [{ id: 'sim', title: 'Sim' }, { id: 'nao', title: 'Não' }] } },
    });
    expect(buttons.status).toBe(201);
    expect(t.sim.sentTo(waId).at(-1)!.body.interactive.type).toBe('button');
    const invalid = await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: '' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_request');
    expect((await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'a', interactive: { type: 'buttons', text: 'b', buttons: [{ id: 'c', title: 'd' }] } } })).status).toBe(400);

    // Ending the session tells the citizen; the next message starts a new bot round.
    expect((await t.api('POST', `/api/interactions/${id}/end`, { body: {} })).status).toBe(200);
    await t.hub.settled();
    expect(t.sim.sentTo(waId).at(-1)!.body.text.body).toContain('Atendimento encerrado');
    expect((await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'ainda aí?' } })).status).toBe(409);
    await citizen(t.sim.textPayload(waId, 'menu').payload);
    expect(t.sim.sentTo(waId).at(-1)!.body.interactive.type).toBe('list');
  });

  it('refuses free text outside the 24-hour window with a clear error, and accepts a template', async () => {
    const waId = '5521988887777';
    // The citizen wrote 25 hours ago (Meta's timestamps say so) and was put in the queue then.
    t.sim.clockOffsetMs = -25 * 3600_000;
    await citizen(t.sim.replyPayload(waId, { id: 'grupo:itcd-protocolo-n1', title: 'ITCD' }, 'list').payload);
    await citizen(t.sim.textPayload(waId, 'falar com atendente').payload);
    const offer = await agent.nextOfType('offer');
    const id = offer.interaction.id as string;
    await agent.request({ type: 'accept', interactionId: id });
    await t.hub.settled();
    t.sim.clockOffsetMs = 0;

    const before = t.sim.sentTo(waId).length;
    const refused = await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Bom dia! Retomando seu atendimento.' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'outside_window', message: expect.stringContaining('24 horas') });
    expect(refused.body.error.message).toContain('modelo (template)');
    expect(t.sim.sentTo(waId)).toHaveLength(before);
    const history = await t.api('GET', `/api/interactions/${id}/messages`);
    expect(history.body.conversation.window.open).toBe(false);

    const template = {
      name: 'aviso_debito_icms',
      language: { code: 'pt_BR' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: '19.479.XXX-1' }, { type: 'text', text: '93077000005' }] }],
    };
    const accepted = await t.api('POST', `/api/interactions/${id}/messages`, { body: { template, text: 'Aviso de débito de ICMS' } });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ kind: 'template', text: 'Aviso de débito de ICMS', status: 'sent' });
    expect(t.sim.sentTo(waId).at(-1)!.body).toMatchObject({ type: 'template', template });

    // Meta itself refuses free text there too (error 131047), which is what the check above avoids.
    const direct = await fetch(`${t.sim.url}/v21.0/${t.sim.options.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.sim.options.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: waId, type: 'text', text: { body: 'oi' } }),
    });
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as any).error.code).toBe(131047);
    // Templates never count as the citizen writing: the window stays closed.
    expect(Date.now() - Date.parse(history.body.conversation.window.lastInboundAt)).toBeGreaterThan(DAY);
    await t.api('POST', `/api/interactions/${id}/end`, { body: {} });
  });

  it('sends the agent’s files as WhatsApp media', async () => {
    const waId = '5531977776666';
    await citizen(t.sim.replyPayload(waId, { id: 'grupo:ipva-pagamento-n1', title: 'IPVA' }, 'list').payload);
    await citizen(t.sim.replyPayload(waId, { id: 'falar-com-atendente', title: 'Falar com atendente' }).payload);
    const id = (await agent.nextOfType('offer')).interaction.id as string;
    await agent.request({ type: 'accept', interactionId: id });
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    const upload = await t.api('POST', `/api/interactions/${id}/attachments`, { raw: pdf, headers: { 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent('guia IPVA 2026.pdf') } });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ fileName: 'guia IPVA 2026.pdf', mimeType: 'application/pdf', url: `/api/attachments/${upload.body.id}` });
    const sent = await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Segue a guia.', attachmentIds: [upload.body.id] } });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments).toHaveLength(1);
    const media = t.sim.sentTo(waId).at(-1)!;
    expect(media.body).toMatchObject({ type: 'document', document: { caption: 'Segue a guia.', filename: 'guia IPVA 2026.pdf' } });
    expect(t.sim.uploads.get(media.body.document.id)!.bytes.equals(pdf)).toBe(true);
    const refused = await t.api('POST', `/api/interactions/${id}/attachments`, { raw: Buffer.from('texto simples sem assinatura'), headers: { 'x-file-name': 'nota.txt' } });
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe('attachment_type_not_allowed');
    await t.api('POST', `/api/interactions/${id}/end`, { body: {} });
    await eventually(async () => (await t.api('GET', `/api/interactions/${id}`)).body.state !== 'active', 5_000, 'end');
  });
});
