// The conversation repositories on both engines: one thread per citizen under concurrent first
// contacts, messages stored once per channel id, statuses that only move forward, read marks,
// transcripts handed to a session, attachments, and the knowledge base.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMessageStatus,
  attachTranscript,
  detachTranscript,
  ensureConversation,
  getConversation,
  getConversationByInteraction,
  getMessageWithAttachments,
  insertAttachment,
  insertMessage,
  linkAttachments,
  listKnowledge,
  listMessages,
  listUnprocessedInbound,
  markRead,
  patchConversation,
  updateConversation,
  updateMessage,
  upsertKnowledge,
} from '../src/index.js';
import { ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

describe.each(ENGINES)('conversation repositories on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('keeps one thread per citizen and channel, even when first contacts race', async () => {
    const tenant = uniqueTenant();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ensureConversation(database.db, { tenant, channel: 'whatsapp', citizenKey: '5565999990000', displayName: 'Maria' })),
    );
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const chat = await ensureConversation(database.db, { tenant, channel: 'chat', citizenKey: '5565999990000' });
    expect(chat.conversation.id).not.toBe(results[0]!.conversation.id);
    expect(results[0]!.conversation).toMatchObject({ state: 'bot', data: {}, interactionId: null });
  });

  it('stores a message once per channel id and lists a thread in insertion order', async () => {
    const tenant = uniqueTenant();
    const { conversation } = await ensureConversation(database.db, { tenant, channel: 'whatsapp', citizenKey: '5511' });
    const input = { tenant, conversationId: conversation.id, direction: 'in' as const, author: 'citizen' as const, text: 'Olá', status: 'received' as const, externalId: `wamid.${tenant}` };
    const answers = await Promise.all([insertMessage(database.db, input), insertMessage(database.db, input), insertMessage(database.db, input)]);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.message.id)).size).toBe(1);
    await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'out', author: 'bot', text: 'Oi!', status: 'pending' });
    const listed = await listMessages(database.db, { conversationId: conversation.id });
    expect(listed.map((m) => m.text)).toEqual(['Olá', 'Oi!']);
    expect(listed[0]!.attachments).toEqual([]);
    const unprocessed = (await listUnprocessedInbound(database.db)).filter((m) => m.tenant === tenant);
    expect(unprocessed).toHaveLength(1);
    await updateMessage(database.db, unprocessed[0]!.id, { processedAt: new Date() });
    expect((await listUnprocessedInbound(database.db)).filter((m) => m.tenant === tenant)).toHaveLength(0);
    // With its creation time given (as the channels do): the same once-per-channel-id rule, every column kept.
    const at = new Date('2026-02-03T04:05:06.789Z');
    const timed = { ...input, externalId: `wamid.${tenant}.timed`, kind: 'interactive' as const, text: null, content: { kind: 'choice', id: 'x' }, createdAt: at, interactionId: 'i-1', agentId: 'ag-1' };
    const timedAnswers = await Promise.all([insertMessage(database.db, timed), insertMessage(database.db, timed)]);
    expect(timedAnswers.filter((a) => a.created)).toHaveLength(1);
    expect(timedAnswers[1]!.message).toMatchObject({ createdAt: at, kind: 'interactive', text: null, content: { kind: 'choice', id: 'x' }, interactionId: 'i-1', agentId: 'ag-1', processedAt: null, status: 'received' });
    const { message: plainTimed } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'out', author: 'bot', status: 'pending', createdAt: at });
    expect(plainTimed).toMatchObject({ kind: 'text', content: {}, externalId: null, text: null, createdAt: at, processedAt: null });
    const { message: done } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'in', author: 'citizen', status: 'received', createdAt: at, processedAt: at });
    expect(done.processedAt).toEqual(at);
  });

  it('moves delivery statuses only forward, keeping each milestone’s first time', async () => {
    const tenant = uniqueTenant();
    const { conversation } = await ensureConversation(database.db, { tenant, channel: 'whatsapp', citizenKey: '5521' });
    const { message } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'out', author: 'agent', text: 'x', status: 'pending' });
    await updateMessage(database.db, message.id, { externalId: `wamid.${tenant}` });
    const t1 = new Date('2026-01-01T10:00:00.000Z');
    const t2 = new Date('2026-01-01T10:00:05.000Z');
    const t3 = new Date('2026-01-01T10:00:09.000Z');
    expect((await applyMessageStatus(database.db, { tenant, externalId: `wamid.${tenant}` }, 'read', t2))!).toMatchObject({ status: 'read', readAt: t2, deliveredAt: t2, sentAt: t2 });
    const after = await applyMessageStatus(database.db, { tenant, externalId: `wamid.${tenant}` }, 'delivered', t1);
    expect(after).toMatchObject({ status: 'read', deliveredAt: t2 });
    expect(await applyMessageStatus(database.db, { tenant, externalId: `wamid.${tenant}` }, 'sent', t3)).toMatchObject({ status: 'read' });
    expect(await applyMessageStatus(database.db, { tenant, externalId: 'wamid.unknown' }, 'read', t1)).toBeUndefined();

    const { message: other } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'out', author: 'bot', text: 'y', status: 'pending' });
    await applyMessageStatus(database.db, { id: other.id }, 'sent', t1);
    const failed = await applyMessageStatus(database.db, { id: other.id }, 'failed', t2, { code: 'outside_window' });
    expect(failed).toMatchObject({ status: 'failed', failedAt: t2, error: { code: 'outside_window' } });
    expect(await applyMessageStatus(database.db, { id: other.id }, 'sent', t3)).toMatchObject({ status: 'failed' });

    // The answer to a send: the channel's id and extra content with the status, in one statement.
    const { message: third } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'out', author: 'agent', text: 'z', content: { a: 1 }, status: 'pending' });
    const sent = await applyMessageStatus(database.db, { id: third.id }, 'sent', t1, undefined, { externalId: `wamid.${tenant}.3`, content: { a: 1, externalIds: ['x', 'y'] } });
    expect(sent).toMatchObject({ status: 'sent', sentAt: t1, externalId: `wamid.${tenant}.3`, content: { a: 1, externalIds: ['x', 'y'] } });
    expect(await applyMessageStatus(database.db, { tenant, externalId: `wamid.${tenant}.3` }, 'delivered', t2)).toMatchObject({ id: third.id, status: 'delivered', content: { a: 1, externalIds: ['x', 'y'] } });
    // Within one conversation only (a citizen acknowledging messages of their own thread).
    expect(await applyMessageStatus(database.db, { id: third.id, conversationId: 'another' }, 'read', t3)).toBeUndefined();
    expect(await applyMessageStatus(database.db, { id: third.id, conversationId: conversation.id }, 'read', t3)).toMatchObject({ status: 'read', readAt: t3 });
  });

  it('marks reads up to a message and hands the transcript to a session', async () => {
    const tenant = uniqueTenant();
    const { conversation } = await ensureConversation(database.db, { tenant, channel: 'chat', citizenKey: 'hash' });
    const ids: string[] = [];
    for (const text of ['a', 'b', 'c']) {
      ids.push((await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'in', author: 'citizen', text, status: 'received' })).message.id);
    }
    expect((await markRead(database.db, conversation.id, 'in', new Date(), ids[1])).map((m) => m.text).sort()).toEqual(['a', 'b']);
    expect((await markRead(database.db, conversation.id, 'in', new Date())).map((m) => m.text)).toEqual(['c']);

    expect(await attachTranscript(database.db, conversation.id, `${tenant}-i1`)).toBe(3);
    await updateConversation(database.db, conversation.id, { interactionId: `${tenant}-i1`, state: 'queued' });
    expect((await getConversationByInteraction(database.db, `${tenant}-i1`))!.id).toBe(conversation.id);
    expect(await listMessages(database.db, { interactionId: `${tenant}-i1` })).toHaveLength(3);
    await patchConversation(database.db, conversation.id, { interactionId: null, state: 'closed' });
    expect((await getConversation(database.db, conversation.id))!).toMatchObject({ interactionId: null, state: 'closed' });
    await expect(patchConversation(database.db, 'unknown', { state: 'closed' })).rejects.toThrow('unknown conversation');
    await expect(updateMessage(database.db, 'unknown', { processedAt: new Date() })).rejects.toThrow('unknown message');
    // A finished session still finds its thread through its messages.
    expect((await getConversationByInteraction(database.db, `${tenant}-i1`))!.id).toBe(conversation.id);
    await detachTranscript(database.db, `${tenant}-i1`);
    expect(await listMessages(database.db, { interactionId: `${tenant}-i1` })).toHaveLength(0);
  });

  it('links only the thread’s own unlinked files to a message', async () => {
    const tenant = uniqueTenant();
    const { conversation } = await ensureConversation(database.db, { tenant, channel: 'chat', citizenKey: 'k1' });
    const { conversation: stranger } = await ensureConversation(database.db, { tenant, channel: 'chat', citizenKey: 'k2' });
    const file = { tenant, uploadedBy: 'citizen' as const, fileName: 'a.pdf', mimeType: 'application/pdf', sizeBytes: 10, sha256: 'x', storagePath: 'p' };
    const mine = await insertAttachment(database.db, { ...file, conversationId: conversation.id });
    const theirs = await insertAttachment(database.db, { ...file, conversationId: stranger.id });
    const { message } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'in', author: 'citizen', kind: 'media', status: 'received' });
    const linked = await linkAttachments(database.db, conversation.id, message.id, [mine.id, theirs.id]);
    expect(linked.map((a) => a.id)).toEqual([mine.id]);
    expect((await listMessages(database.db, { conversationId: conversation.id }))[0]!.attachments.map((a) => a.id)).toEqual([mine.id]);
    const second = await insertAttachment(database.db, { ...file, conversationId: conversation.id, fileName: 'b.pdf', messageId: message.id });
    expect((await getMessageWithAttachments(database.db, message.id))!).toMatchObject({ id: message.id, kind: 'media', attachments: [{ id: mine.id }, { id: second.id }] });
    const { message: plain } = await insertMessage(database.db, { tenant, conversationId: conversation.id, direction: 'in', author: 'citizen', text: 'oi', status: 'received' });
    expect((await getMessageWithAttachments(database.db, plain.id))!).toMatchObject({ id: plain.id, text: 'oi', attachments: [] });
    expect(await getMessageWithAttachments(database.db, 'nope')).toBeUndefined();
  });

  it('stores the knowledge tree and lists approved entries with their público, tema and categoria', async () => {
    const tenant = uniqueTenant();
    const tree = {
      audiences: [
        {
          id: `${tenant}-a`,
          name: 'Cidadão',
          themes: [{ id: `${tenant}-t`, name: 'IPVA', categories: [{ id: `${tenant}-c`, name: 'Pagamento', entries: [{ id: `${tenant}-e`, question: 'Como pagar?', answer: 'No portal.' }] }] }],
        },
      ],
    };
    expect(await upsertKnowledge(database.db, tree, tenant)).toBe(1);
    tree.audiences[0]!.themes[0]!.categories[0]!.entries[0]!.answer = 'No portal ou no banco.';
    await upsertKnowledge(database.db, tree, tenant);
    expect(await listKnowledge(database.db, tenant)).toEqual([
      { id: `${tenant}-e`, question: 'Como pagar?', answer: 'No portal ou no banco.', keywords: '', audience: 'Cidadão', tema: 'IPVA', categoria: 'Pagamento' },
    ]);
  });
});
