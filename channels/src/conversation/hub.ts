// The conversation hub: what every text channel shares. Channels store inbound messages through it
// (durable before they acknowledge), it runs each thread's work in order (bot, handoff, agent relay),
// sends outbound messages through the thread's channel and tracks their status.
import { join } from 'node:path';
import {
  applyMessageStatus,
  getConversation,
  getMessageWithAttachments,
  insertMessage,
  linkAttachments,
  listConversations,
  listUnprocessedInbound,
  patchConversation,
  updateConversation,
  updateMessage,
  withAttachments,
  type Attachment,
  type Conversation,
  type ConversationChannel,
  type ConversationPatch,
  type Message,
  type MessageAuthor,
  type MessageStatus,
  type MessageWithAttachments,
} from '@atende/db';
import type { GroupConfig } from '@atende/router';
import type { ChannelModule, ChannelRoutes, ChannelServices } from '@atende/router/server';
import { Knowledge } from '../knowledge/index.js';
import { FileStore } from './attachments.js';
import { Bot } from './bot.js';
import { Handoff } from './handoff.js';
import { sweepIdle } from './idle.js';
import { DeliveryError, outboundText, type ChannelTransport, type InboundInput, type OutboundContent } from './model.js';
import { KeyedQueue } from './queue.js';
import { conversationRoutes } from './routes.js';
import { messageJson } from './views.js';

export interface HubOptions {
  /** Where attachments are kept; default <ATENDE_DATA_DIR>/attachments. */
  attachmentsDir?: string;
  /** Inactivity: warn after, close after (defaults 15 and 20 minutes). */
  idleWarnMs?: number;
  idleCloseMs?: number;
  /** How often inactivity and business-hours openings are checked (default 30 s). */
  sweepIntervalMs?: number;
  /** How the bot names the agency to citizens ("SEFAZ"). */
  agencyName?: string;
  /** Seed the demo knowledge base on start (`--demo`). */
  seedDemoKnowledge?: boolean;
}

export interface StoreInbound {
  input: InboundInput;
  /** The channel's message id: a redelivery is stored once. */
  externalId?: string;
  /** When the citizen sent it (WhatsApp's timestamp): the 24-hour window counts from here. */
  sentAt?: Date;
  attachmentIds?: readonly string[];
}

export class ConversationHub implements ChannelModule {
  readonly name = 'conversas';
  readonly idleWarnMs: number;
  readonly idleCloseMs: number;
  readonly agencyName: string;
  readonly bot = new Bot(this);
  readonly handoff = new Handoff(this);
  /** Current sessions of threads: interaction id → conversation id. */
  readonly interactions = new Map<string, string>();
  private readonly transports = new Map<ConversationChannel, ChannelTransport>();
  private mounted?: { services: ChannelServices; files: FileStore; knowledge: Knowledge };
  private readonly queue: KeyedQueue;
  private sweepTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private closing = false;

  constructor(private readonly options: HubOptions = {}) {
    this.idleWarnMs = options.idleWarnMs ?? 15 * 60_000;
    this.idleCloseMs = options.idleCloseMs ?? 20 * 60_000;
    this.agencyName = options.agencyName ?? 'SEFAZ';
    this.queue = new KeyedQueue((err, key) => this.mounted?.services.log.error({ err, conversationId: key }, 'conversation task failed'));
  }

  register(transport: ChannelTransport): void {
    this.transports.set(transport.channel, transport);
  }

  get services(): ChannelServices {
    if (!this.mounted) throw new Error('conversation hub used before the server mounted it');
    return this.mounted.services;
  }

  get files(): FileStore {
    return this.mounted!.files;
  }

  get knowledge(): Knowledge {
    return this.mounted!.knowledge;
  }

  now(): number {
    return this.services.clock();
  }

  transport(channel: ConversationChannel): ChannelTransport {
    const transport = this.transports.get(channel);
    if (!transport) throw new Error(`no transport registered for ${channel}`);
    return transport;
  }

  mount(routes: ChannelRoutes, services: ChannelServices): Promise<void> {
    const dataDir = services.config.dataDir.startsWith('memory://') ? join(process.cwd(), '.atende') : services.config.dataDir;
    this.mounted = {
      services,
      files: new FileStore(services.db, this.options.attachmentsDir ?? join(dataDir, 'attachments')),
      knowledge: new Knowledge(services.db),
    };
    this.unsubscribe = services.subscribe((events) => this.handoff.onEvents(events));
    conversationRoutes(routes.http, this);
    return this.start();
  }

  private async start(): Promise<void> {
    if (this.options.seedDemoKnowledge) await this.knowledge.seedDemo();
    else await this.knowledge.reload();
    await this.handoff.recover();
    for (const message of await listUnprocessedInbound(this.services.db)) this.schedule(message.conversationId, message.id);
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 30_000);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    this.unsubscribe?.();
    await this.queue.idle();
  }

  /** Runs work on a thread after everything already queued on it. Never await it from inside a task of the same thread. */
  run(conversationId: string, task: () => Promise<void>): Promise<void> {
    return this.queue.run(conversationId, task);
  }

  /** Resolves when no thread has work left (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue.idle();
  }

  private sweep(): void {
    if (this.closing) return;
    void (async () => {
      await sweepIdle(this);
      await this.handoff.openPending();
    })().catch((err: unknown) => this.services.log.error({ err }, 'conversation sweep failed'));
  }

  // ------------------------------------------------------------------ groups

  group(groupId: string | null | undefined): GroupConfig | undefined {
    return groupId ? this.services.groups().find((g) => g.id === groupId) : undefined;
  }

  /** The themes citizens choose from: the entry (N1) groups, at most the 10 a WhatsApp list holds. */
  menuGroups(): GroupConfig[] {
    return this.services
      .groups()
      .filter((g) => g.level === 1)
      .slice(0, 10);
  }

  // ------------------------------------------------------------------ inbound

  /** Stores a citizen's message (before the channel acknowledges it); `created` is false for a redelivery. */
  async storeInbound(conversation: Conversation, inbound: StoreInbound): Promise<{ message: MessageWithAttachments; created: boolean }> {
    const now = new Date(this.now());
    const { input } = inbound;
    const withSession = conversation.state === 'queued' || conversation.state === 'active';
    const { message, created } = await insertMessage(this.services.db, {
      conversationId: conversation.id,
      interactionId: withSession ? conversation.interactionId : null,
      direction: 'in',
      author: 'citizen',
      kind: input.kind === 'choice' ? 'interactive' : input.kind === 'unsupported' ? 'text' : input.kind,
      text: inboundText(input),
      content: { ...input },
      externalId: inbound.externalId ?? null,
      status: 'received',
      createdAt: now,
    });
    if (!created) return { message: (await withAttachments(this.services.db, [message]))[0]!, created };
    const attachments = inbound.attachmentIds?.length ? inOrder(await linkAttachments(this.services.db, conversation.id, message.id, inbound.attachmentIds)) : [];
    const sentAt = inbound.sentAt ?? now;
    const lastInbound = conversation.lastInboundAt && conversation.lastInboundAt > sentAt ? conversation.lastInboundAt : sentAt;
    await patchConversation(this.services.db, conversation.id, { lastInboundAt: lastInbound, lastActivityAt: now, warnedAt: null });
    return { message: { ...message, attachments }, created };
  }

  /** Processes a stored inbound message on its thread's queue. */
  schedule(conversationId: string, messageId: string): void {
    void this.run(conversationId, () => this.process(conversationId, messageId));
  }

  private async process(conversationId: string, messageId: string): Promise<void> {
    const db = this.services.db;
    let message = await getMessageWithAttachments(db, messageId);
    const conversation = await getConversation(db, conversationId);
    if (!message || message.processedAt || !conversation) return;
    let changed: boolean | void = true;
    try {
      changed = await this.transport(conversation.channel).completeInbound?.(conversation, message);
    } catch (err) {
      changed = true;
      this.services.log.warn({ err, messageId }, 'inbound message could not be completed');
    }
    if (changed) message = (await getMessageWithAttachments(db, messageId))!;
    const input = message.content as InboundInput;
    switch (conversation.state) {
      case 'queued':
      case 'active':
        if (!message.interactionId && conversation.interactionId) await updateMessage(db, message.id, { interactionId: conversation.interactionId });
        this.toAgent(conversation, 'message', message);
        break;
      case 'pending':
        await this.handoff.notePending(conversation);
        break;
      case 'bot':
      case 'closed':
        await this.bot.step(conversation, message, input);
        break;
    }
    await updateMessage(db, messageId, { processedAt: new Date(this.now()) });
  }

  // ------------------------------------------------------------------ outbound

  /**
   * Stores and sends a message to the citizen. Delivery failures are kept on the message (status
   * failed, error) and returned, not thrown: the caller decides what the agent is told.
   */
  async send(
    conversation: Conversation,
    author: Exclude<MessageAuthor, 'citizen'>,
    content: OutboundContent,
    /** `marks`: flags kept in the message's content (e.g. `handoff`, the first message of the human part). */
    options: { agentId?: string; attachmentIds?: readonly string[]; marks?: Record<string, unknown> } = {},
  ): Promise<MessageWithAttachments> {
    const db = this.services.db;
    const withSession = conversation.state === 'queued' || conversation.state === 'active';
    const { message } = await insertMessage(db, {
      conversationId: conversation.id,
      interactionId: withSession ? conversation.interactionId : null,
      direction: 'out',
      author,
      agentId: options.agentId ?? null,
      kind: content.type === 'text' ? (author === 'system' ? 'system' : 'text') : content.type === 'buttons' || content.type === 'list' ? 'interactive' : content.type,
      text: outboundText(content),
      content: { ...(content.type === 'text' || content.type === 'media' ? {} : content), ...options.marks },
      status: 'pending',
      createdAt: new Date(this.now()),
    });
    // A fresh message has no files but those linked here: no need to read them back.
    const attachments = options.attachmentIds?.length ? inOrder(await linkAttachments(db, conversation.id, message.id, options.attachmentIds)) : [];
    const pending: MessageWithAttachments = { ...message, attachments };
    this.toAgent(conversation, 'message', pending);
    let updated: Message | undefined;
    try {
      const result = await this.transport(conversation.channel).deliver(conversation, pending, content);
      // The channel's answer (its id, extra content) and the status in one statement.
      updated = await applyMessageStatus(db, { id: message.id }, result.status, new Date(this.now()), undefined, {
        ...(result.externalId ? { externalId: result.externalId } : {}),
        ...(result.extra ? { content: { ...message.content, ...result.extra } } : {}),
      });
    } catch (err) {
      const error =
        err instanceof DeliveryError
          ? { code: err.code, message: err.message, ...err.details }
          : { code: 'delivery_failed', message: err instanceof Error ? err.message : String(err) };
      if (!(err instanceof DeliveryError)) this.services.log.warn({ err, messageId: message.id }, 'message delivery failed');
      updated = await applyMessageStatus(db, { id: message.id }, 'failed', new Date(this.now()), error);
    }
    if (!updated) return pending;
    const full: MessageWithAttachments = { ...updated, attachments };
    this.statusApplied(conversation, full);
    return full;
  }

  /** Records a delivery status and tells the agent and the channel; undefined for an unknown message. */
  async applyStatus(
    target: { id: string } | { externalId: string },
    status: Exclude<MessageStatus, 'received'>,
    at: Date,
    error?: Record<string, unknown>,
    /** The thread, read fresh by the caller: an id target must be one of its messages, and it is not read again. */
    thread?: Conversation,
  ): Promise<MessageWithAttachments | undefined> {
    const db = this.services.db;
    const updated = await applyMessageStatus(db, thread && 'id' in target ? { id: target.id, conversationId: thread.id } : target, status, at, error);
    if (!updated) return undefined;
    const [full] = await withAttachments(db, [updated]);
    const conversation = thread?.id === updated.conversationId ? thread : await getConversation(db, updated.conversationId);
    if (conversation) this.statusApplied(conversation, full!);
    return full;
  }

  /** A message's status changed: the agent's console and the channel are told. */
  private statusApplied(conversation: Conversation, message: MessageWithAttachments): void {
    this.toAgent(conversation, 'status', message);
    this.transports.get(conversation.channel)?.statusChanged?.(conversation, message);
  }

  // ------------------------------------------------------------------ helpers

  async update(conversation: Conversation, patch: ConversationPatch): Promise<Conversation> {
    return updateConversation(this.services.db, conversation.id, patch);
  }

  /** Pushes a conversation event to the agent serving the thread, live in the console. */
  toAgent(conversation: Conversation, event: 'message' | 'status', message: MessageWithAttachments): void {
    if (!conversation.agentId || !conversation.interactionId) return;
    this.services.notifyAgent(conversation.agentId, {
      type: 'conversation',
      event,
      interactionId: conversation.interactionId,
      message: messageJson(message, 'agent'),
    });
  }

  async threadsIdleSince(before: Date): Promise<Conversation[]> {
    return listConversations(this.services.db, { states: ['bot', 'active'], idleBefore: before });
  }
}

/** Files in the order a message lists them (as withAttachments reads them). */
function inOrder(files: Attachment[]): Attachment[] {
  return files.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

function inboundText(input: InboundInput): string | null {
  switch (input.kind) {
    case 'text':
      return input.text;
    case 'choice':
      return input.title;
    case 'media':
      return input.caption ?? null;
    case 'location':
      return [input.name, input.address].filter(Boolean).join(' — ') || `${input.latitude}, ${input.longitude}`;
    case 'unsupported':
      return null;
  }
}
