// Repositories of the shared conversation model: threads per citizen and channel (race-free
// create), messages idempotent on the channel's id, delivery statuses that only move forward,
// and attachments linked to the message that carries them.
import { and, asc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.js';
import { newId } from './ids.js';
import {
  attachments,
  conversations,
  messages,
  type ConversationChannel,
  type ConversationState,
  type MessageAuthor,
  type MessageDirection,
  type MessageKind,
  type MessageStatus,
} from './schema/index.js';

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Attachment = typeof attachments.$inferSelect;
export type MessageWithAttachments = Message & { attachments: Attachment[] };

const DEFAULT_TENANT = 'default';

// The statements every conversation step makes, built once per database (drizzle prepared
// queries): building their SQL each time costs a third to a half of what PGlite takes to run them.
const preparedByDb = new WeakMap<Database, ReturnType<typeof prepareStatements>>();

function prepareStatements(db: Database) {
  return {
    conversationById: db.select().from(conversations).where(eq(conversations.id, sql.placeholder('id'))).prepare('conversation_by_id'),
    conversationByKey: db
      .select()
      .from(conversations)
      .where(and(eq(conversations.tenant, sql.placeholder('tenant')), eq(conversations.channel, sql.placeholder('channel')), eq(conversations.citizenKey, sql.placeholder('citizenKey'))))
      .prepare('conversation_by_key'),
    messageWithAttachments: db
      .select({ message: messages, attachment: attachments })
      .from(messages)
      .leftJoin(attachments, eq(attachments.messageId, messages.id))
      .where(eq(messages.id, sql.placeholder('id')))
      .orderBy(asc(attachments.createdAt))
      .prepare('message_with_attachments'),
    insertMessage: db
      .insert(messages)
      .values({
        id: sql.placeholder('id'),
        tenant: sql.placeholder('tenant'),
        conversationId: sql.placeholder('conversationId'),
        interactionId: sql.placeholder('interactionId'),
        direction: sql.placeholder('direction'),
        author: sql.placeholder('author'),
        agentId: sql.placeholder('agentId'),
        kind: sql.placeholder('kind'),
        text: sql.placeholder('text'),
        content: sql.placeholder('content'),
        externalId: sql.placeholder('externalId'),
        status: sql.placeholder('status'),
        // Nullable: raw text (the column's encoder would be handed null).
        processedAt: sql`${sql.placeholder('processedAt')}::timestamptz`,
        createdAt: sql.placeholder('createdAt'),
      })
      .onConflictDoNothing({ target: [messages.tenant, messages.externalId] })
      .returning()
      .prepare('insert_message'),
    statusById: statusUpdate(db, eq(messages.id, sql.placeholder('id'))).prepare('message_status_by_id'),
    statusByIdInConversation: statusUpdate(db, and(eq(messages.id, sql.placeholder('id')), eq(messages.conversationId, sql.placeholder('conversationId')))!).prepare(
      'message_status_by_id_in_conversation',
    ),
    statusByExternalId: statusUpdate(db, and(eq(messages.tenant, sql.placeholder('tenant')), eq(messages.externalId, sql.placeholder('externalId')))!).prepare(
      'message_status_by_external_id',
    ),
  };
}

function preparedFor(db: Database): ReturnType<typeof prepareStatements> {
  let prepared = preparedByDb.get(db);
  if (!prepared) preparedByDb.set(db, (prepared = prepareStatements(db)));
  return prepared;
}

export interface ConversationKey {
  tenant?: string;
  channel: ConversationChannel;
  citizenKey: string;
}

/** The citizen's thread on a channel, created on first contact; concurrent first contacts get the same row. */
export async function ensureConversation(
  db: Database,
  key: ConversationKey & { displayName?: string | null; contactId?: string | null; now?: Date },
): Promise<{ conversation: Conversation; created: boolean }> {
  const tenant = key.tenant ?? DEFAULT_TENANT;
  const [inserted] = await db
    .insert(conversations)
    .values({
      id: newId(key.now?.getTime()),
      tenant,
      channel: key.channel,
      citizenKey: key.citizenKey,
      displayName: key.displayName ?? null,
      contactId: key.contactId ?? null,
      ...(key.now ? { lastActivityAt: key.now } : {}),
    })
    .onConflictDoNothing({ target: [conversations.tenant, conversations.channel, conversations.citizenKey] })
    .returning();
  if (inserted) return { conversation: inserted, created: true };
  const found = await findConversation(db, key);
  if (!found) throw new Error(`conversation for ${key.channel} vanished after a conflict`);
  return { conversation: found, created: false };
}

export async function findConversation(db: Database, key: ConversationKey): Promise<Conversation | undefined> {
  const [row] = await preparedFor(db).conversationByKey.execute({ tenant: key.tenant ?? DEFAULT_TENANT, channel: key.channel, citizenKey: key.citizenKey });
  return row;
}

export async function getConversation(db: Database, id: string): Promise<Conversation | undefined> {
  const [row] = await preparedFor(db).conversationById.execute({ id });
  return row;
}

export async function getConversationByInteraction(db: Database, interactionId: string): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations).where(eq(conversations.interactionId, interactionId));
  if (row) return row;
  // A finished session is no longer the thread's current one: find it through its messages.
  const [viaMessage] = await db
    .select({ conversationId: messages.conversationId })
    .from(messages)
    .where(eq(messages.interactionId, interactionId))
    .limit(1);
  return viaMessage ? getConversation(db, viaMessage.conversationId) : undefined;
}

export type ConversationPatch = Partial<
  Pick<
    Conversation,
    'state' | 'groupId' | 'interactionId' | 'agentId' | 'lastInboundAt' | 'lastActivityAt' | 'warnedAt' | 'waitingSince' | 'data' | 'displayName' | 'contactId'
  >
>;

export async function updateConversation(db: Database, id: string, patch: ConversationPatch): Promise<Conversation> {
  const [row] = await db
    .update(conversations)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(conversations.id, id))
    .returning();
  if (!row) throw new Error(`unknown conversation ${id}`);
  return row;
}

/** updateConversation for callers that do not need the row back (cheaper: only the id is returned). */
export async function patchConversation(db: Database, id: string, patch: ConversationPatch): Promise<void> {
  const [row] = await db
    .update(conversations)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(conversations.id, id))
    .returning({ id: conversations.id });
  if (!row) throw new Error(`unknown conversation ${id}`);
}

/** Threads in the given states, optionally idle since before `idleBefore` (sweeps: inactivity, opening hours). */
export async function listConversations(
  db: Database,
  filter: { states: readonly ConversationState[]; idleBefore?: Date; hasInteraction?: boolean; limit?: number },
): Promise<Conversation[]> {
  const conditions: SQL[] = [inArray(conversations.state, [...filter.states])];
  if (filter.idleBefore) conditions.push(lt(conversations.lastActivityAt, filter.idleBefore));
  if (filter.hasInteraction) conditions.push(sql`${conversations.interactionId} is not null`);
  return db
    .select()
    .from(conversations)
    .where(and(...conditions))
    .orderBy(asc(conversations.lastActivityAt))
    .limit(filter.limit ?? 1000);
}

export interface MessageInput {
  id?: string;
  tenant?: string;
  conversationId: string;
  interactionId?: string | null;
  direction: MessageDirection;
  author: MessageAuthor;
  agentId?: string | null;
  kind?: MessageKind;
  text?: string | null;
  content?: Record<string, unknown>;
  externalId?: string | null;
  status: MessageStatus;
  processedAt?: Date | null;
  createdAt?: Date;
}

/** Stores a message; one whose externalId is already stored is not stored again (created: false). */
export async function insertMessage(db: Database, input: MessageInput): Promise<{ message: Message; created: boolean }> {
  const tenant = input.tenant ?? DEFAULT_TENANT;
  const id = input.id ?? newId(input.createdAt?.getTime());
  // Every column given (the defaults spelled out) goes through the prepared insert; without a
  // creation time the database's clock sets it, as before.
  const [inserted] = input.createdAt
    ? await preparedFor(db).insertMessage.execute({
        id,
        tenant,
        conversationId: input.conversationId,
        interactionId: input.interactionId ?? null,
        direction: input.direction,
        author: input.author,
        agentId: input.agentId ?? null,
        kind: input.kind ?? 'text',
        text: input.text ?? null,
        content: input.content ?? {},
        externalId: input.externalId ?? null,
        status: input.status,
        processedAt: input.processedAt?.toISOString() ?? null,
        createdAt: input.createdAt,
      })
    : await db
        .insert(messages)
        .values({ ...input, tenant, id })
        .onConflictDoNothing({ target: [messages.tenant, messages.externalId] })
        .returning();
  if (inserted) return { message: inserted, created: true };
  const [existing] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.tenant, tenant), eq(messages.externalId, input.externalId!)));
  if (!existing) throw new Error('message vanished after a conflict');
  return { message: existing, created: false };
}

export async function getMessage(db: Database, id: string): Promise<Message | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return row;
}

/** One message with its files, in one statement. */
export async function getMessageWithAttachments(db: Database, id: string): Promise<MessageWithAttachments | undefined> {
  const rows = await preparedFor(db).messageWithAttachments.execute({ id });
  if (rows.length === 0) return undefined;
  return { ...rows[0]!.message, attachments: rows.flatMap((r) => (r.attachment ? [r.attachment] : [])) };
}

export async function updateMessage(
  db: Database,
  id: string,
  patch: Partial<Pick<Message, 'externalId' | 'status' | 'error' | 'processedAt' | 'sentAt' | 'failedAt' | 'interactionId' | 'content'>>,
): Promise<void> {
  // Only the id comes back: reading the whole row back costs more than the update itself.
  const [row] = await db.update(messages).set(patch).where(eq(messages.id, id)).returning({ id: messages.id });
  if (!row) throw new Error(`unknown message ${id}`);
}

/** Messages of a thread or of one session, oldest first, with their attachments. */
export async function listMessages(
  db: Database,
  scope: { conversationId: string } | { interactionId: string },
  options: { limit?: number; afterSeq?: number } = {},
): Promise<MessageWithAttachments[]> {
  const conditions: SQL[] = [
    'conversationId' in scope ? eq(messages.conversationId, scope.conversationId) : eq(messages.interactionId, scope.interactionId),
  ];
  if (options.afterSeq !== undefined) conditions.push(sql`${messages.seq} > ${options.afterSeq}`);
  const rows = await db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(asc(messages.seq))
    .limit(Math.min(Math.max(options.limit ?? 1000, 1), 5000));
  return withAttachments(db, rows);
}

export async function withAttachments(db: Database, rows: Message[]): Promise<MessageWithAttachments[]> {
  if (rows.length === 0) return [];
  const files = await db
    .select()
    .from(attachments)
    .where(inArray(attachments.messageId, rows.map((m) => m.id)))
    .orderBy(asc(attachments.createdAt));
  const byMessage = new Map<string, Attachment[]>();
  for (const file of files) {
    const list = byMessage.get(file.messageId!) ?? [];
    list.push(file);
    byMessage.set(file.messageId!, list);
  }
  return rows.map((m) => ({ ...m, attachments: byMessage.get(m.id) ?? [] }));
}

/** Hands the bot transcript (messages not yet in any session) to the session created at handoff. */
export async function attachTranscript(db: Database, conversationId: string, interactionId: string): Promise<number> {
  const rows = await db
    .update(messages)
    .set({ interactionId })
    .where(and(eq(messages.conversationId, conversationId), isNull(messages.interactionId)))
    .returning({ id: messages.id });
  return rows.length;
}

/** Undoes attachTranscript when the session could not be created after all. */
export async function detachTranscript(db: Database, interactionId: string): Promise<void> {
  await db.update(messages).set({ interactionId: null }).where(eq(messages.interactionId, interactionId));
}

// Statuses may arrive out of order (read before delivered): a message keeps the furthest one.
const STATUS_ORDER = sql.raw(`array['pending','sent','failed','delivered','read']::text[]`);

/**
 * Applies a delivery status reported for an outbound message (by the channel's id, or ours):
 * the status only moves forward; each milestone keeps its first time. Undefined when unknown.
 * `also` sets the channel's id and content in the same statement (the answer to a send).
 */
export async function applyMessageStatus(
  db: Database,
  /** By our id, optionally only within one conversation, or by the channel's id. */
  target: { externalId: string; tenant?: string } | { id: string; conversationId?: string },
  status: Exclude<MessageStatus, 'received'>,
  at: Date,
  error?: Record<string, unknown>,
  also: { externalId?: string; content?: Record<string, unknown> } = {},
): Promise<Message | undefined> {
  const values = {
    status,
    // postgres.js binds a Date only through a typed column; inside raw SQL it needs the text form.
    at: at.toISOString(),
    error: status === 'failed' && error ? JSON.stringify(error) : null,
    newExternalId: also.externalId ?? null,
    content: also.content === undefined ? null : JSON.stringify(also.content),
  };
  const statements = preparedFor(db);
  const [row] =
    'id' in target
      ? target.conversationId !== undefined
        ? await statements.statusByIdInConversation.execute({ ...values, id: target.id, conversationId: target.conversationId })
        : await statements.statusById.execute({ ...values, id: target.id })
      : await statements.statusByExternalId.execute({ ...values, tenant: target.tenant ?? DEFAULT_TENANT, externalId: target.externalId });
  return row;
}

/**
 * The status update of applyMessageStatus with everything a placeholder (one SQL text per target):
 * status, at (ISO text), error (JSON text, set only for failed), newExternalId and content (kept when null).
 */
function statusUpdate(db: Database, target: SQL) {
  const status = sql`${sql.placeholder('status')}::text`;
  const when = sql`${sql.placeholder('at')}::timestamptz`;
  const reached = (...names: string[]) => sql`${status} in (${sql.raw(names.map((n) => `'${n}'`).join(','))})`;
  return db
    .update(messages)
    .set({
      status: sql`case when array_position(${STATUS_ORDER}, ${status}) > coalesce(array_position(${STATUS_ORDER}, ${messages.status}), 0) then ${status} else ${messages.status} end`,
      sentAt: sql`case when ${reached('sent', 'delivered', 'read')} then coalesce(${messages.sentAt}, ${when}) else ${messages.sentAt} end`,
      deliveredAt: sql`case when ${reached('delivered', 'read')} then coalesce(${messages.deliveredAt}, ${when}) else ${messages.deliveredAt} end`,
      readAt: sql`case when ${reached('read')} then coalesce(${messages.readAt}, ${when}) else ${messages.readAt} end`,
      failedAt: sql`case when ${reached('failed')} then coalesce(${messages.failedAt}, ${when}) else ${messages.failedAt} end`,
      error: sql`coalesce(${sql.placeholder('error')}::jsonb, ${messages.error})`,
      externalId: sql`coalesce(${sql.placeholder('newExternalId')}::text, ${messages.externalId})`,
      content: sql`coalesce(${sql.placeholder('content')}::jsonb, ${messages.content})`,
    })
    .where(and(target, eq(messages.direction, 'out')))
    .returning();
}

/** Marks a thread's messages of one direction read (up to a message, or all); returns those that changed. */
export async function markRead(
  db: Database,
  conversationId: string,
  direction: MessageDirection,
  at: Date,
  upToMessageId?: string,
): Promise<Message[]> {
  const conditions: SQL[] = [eq(messages.conversationId, conversationId), eq(messages.direction, direction), isNull(messages.readAt)];
  if (upToMessageId) conditions.push(sql`${messages.seq} <= (select m.seq from messages m where m.id = ${upToMessageId})`);
  return db
    .update(messages)
    .set({
      readAt: at,
      deliveredAt: sql`coalesce(${messages.deliveredAt}, ${at.toISOString()}::timestamptz)`,
      status: direction === 'out' ? sql`case when ${messages.status} = 'failed' then 'failed' else 'read' end` : sql`${messages.status}`,
    })
    .where(and(...conditions))
    .returning();
}

/** Inbound messages stored but never processed (a crash between storing and the bot's step). */
export async function listUnprocessedInbound(db: Database, limit = 500): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.direction, 'in'), isNull(messages.processedAt)))
    .orderBy(asc(messages.seq))
    .limit(limit);
}

export interface AttachmentInput {
  id?: string;
  tenant?: string;
  conversationId: string;
  messageId?: string | null;
  uploadedBy: MessageAuthor;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  storagePath: string;
}

export async function insertAttachment(db: Database, input: AttachmentInput): Promise<Attachment> {
  const [row] = await db
    .insert(attachments)
    .values({ ...input, tenant: input.tenant ?? DEFAULT_TENANT, id: input.id ?? newId() })
    .returning();
  return row!;
}

export async function getAttachment(db: Database, id: string): Promise<Attachment | undefined> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
  return row;
}

/** Links uploaded files to their message; only the thread's own, not yet linked files are taken. */
export async function linkAttachments(db: Database, conversationId: string, messageId: string, ids: readonly string[]): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  return db
    .update(attachments)
    .set({ messageId })
    .where(and(inArray(attachments.id, [...ids]), eq(attachments.conversationId, conversationId), isNull(attachments.messageId)))
    .returning();
}
