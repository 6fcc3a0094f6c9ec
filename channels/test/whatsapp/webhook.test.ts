// The WhatsApp webhook over real HTTP: verification, signatures, idempotent storage before the
// 200, every inbound kind, delivery statuses, and media fetched through the Graph media endpoint.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schema } from '@atende/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAgency, startChannelServer, WHATSAPP, type ChannelTestServer } from '../helpers.js';

// A tiny but real JPEG (SOI, APP0/JFIF, EOI) and PDF: the type is decided by these bytes.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 1), Buffer.from([0xff, 0xd9])]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

describe('WhatsApp webhook', () => {
  let t: ChannelTestServer;
  const db = () => t.server.services.context.db;
  const messages = () => db().select().from(schema.messages);
  const conversations = () => db().select().from(schema.conversations);

  beforeAll(async () => {
    t = await startChannelServer();
    await configureAgency(t);
  });
  afterAll(async () => t?.close());

  it('answers the subscription challenge only with the right verify token', async () => {
    const query = (token: string, mode = 'subscribe') => `/webhooks/whatsapp?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await t.api('GET', query(WHATSAPP.verifyToken), { token: null });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await t.api('GET', query('outro-token'), { token: null });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('forbidden');
    expect((await t.api('GET', query(WHATSAPP.verifyToken, 'unsubscribe'), { token: null })).status).toBe(403);
    expect((await t.api('GET', '/webhooks/whatsapp', { token: null })).status).toBe(403);
  });

  it('refuses a bad, missing or stale signature with 401 and stores nothing', async () => {
    const { payload } = t.sim.textPayload('5511900000001', 'Olá');
    const raw = JSON.stringify(payload);
    const bad = await t.sim.deliver(payload, { signature: `sha256=${'0'.repeat(64)}` });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.text).error.code).toBe('invalid_signature');
    expect((await t.sim.deliver(payload, { signature: null })).status).toBe(401);
    // Signed, then altered: the signature covers the exact bytes.
    expect((await t.sim.deliver(payload, { raw: raw.replace('Olá', 'Oi!'), signature: t.sim.sign(raw) })).status).toBe(401);
    expect(await messages()).toHaveLength(0);
    expect(await conversations()).toHaveLength(0);
    expect(t.sim.sent).toHaveLength(0);
  });

  it('refuses invalid JSON and foreign payloads without crashing', async () => {
    expect((await t.sim.deliver(null, { raw: '{"object":' })).status).toBe(400);
    expect((await t.sim.deliver({ object: 'page', entry: [] })).status).toBe(400);
    expect((await t.api('GET', '/health', { token: null })).status).toBe(200);
  });

  it('stores a redelivered message once and answers it once', async () => {
    const waId = '5511900000002';
    const { payload, messageId } = t.sim.textPayload(waId, 'Bom dia, preciso da segunda via do IPVA');
    const answers = await Promise.all([t.sim.deliver(payload), t.sim.deliver(payload), t.sim.deliver(payload)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await t.sim.deliver(payload)).status).toBe(200);
    const stored = (await messages()).filter((m) => m.externalId === messageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ direction: 'in', author: 'citizen', kind: 'text', text: 'Bom dia, preciso da segunda via do IPVA', status: 'received' });
    await t.hub.settled();
    // Greeting and the theme menu, once.
    const sent = t.sim.sentTo(waId);
    expect(sent.map((s) => s.type)).toEqual(['text', 'interactive']);
    expect(sent[1]!.body.interactive.type).toBe('list');
    expect(sent[1]!.body.interactive.action.sections[0].rows.map((r: any) => r.id)).toEqual([
      'grupo:ipva-pagamento-n1',
      'grupo:itcd-protocolo-n1',
      'grupo:restituicao-contestacao-n1',
    ]);
    const [thread] = (await conversations()).filter((c) => c.citizenKey === waId);
    expect(thread).toMatchObject({ channel: 'whatsapp', displayName: 'Maria Souza', state: 'bot' });
    expect(thread!.lastInboundAt).toBeInstanceOf(Date);
  });

  it('stores location and interactive replies with their content', async () => {
    const waId = '5511900000003';
    const location = t.sim.locationPayload(waId);
    expect((await t.sim.deliver(location.payload)).status).toBe(200);
    const reply = t.sim.replyPayload(waId, { id: 'grupo:itcd-protocolo-n1', title: 'ITCD' }, 'list');
    expect((await t.sim.deliver(reply.payload)).status).toBe(200);
    await t.hub.settled();
    const stored = await messages();
    expect(stored.find((m) => m.externalId === location.messageId)).toMatchObject({
      kind: 'location',
      content: { kind: 'location', latitude: -15.6014, longitude: -56.0979, name: 'Posto Fiscal' },
    });
    expect(stored.find((m) => m.externalId === reply.messageId)).toMatchObject({ kind: 'interactive', text: 'ITCD', content: { kind: 'choice', id: 'grupo:itcd-protocolo-n1' } });
    const [thread] = (await conversations()).filter((c) => c.citizenKey === waId);
    expect(thread!.groupId).toBe('itcd-protocolo-n1');
  });

  it('applies delivery statuses in any order, keeping the furthest, and records failures', async () => {
    const waId = '5511900000002';
    const [greeting, menu] = t.sim.sentTo(waId);
    for (const status of ['read', 'delivered', 'sent'] as const) {
      expect((await t.sim.deliver(t.sim.statusPayload(greeting!.id, status, waId))).status).toBe(200);
    }
    const first = (await messages()).find((m) => m.externalId === greeting!.id)!;
    expect(first.status).toBe('read');
    expect(first.readAt).toBeInstanceOf(Date);
    expect(first.deliveredAt).toBeInstanceOf(Date);
    expect((await t.sim.deliver(t.sim.statusPayload(menu!.id, 'failed', waId))).status).toBe(200);
    const failed = (await messages()).find((m) => m.externalId === menu!.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'outside_window', graphCode: 131047 });
    // A status for a message Atende never sent is acknowledged and ignored.
    expect((await t.sim.deliver(t.sim.statusPayload('wamid.desconhecido', 'read', waId))).status).toBe(200);
  });

  it('downloads inbound media through the Graph media endpoint and keeps it under the data directory', async () => {
    const waId = '5511900000004';
    const mediaId = t.sim.addMedia(JPEG, 'image/jpeg');
    const { payload, messageId } = t.sim.mediaPayload(waId, 'image', mediaId, 'image/jpeg', { caption: 'Comprovante de pagamento' });
    expect((await t.sim.deliver(payload)).status).toBe(200);
    await t.hub.settled();
    const [file] = await db().select().from(schema.attachments);
    const message = (await messages()).find((m) => m.externalId === messageId)!;
    expect(file).toMatchObject({ messageId: message.id, mimeType: 'image/jpeg', sizeBytes: JPEG.length, uploadedBy: 'citizen' });
    expect(readFileSync(join(t.attachmentsDir, file!.storagePath)).equals(JPEG)).toBe(true);
    expect(message.content).toMatchObject({ kind: 'media', attachmentId: file!.id });
    const download = await t.api('GET', `/api/attachments/${file!.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(download.bytes.equals(JPEG)).toBe(true);
    expect((await t.api('GET', `/api/attachments/${file!.id}`, { token: null })).status).toBe(401);
  });

  it('refuses media whose content is not an allowed type, or that is over 20 MB, and tells the citizen', async () => {
    const waId = '5511900000005';
    // Declared as a PDF, but the bytes are a Windows executable.
    const exe = t.sim.mediaPayload(waId, 'document', t.sim.addMedia(EXE, 'application/pdf', 'boleto.pdf'), 'application/pdf', { filename: 'boleto.pdf' });
    expect((await t.sim.deliver(exe.payload)).status).toBe(200);
    const big = t.sim.mediaPayload(waId, 'document', t.sim.addMedia(Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]), 'application/pdf'), 'application/pdf');
    expect((await t.sim.deliver(big.payload)).status).toBe(200);
    await t.hub.settled();
    const stored = await messages();
    expect(stored.find((m) => m.externalId === exe.messageId)!.content).toMatchObject({ mediaError: { code: 'attachment_type_not_allowed' } });
    expect(stored.find((m) => m.externalId === big.messageId)!.content).toMatchObject({ mediaError: { code: 'attachment_too_large' } });
    const told = t.sim.sentTo(waId).filter((s) => s.type === 'text').map((s) => s.body.text.body);
    expect(told.some((text) => text.includes('Tipo de arquivo não permitido'))).toBe(true);
    expect(told.some((text) => text.includes('20 MB'))).toBe(true);
    expect((await db().select().from(schema.attachments)).filter((a) => a.conversationId === stored.find((m) => m.externalId === exe.messageId)!.conversationId)).toHaveLength(0);
  });
});
