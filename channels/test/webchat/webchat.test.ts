// The webchat end to end over a real WebSocket: a citizen identifies (CPF checked), chats with the
// knowledge-base bot, asks for a human, talks with the agent (typing, receipts, files both ways),
// and resumes the conversation with its token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneAgentReady, startChannelServer, type ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';
import { fromServer, identifiedCitizen } from './citizen.js';

// A real 1×1 PNG: detection reads the chunk structure, not only the signature.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
describe('webchat', () => {
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

  it('serves the pt-BR page and the embeddable widget script', async () => {
    const page = await t.api('GET', '/chat', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('lang="pt-BR"');
    expect(page.body).toContain('/chat/widget.js');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await t.api('GET', '/chat/widget.js', { token: null });
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.body).toContain('/ws/chat');
    expect((await t.api('GET', '/chat/widget.css', { token: null })).status).toBe(200);
  });

  it('asks for name, e-mail and a CPF with valid check digits', async () => {
    const socket = await TestSocket.open(`${t.ws}/ws/chat`);
    socket.send({ type: 'identify', name: 'Maria Souza', email: 'maria@example.com', cpf: '529.982.247-24', requestId: 'id' });
    const refused = await socket.nextOfType('error');
    expect(refused).toMatchObject({ requestId: 'id', error: { code: 'invalid_message' } });
    expect(refused.error.details.fields).toEqual([{ path: 'cpf', message: 'CPF inválido (confira os dígitos)' }]);
    socket.send({ type: 'identify', name: 'Maria Souza', email: 'não é e-mail', cpf: '11111111111' });
    expect((await socket.nextOfType('error')).error.details.fields.map((f: any) => f.path).sort()).toEqual(['cpf', 'email']);
    socket.send({ type: 'text', text: 'oi' });
    expect((await socket.nextOfType('error')).error.code).toBe('not_identified');
    socket.send('{not json');
    expect((await socket.nextOfType('error')).error.code).toBe('invalid_json');
    socket.send({ type: 'hack', payload: 1 });
    expect((await socket.nextOfType('error')).error.code).toBe('invalid_message');
    await socket.close();
    expect((await t.api('GET', '/health', { token: null })).status).toBe(200);
  });

  it('answers from the knowledge base, hands over with the transcript, and relays between citizen and agent', async () => {
    const { socket, token, conversationId } = await identifiedCitizen(t);
    expect((await fromServer(socket)).text).toContain('Olá, Maria! Sou o assistente virtual');
    const menu = await fromServer(socket, (m) => m.content?.type === 'list');
    const rows = menu.content.sections[0].rows;
    expect(rows.map((r: any) => r.title)).toEqual(['IPVA', 'ITCD', 'Pagamentos e Restituição']);

    socket.send({ type: 'choose', optionId: rows[0].id, title: rows[0].title, clientId: 'c1' });
    expect((await socket.nextOfType('ack')).clientId).toBe('c1');
    expect((await fromServer(socket)).text).toContain('IPVA — Pagamento');
    socket.send({ type: 'text', text: 'quero parcelar o ipva atrasado', clientId: 'c2' });
    const answer = await fromServer(socket, (m) => m.author === 'bot' && m.kind === 'text');
    expect(answer.text).toMatch(/parcel/i);
    const helped = await fromServer(socket, (m) => m.content?.type === 'buttons');
    expect(helped.content.buttons.map((b: any) => b.id)).toEqual(['ajudou-sim', 'falar-com-atendente', 'menu']);
    // A resend after a reconnect (same clientId) is stored once.
    socket.send({ type: 'text', text: 'quero parcelar o ipva atrasado', clientId: 'c2' });
    const again = await socket.nextOfType('ack');
    expect(again.clientId).toBe('c2');

    socket.send({ type: 'choose', optionId: 'falar-com-atendente', title: 'Falar com atendente' });
    expect((await fromServer(socket, (m) => m.author === 'system')).text).toContain('fila de atendimento');
    const offer = await agent.nextOfType('offer');
    expect(offer.interaction).toMatchObject({ channel: 'chat', groupId: 'ipva-pagamento-n1', contactId: expect.any(String), data: { conversationId, citizenName: 'Maria Souza' } });
    // The console's contact panel reads data.contact: what the citizen gave when identifying.
    expect(offer.interaction.data.contact).toEqual({ name: 'Maria Souza', email: 'cidadao@example.com', cpf: '52998224725' });
    const id = offer.interaction.id as string;
    await agent.request({ type: 'accept', interactionId: id });
    expect((await fromServer(socket, (m) => m.author === 'system')).text).toBe('Você está sendo atendido(a) por Atendente 1.');

    const history = await t.api('GET', `/api/interactions/${id}/messages`);
    const texts = history.body.items.map((m: any) => `${m.author}:${m.text}`);
    expect(texts.filter((x: string) => x === 'citizen:quero parcelar o ipva atrasado')).toHaveLength(1);
    expect(texts.some((x: string) => x.startsWith('bot:'))).toBe(true);
    // One message marks the handoff: the bot transcript is what comes before it.
    const marks = history.body.items.filter((m: any) => m.content?.handoff === true);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ author: 'system', text: expect.stringContaining('fila de atendimento') });
    const before = history.body.items.slice(0, history.body.items.indexOf(marks[0]));
    expect(before.map((m: any) => m.author)).not.toContain('agent');
    expect(before.some((m: any) => m.author === 'bot') && before.some((m: any) => m.author === 'citizen')).toBe(true);
    expect(history.body.conversation).toMatchObject({ channel: 'chat', citizen: { name: 'Maria Souza' } });

    // Typing both ways.
    socket.send({ type: 'typing' });
    expect(await agent.next((m) => m.type === 'conversation' && m.event === 'typing')).toMatchObject({ interactionId: id, from: 'citizen' });
    expect((await t.api('POST', `/api/interactions/${id}/typing`)).status).toBe(204);
    await socket.nextOfType('typing');

    // The agent writes; the widget acknowledges receipt and reading: the agent sees delivered, then read.
    const reply = await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Olá, Maria! Posso parcelar em 3 vezes.' } });
    expect(reply.status).toBe(201);
    const received = await fromServer(socket, (m) => m.author === 'agent');
    expect(received).toMatchObject({ text: 'Olá, Maria! Posso parcelar em 3 vezes.', authorName: 'Atendente 1' });
    expect(received.agentId).toBeUndefined();
    socket.send({ type: 'received', messageIds: [received.id] });
    expect((await agent.next((m) => m.type === 'conversation' && m.event === 'status' && m.message.id === received.id && m.message.status === 'delivered')).message.deliveredAt).toBeTruthy();
    socket.send({ type: 'read', upTo: received.id });
    await agent.next((m) => m.type === 'conversation' && m.event === 'status' && m.message.id === received.id && m.message.status === 'read');

    // The citizen writes; the agent sees it live and reads it: the widget shows ✓✓.
    socket.send({ type: 'text', text: 'Obrigada!', clientId: 'c3' });
    const mine = (await socket.nextOfType('ack')).message;
    expect((await agent.next((m) => m.type === 'conversation' && m.event === 'message' && m.message.direction === 'in')).message.text).toBe('Obrigada!');
    expect((await t.api('POST', `/api/interactions/${id}/read`, { body: {} })).body.read).toBeGreaterThanOrEqual(1);
    expect((await socket.next((m) => m.type === 'read')).messageIds).toContain(mine.id);

    // Files both ways, type checked by content.
    const upload = await fetch(`${t.base}/chat/attachments`, { method: 'POST', headers: { 'x-chat-token': token, 'x-file-name': 'comprovante.png', 'content-type': 'image/png' }, body: PNG });
    expect(upload.status).toBe(201);
    const file = (await upload.json()) as any;
    expect(file).toMatchObject({ mimeType: 'image/png', fileName: 'comprovante.png', url: `/chat/attachments/${file.id}` });
    socket.send({ type: 'text', attachmentIds: [file.id], clientId: 'c4' });
    const withFile = await agent.next((m) => m.type === 'conversation' && m.event === 'message' && m.message.attachments?.length === 1);
    const downloaded = await t.api('GET', withFile.message.attachments[0].url);
    expect(downloaded.bytes.equals(PNG)).toBe(true);
    const exe = await fetch(`${t.base}/chat/attachments`, { method: 'POST', headers: { 'x-chat-token': token, 'x-file-name': 'foto.png' }, body: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]) });
    expect(exe.status).toBe(415);
    expect(((await exe.json()) as any).error.message).toContain('Tipo de arquivo não permitido');
    const huge = await fetch(`${t.base}/chat/attachments`, { method: 'POST', headers: { 'x-chat-token': token }, body: Buffer.alloc(20 * 1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect((await fetch(`${t.base}/chat/attachments`, { method: 'POST', headers: { 'x-chat-token': 'x'.repeat(32) }, body: PNG })).status).toBe(401);

    const agentFile = await t.api('POST', `/api/interactions/${id}/attachments`, { raw: PDF, headers: { 'x-file-name': 'guia.pdf' } });
    expect(agentFile.status).toBe(201);
    await t.api('POST', `/api/interactions/${id}/messages`, { body: { text: 'Segue a guia.', attachmentIds: [agentFile.body.id] } });
    const pdfMessage = await fromServer(socket, (m) => m.attachments.length === 1);
    const url = `${t.base}${pdfMessage.attachments[0].url}`;
    expect(Buffer.from(await (await fetch(`${url}?token=${token}`)).arrayBuffer()).equals(PDF)).toBe(true);
    expect((await fetch(`${url}?token=${'y'.repeat(32)}`)).status).toBe(401);

    // Another tab (or a reload) resumes with the token and gets the history.
    const tab = await TestSocket.open(`${t.ws}/ws/chat`);
    tab.send({ type: 'resume', token });
    const resumed = await tab.nextOfType('resumed');
    expect(resumed.conversation).toMatchObject({ id: conversationId, state: 'active' });
    expect(resumed.messages.map((m: any) => m.text)).toContain('Olá, Maria! Posso parcelar em 3 vezes.');
    tab.send({ type: 'resume', token: 'z'.repeat(32) });
    expect((await tab.nextOfType('error')).error.code).toBe('unknown_conversation');

    // The agent ends: the citizen is told and the widget sees the thread closed.
    await t.api('POST', `/api/interactions/${id}/end`, { body: {} });
    expect((await fromServer(socket, (m) => m.author === 'system' && m.text.includes('encerrado'))).text).toContain('Atendimento encerrado');
    expect((await socket.nextOfType('closed')).reason).toBe('ended');
    await tab.close();
    await socket.close();
  });

  it('refuses agent messages on sessions that are not theirs or not active', async () => {
    expect((await t.api('POST', '/api/interactions/nope/messages', { body: { text: 'oi' } })).status).toBe(404);
    expect((await t.api('GET', '/api/interactions/nope/messages')).status).toBe(404);
    expect((await t.api('POST', '/api/interactions/x/messages', { body: { text: 'oi' }, token: null })).status).toBe(401);
  });
});
