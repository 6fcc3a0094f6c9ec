// The webchat channel: the citizen's page and widget (GET /chat, /chat/widget.js), WS /ws/chat
// (identify with name, e-mail and CPF or resume with the thread's token; text, choices, typing,
// receipts), file upload/download, and the transport the conversation hub sends through.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ensureConversation,
  findConversation,
  getConversation,
  listMessages,
  markRead,
  upsertContact,
  withAttachments,
  type Conversation,
  type Message,
  type MessageWithAttachments,
} from '@atende/db';
import { ApiError, errorResponse, json, notFound, unauthorized, type ApiRequest, type ChannelModule, type ChannelRoutes, type ChannelServices } from '@atende/router/server';
import {
  attachmentJson,
  fileResponse,
  MAX_ATTACHMENT_BYTES,
  saveUpload,
  type ChannelTransport,
  type ConversationHub,
  type DeliveryResult,
} from '../conversation/index.js';
import { ChatSockets, type ChatConnection } from './client.js';
import { citizenMessageJson, citizenMessageSchema, toInbound, type CitizenMessage } from './mapper.js';

// static/webchat seen from src/webchat and dist/webchat alike (same depth in both trees).
const STATIC = new URL('../../static/webchat/', import.meta.url);
const HISTORY_LIMIT = 300;
const PAGE_POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'";

/** The thread's secret is the token the widget keeps; the database only has its hash. */
const citizenKey = (token: string) => createHash('sha256').update(token).digest('hex');

interface Assets {
  page: string;
  script: string;
  style: string;
}

/** Node bus topic of messages to citizens' sockets. */
const BUS_TOPIC = 'webchat';

export class WebchatChannel implements ChannelModule, ChannelTransport {
  readonly name = 'webchat';
  readonly channel = 'chat' as const;
  private services?: ChannelServices;
  private sockets?: ChatSockets;
  private assets?: Assets;

  constructor(private readonly hub: ConversationHub) {}

  mount(routes: ChannelRoutes, services: ChannelServices): void {
    this.services = services;
    this.hub.register(this);
    this.assets = {
      page: readFileSync(new URL('chat.html', STATIC), 'utf8'),
      script: readFileSync(new URL('widget.js', STATIC), 'utf8'),
      style: readFileSync(new URL('widget.css', STATIC), 'utf8'),
    };
    this.sockets = new ChatSockets({ onMessage: (connection, text) => this.receive(connection, text), bufferLimitBytes: services.config.agentBufferLimitBytes });
    this.sockets.register(routes.app);
    // The citizen's sockets may be held by another router node: every node delivers to its own.
    services.onBroadcast(BUS_TOPIC, (m) => {
      const { conversationId, message } = m as { conversationId: string; message: object };
      this.sockets?.send(conversationId, message);
    });
    const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    const asset = (text: string, contentType: string, extra: Record<string, string> = {}) => () => ({ status: 200, text, contentType, headers: { ...headers, ...extra } });
    routes.http
      .route('GET', '/chat', asset(this.assets.page, 'text/html; charset=utf-8', { 'content-security-policy': PAGE_POLICY }))
      .route('GET', '/chat/widget.js', asset(this.assets.script, 'text/javascript; charset=utf-8'))
      .route('GET', '/chat/widget.css', asset(this.assets.style, 'text/css; charset=utf-8'))
      .route('POST', '/chat/attachments', (req) => this.upload(req), { raw: true, bodyLimitBytes: MAX_ATTACHMENT_BYTES, headers: ['x-chat-token', 'x-file-name'] })
      .route('GET', '/chat/attachments/:id', (req) => this.download(req));
  }

  async close(): Promise<void> {
    this.sockets?.closeAll();
  }

  /** To every socket of the conversation, on whichever node they are. */
  private toCitizen(conversationId: string, message: object): void {
    this.services!.broadcast(BUS_TOPIC, { conversationId, message });
  }

  // ------------------------------------------------------------------ socket

  private receive(connection: ChatConnection, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      connection.send({ type: 'error', error: { code: 'invalid_json', message: 'A mensagem não é um JSON válido.' } });
      return;
    }
    const parsed = citizenMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      connection.send({ type: 'error', requestId: looseId(raw, 'requestId'), clientId: looseId(raw, 'clientId'), error: { code: 'invalid_message', message: 'Mensagem inválida.', details: { fields } } });
      return;
    }
    const message = parsed.data;
    void this.handle(connection, message).catch((err: unknown) => {
      if (!(err instanceof ApiError)) this.services!.log.error({ err, type: message.type }, 'webchat message failed');
      const body = errorResponse(err).body as { error: unknown };
      connection.send({ type: 'error', requestId: 'requestId' in message ? (message.requestId ?? null) : null, clientId: 'clientId' in message ? (message.clientId ?? null) : null, error: body.error });
    });
  }

  private async handle(connection: ChatConnection, message: CitizenMessage): Promise<void> {
    if (message.type === 'ping') return connection.send({ type: 'pong' });
    if (message.type === 'identify') return this.identify(connection, message);
    if (message.type === 'resume') return this.resume(connection, message.token, message.requestId);
    const conversation = await this.bound(connection);
    const db = this.services!.db;
    switch (message.type) {
      case 'text':
      case 'choose': {
        const { message: stored, created } = await this.hub.storeInbound(conversation, {
          input: toInbound(message),
          externalId: message.clientId ? `chat:${conversation.id}:${message.clientId}` : undefined,
          attachmentIds: message.type === 'text' ? message.attachmentIds : undefined,
        });
        connection.send({ type: 'ack', requestId: message.requestId ?? null, clientId: message.clientId ?? null, message: this.json(stored) });
        if (created) {
          this.toCitizen(conversation.id, { type: 'message', message: this.json(stored) });
          this.hub.schedule(conversation.id, stored.id);
        }
        return;
      }
      case 'typing':
        if (conversation.agentId && conversation.interactionId) {
          this.services!.notifyAgent(conversation.agentId, { type: 'conversation', event: 'typing', interactionId: conversation.interactionId, from: 'citizen' });
        }
        return;
      case 'received': {
        const at = new Date(this.hub.now());
        // Only the thread's own outbound messages (applyMessageStatus checks both).
        for (const id of message.messageIds) await this.hub.applyStatus({ id }, 'delivered', at, undefined, conversation);
        return;
      }
      case 'read': {
        const read = await markRead(db, conversation.id, 'out', new Date(this.hub.now()), message.upTo);
        for (const row of await withAttachments(db, read)) this.hub.toAgent(conversation, 'status', row);
        return;
      }
    }
  }

  private async identify(connection: ChatConnection, message: Extract<CitizenMessage, { type: 'identify' }>): Promise<void> {
    const db = this.services!.db;
    const contact = await upsertContact(db, { name: message.name, email: message.email, cpf: message.cpf });
    const token = randomBytes(24).toString('base64url');
    const { conversation } = await ensureConversation(db, {
      channel: 'chat',
      citizenKey: citizenKey(token),
      displayName: message.name,
      contactId: contact.id,
      now: new Date(this.hub.now()),
    });
    connection.bind(conversation.id);
    connection.send({ type: 'identified', requestId: message.requestId ?? null, token, conversation: { id: conversation.id, state: conversation.state }, name: message.name });
    void this.hub.run(conversation.id, () => this.hub.bot.menu(conversation, true));
  }

  private async resume(connection: ChatConnection, token: string, requestId: string | number | undefined): Promise<void> {
    const conversation = await findConversation(this.services!.db, { channel: 'chat', citizenKey: citizenKey(token) });
    if (!conversation) throw new ApiError(404, 'unknown_conversation', 'Conversa não encontrada; identifique-se novamente.');
    connection.bind(conversation.id);
    const history = await listMessages(this.services!.db, { conversationId: conversation.id }, { limit: 5000 });
    connection.send({
      type: 'resumed',
      requestId: requestId ?? null,
      conversation: { id: conversation.id, state: conversation.state },
      name: conversation.displayName,
      messages: history.slice(-HISTORY_LIMIT).map((m) => this.json(m)),
    });
  }

  /** The socket's thread, read fresh (its state changes server-side); 401 before identify/resume. */
  private async bound(connection: ChatConnection): Promise<Conversation> {
    const id = connection.conversationId;
    const conversation = id ? await getConversation(this.services!.db, id) : undefined;
    if (!conversation) throw new ApiError(401, 'not_identified', 'Identifique-se para conversar.');
    return conversation;
  }

  private json(message: MessageWithAttachments) {
    return citizenMessageJson(message, (id) => this.services!.agentName(id));
  }

  // ------------------------------------------------------------------ files

  private async tokenConversation(token: string | null | undefined): Promise<Conversation> {
    if (!token) throw unauthorized('Token da conversa ausente.');
    const conversation = await findConversation(this.services!.db, { channel: 'chat', citizenKey: citizenKey(token) });
    if (!conversation) throw unauthorized('Token da conversa inválido.');
    return conversation;
  }

  private async upload(req: ApiRequest) {
    const conversation = await this.tokenConversation(req.headers['x-chat-token']);
    const file = await saveUpload(this.hub, conversation, 'citizen', req.rawBody!, req.headers['x-file-name']);
    return json(201, attachmentJson(file, 'citizen'));
  }

  private async download(req: ApiRequest) {
    const conversation = await this.tokenConversation(req.query.get('token'));
    const file = await this.hub.files.get(req.params.id!);
    if (!file || file.conversationId !== conversation.id) throw notFound('attachment', { attachmentId: req.params.id });
    return fileResponse(await this.hub.files.read(file), file.mimeType, file.fileName);
  }

  // ------------------------------------------------------------------ transport

  async deliver(conversation: Conversation, message: MessageWithAttachments): Promise<DeliveryResult> {
    this.toCitizen(conversation.id, { type: 'message', message: this.json(message) });
    return { status: 'sent' };
  }

  agentTyping(conversation: Conversation): void {
    this.toCitizen(conversation.id, { type: 'typing', from: 'agent' });
  }

  async agentRead(conversation: Conversation, messages: readonly Message[]): Promise<void> {
    this.toCitizen(conversation.id, { type: 'read', messageIds: messages.map((m) => m.id) });
  }

  statusChanged(conversation: Conversation, message: Message): void {
    if (message.author === 'agent' || message.author === 'bot' || message.author === 'system') {
      this.toCitizen(conversation.id, { type: 'status', messageId: message.id, status: message.status });
    }
  }

  closed(conversation: Conversation, reason: 'inactivity' | 'ended'): void {
    this.toCitizen(conversation.id, { type: 'closed', reason });
  }
}

function looseId(value: unknown, key: string): string | number | null {
  if (value && typeof value === 'object' && key in value) {
    const id = (value as Record<string, unknown>)[key];
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}
