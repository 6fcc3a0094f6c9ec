// The conversation model every text channel shares (webchat, WhatsApp): one thread per citizen
// and channel, its messages (both directions, with delivery status) and their attachments.
import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, msTimestamp, tenantColumn, updatedAt } from './columns.js';

export type ConversationChannel = 'chat' | 'whatsapp';
/**
 * bot: the knowledge-base bot answers; pending: a message left outside business hours, enqueued at
 * opening; queued/active: a session with the router (waiting / with an agent); closed: ended or idle.
 */
export type ConversationState = 'bot' | 'pending' | 'queued' | 'active' | 'closed';
export type MessageDirection = 'in' | 'out';
export type MessageAuthor = 'citizen' | 'bot' | 'agent' | 'system';
export type MessageKind = 'text' | 'media' | 'interactive' | 'location' | 'template' | 'system';
/** received: inbound; pending → sent → delivered → read for outbound, or failed. */
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    channel: text('channel').$type<ConversationChannel>().notNull(),
    /**
     * Who the thread belongs to on its channel: the WhatsApp wa_id (needed to answer; never shown
     * unmasked) or the SHA-256 of the webchat's resume token (the token itself is the citizen's secret).
     */
    citizenKey: text('citizen_key').notNull(),
    contactId: text('contact_id'),
    displayName: text('display_name'),
    state: text('state').$type<ConversationState>().notNull().default('bot'),
    groupId: text('group_id'),
    /** The router session of the current handoff, if any. */
    interactionId: text('interaction_id'),
    agentId: text('agent_id'),
    /** The citizen's last message: WhatsApp's 24-hour customer-service window starts here. */
    lastInboundAt: msTimestamp('last_inbound_at'),
    /** Any message either way: the inactivity close counts from here. */
    lastActivityAt: msTimestamp('last_activity_at').notNull().defaultNow(),
    /** When the inactivity warning was sent for the current idle stretch. */
    warnedAt: msTimestamp('warned_at'),
    /** Since when the citizen waits for a human (left message, queue): kept as the session's waiting time. */
    waitingSince: msTimestamp('waiting_since'),
    /** The bot's memory (chosen theme, last answers), free-form. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_citizen_idx').on(t.tenant, t.channel, t.citizenKey),
    index('conversations_interaction_idx').on(t.interactionId).where(sql`${t.interactionId} is not null`),
    index('conversations_state_activity_idx').on(t.state, t.lastActivityAt),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The session the message belongs to; the bot transcript is attached at handoff. */
    interactionId: text('interaction_id'),
    direction: text('direction').$type<MessageDirection>().notNull(),
    author: text('author').$type<MessageAuthor>().notNull(),
    agentId: text('agent_id'),
    kind: text('kind').$type<MessageKind>().notNull().default('text'),
    text: text('text'),
    /** Kind-specific content: template, interactive options or reply, location, media reference. */
    content: jsonb('content').$type<Record<string, unknown>>().notNull().default({}),
    /** The channel's own id (WhatsApp wamid, the widget's client id): redeliveries are stored once. */
    externalId: text('external_id'),
    status: text('status').$type<MessageStatus>().notNull(),
    error: jsonb('error').$type<Record<string, unknown>>(),
    /** Inbound: when the bot / routing step ran (null: still to do, e.g. after a crash). */
    processedAt: msTimestamp('processed_at'),
    createdAt: createdAt(),
    sentAt: msTimestamp('sent_at'),
    deliveredAt: msTimestamp('delivered_at'),
    readAt: msTimestamp('read_at'),
    failedAt: msTimestamp('failed_at'),
    /** Insertion order: ids are random, times can tie. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    uniqueIndex('messages_external_idx').on(t.tenant, t.externalId),
    index('messages_conversation_idx').on(t.conversationId, t.seq),
    index('messages_interaction_idx').on(t.interactionId, t.seq).where(sql`${t.interactionId} is not null`),
    index('messages_unprocessed_idx').on(t.createdAt).where(sql`${t.direction} = 'in' and ${t.processedAt} is null`),
  ],
);

export const attachments = pgTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** Null until the message that carries it is written (uploads come first). */
    messageId: text('message_id').references(() => messages.id, { onDelete: 'set null' }),
    uploadedBy: text('uploaded_by').$type<MessageAuthor>().notNull(),
    fileName: text('file_name').notNull(),
    /** Detected from the content (magic bytes), not taken from the sender. */
    mimeType: text('mime_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    /** Relative to the attachments directory under ATENDE_DATA_DIR. */
    storagePath: text('storage_path').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_message_idx').on(t.messageId), index('attachments_conversation_idx').on(t.conversationId)],
);
