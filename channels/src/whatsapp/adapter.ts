// The WhatsApp channel: the Cloud API webhook (GET verification, POST notifications signed with
// X-Hub-Signature-256 and stored before the 200) and the transport the conversation hub sends
// through (text, interactive, templates, media; the 24-hour customer-service window; read receipts).
// https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ensureConversation, findConversation, listMessages, updateConversation, updateMessage, type Conversation, type Message, type MessageWithAttachments } from '@atende/db';
import { ApiError, type ApiRequest, type ApiResponse, type ChannelModule, type ChannelRoutes, type ChannelServices } from '@atende/router/server';
import {
  AttachmentError,
  DeliveryError,
  MAX_ATTACHMENT_BYTES,
  tooLarge,
  type ChannelTransport,
  type ConversationHub,
  type DeliveryResult,
  type InboundInput,
  type OutboundContent,
} from '../conversation/index.js';
import { GraphClient, GraphError, type GraphConfig } from './client.js';
import { mediaKind, OUTSIDE_WINDOW_CODE, parseNotification, toGraphMediaMessage, toGraphMessage, toReadReceipt, toTypingIndicator } from './mapper.js';

export interface WhatsAppConfig {
  verifyToken?: string;
  appSecret?: string;
  accessToken?: string;
  phoneNumberId?: string;
  graphUrl: string;
  graphVersion: string;
  timeoutMs?: number;
}

const WINDOW_MS = 24 * 3600_000;
// Meta batches notifications; a few hundred KB is already far more than one POST carries.
const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;
// Statuses that arrive before the send's answer gave us the wamid are kept this long.
const EARLY_STATUS_TTL_MS = 5 * 60_000;
// Meta's typing indicator lasts 25 s: the agent's typing (sent every few seconds) refreshes it at most this often.
const TYPING_REFRESH_MS = 20_000;

export const OUTSIDE_WINDOW_MESSAGE =
  'Fora da janela de 24 horas do WhatsApp: o cidadão não envia mensagem há mais de 24 horas, e só é permitido enviar um modelo (template) aprovado para retomar o contato.';

/** X-Hub-Signature-256 check: HMAC-SHA256 of the raw body with the app secret, compared in constant time. */
export function validSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class WhatsAppChannel implements ChannelModule, ChannelTransport {
  readonly name = 'whatsapp';
  readonly channel = 'whatsapp' as const;
  private readonly client?: GraphClient;
  private services?: ChannelServices;
  private readonly earlyStatuses = new Map<string, { at: number; apply: () => Promise<unknown> }[]>();
  /** When a typing indicator last went to each conversation (Meta shows it for 25 s or until our next message). */
  private readonly typingShownAt = new Map<string, number>();

  constructor(
    private readonly hub: ConversationHub,
    private readonly config: WhatsAppConfig,
  ) {
    if (config.accessToken && config.phoneNumberId) {
      const graph: GraphConfig = { graphUrl: config.graphUrl, graphVersion: config.graphVersion, accessToken: config.accessToken, phoneNumberId: config.phoneNumberId, timeoutMs: config.timeoutMs };
      this.client = new GraphClient(graph);
    }
  }

  mount(routes: ChannelRoutes, services: ChannelServices): void {
    this.services = services;
    this.hub.register(this);
    if (!this.client || !this.config.appSecret || !this.config.verifyToken) {
      services.log.warn('WhatsApp not fully configured (WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID)');
    }
    routes.http
      .route('GET', '/webhooks/whatsapp', (req) => this.verify(req))
      .route('POST', '/webhooks/whatsapp', (req) => this.notification(req), { raw: true, bodyLimitBytes: WEBHOOK_BODY_LIMIT, headers: ['x-hub-signature-256'] });
  }

  // ------------------------------------------------------------------ webhook

  /** Subscription check: echo hub.challenge when the verify token matches. */
  private verify(req: ApiRequest): ApiResponse {
    const mode = req.query.get('hub.mode');
    const token = req.query.get('hub.verify_token') ?? '';
    const challenge = req.query.get('hub.challenge') ?? '';
    const expected = this.config.verifyToken;
    if (mode === 'subscribe' && expected && challenge !== '' && sameToken(token, expected)) return { status: 200, text: challenge };
    throw new ApiError(403, 'forbidden', 'Token de verificação do webhook inválido.');
  }

  /** Verifies, stores every message and status, and only then answers 200 (Meta redelivers otherwise). */
  private async notification(req: ApiRequest): Promise<ApiResponse> {
    const secret = this.config.appSecret;
    if (!secret) throw new ApiError(503, 'whatsapp_not_configured', 'O canal WhatsApp não está configurado.');
    const raw = req.rawBody ?? Buffer.alloc(0);
    if (!validSignature(raw, req.headers['x-hub-signature-256'], secret)) {
      throw new ApiError(401, 'invalid_signature', 'Assinatura X-Hub-Signature-256 ausente ou inválida.');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, 'invalid_json', 'O corpo não é um JSON válido.');
    }
    const parsed = parseNotification(body);
    if (!parsed) throw new ApiError(400, 'invalid_notification', 'Notificação do WhatsApp em formato inesperado.');
    const services = this.services!;
    const toProcess: [string, string][] = [];
    for (const event of parsed.events) {
      if (this.config.phoneNumberId && event.phoneNumberId && event.phoneNumberId !== this.config.phoneNumberId) {
        services.log.warn({ phoneNumberId: event.phoneNumberId }, 'WhatsApp notification for another phone number ignored');
        continue;
      }
      if (event.type === 'message') {
        const stored = await this.storeMessage(event.waId, event.profileName, event.externalId, event.sentAt, event.input);
        if (stored) toProcess.push(stored);
      } else {
        const error = event.error ? { code: event.error.code === OUTSIDE_WINDOW_CODE ? 'outside_window' : 'whatsapp_error', graphCode: event.error.code, message: event.error.message ?? event.error.title ?? '', details: event.error.details } : undefined;
        const apply = () => this.hub.applyStatus({ externalId: event.externalId }, event.status, event.at, error);
        if (!(await apply())) this.keepEarly(event.externalId, apply);
      }
    }
    if (parsed.skipped > 0) services.log.warn({ skipped: parsed.skipped }, 'WhatsApp notification parts skipped');
    for (const [conversationId, messageId] of toProcess) this.hub.schedule(conversationId, messageId);
    return { status: 200, text: 'EVENT_RECEIVED' };
  }

  private async storeMessage(waId: string, profileName: string | undefined, externalId: string, sentAt: Date, input: InboundInput): Promise<[string, string] | undefined> {
    const db = this.services!.db;
    // A known citizen (every message after the first) is one read; the first contact creates the thread.
    let conversation =
      (await findConversation(db, { channel: 'whatsapp', citizenKey: waId })) ??
      (await ensureConversation(db, { channel: 'whatsapp', citizenKey: waId, displayName: profileName ?? null, now: new Date(this.hub.now()) })).conversation;
    if (profileName && conversation.displayName !== profileName) conversation = await updateConversation(db, conversation.id, { displayName: profileName });
    const { message, created } = await this.hub.storeInbound(conversation, { input, externalId, sentAt });
    return created ? [conversation.id, message.id] : undefined;
  }

  private keepEarly(externalId: string, apply: () => Promise<unknown>): void {
    const now = Date.now();
    for (const [id, list] of this.earlyStatuses) if (list.every((s) => now - s.at > EARLY_STATUS_TTL_MS)) this.earlyStatuses.delete(id);
    this.earlyStatuses.set(externalId, [...(this.earlyStatuses.get(externalId) ?? []), { at: now, apply }]);
  }

  // ------------------------------------------------------------------ transport

  checkAgentMessage(conversation: Conversation, content: OutboundContent, now: number): void {
    if (content.type === 'template') return;
    const last = conversation.lastInboundAt?.getTime();
    if (last === undefined || now - last >= WINDOW_MS) {
      throw new ApiError(409, 'outside_window', OUTSIDE_WINDOW_MESSAGE, {
        lastInboundAt: last === undefined ? null : new Date(last).toISOString(),
        windowClosedAt: last === undefined ? null : new Date(last + WINDOW_MS).toISOString(),
      });
    }
  }

  async deliver(conversation: Conversation, message: MessageWithAttachments, content: OutboundContent): Promise<DeliveryResult> {
    const client = this.requireClient();
    const to = conversation.citizenKey;
    // Our message dismisses Meta's typing indicator: the agent's next keystrokes show it again.
    this.typingShownAt.delete(conversation.id);
    try {
      if (content.type !== 'media' && message.attachments.length === 0) return { externalId: await client.sendMessage(toGraphMessage(to, content)), status: 'sent' };
      // Files: one media message each (Meta has no album), the text as the first caption when it can carry one.
      const caption = content.type === 'media' || content.type === 'text' ? content.text : undefined;
      const ids: string[] = [];
      let captionSent = false;
      for (const file of message.attachments) {
        const kind = mediaKind(file.mimeType);
        const mediaId = await client.upload(await this.hub.files.read(file), file.mimeType, file.fileName);
        const withCaption: boolean = !captionSent && caption !== undefined && kind !== 'audio';
        ids.push(await client.sendMessage(toGraphMediaMessage(to, kind, mediaId, { caption: withCaption ? caption : undefined, fileName: file.fileName })));
        captionSent ||= withCaption;
      }
      if (caption && !captionSent) ids.push(await client.sendMessage(toGraphMessage(to, { type: 'text', text: caption })));
      return { externalId: ids[0], status: 'sent', extra: ids.length > 1 ? { externalIds: ids } : undefined };
    } catch (err) {
      throw deliveryError(err);
    }
  }

  /** Downloads an inbound file through the media endpoint and keeps it (size and type rules apply). */
  async completeInbound(conversation: Conversation, message: Message): Promise<boolean> {
    const content = message.content as InboundInput & Record<string, unknown>;
    if (content.kind !== 'media' || !content.mediaId || content.attachmentId || content.mediaError) return false;
    const client = this.requireClient();
    try {
      const info = await client.mediaInfo(content.mediaId);
      if (info.file_size !== undefined && info.file_size > MAX_ATTACHMENT_BYTES) throw tooLarge(info.file_size);
      let bytes: Buffer;
      try {
        bytes = await client.download(info.url, MAX_ATTACHMENT_BYTES);
      } catch (err) {
        if (err instanceof GraphError && err.code === 413) throw tooLarge();
        throw err;
      }
      const file = await this.hub.files.save({ conversationId: conversation.id, uploadedBy: 'citizen', fileName: content.fileName ?? `whatsapp-${content.mediaId}`, bytes, messageId: message.id });
      await updateMessage(this.services!.db, message.id, { content: { ...content, attachmentId: file.id } });
    } catch (err) {
      if (!(err instanceof AttachmentError)) throw err;
      await updateMessage(this.services!.db, message.id, { content: { ...content, mediaError: { code: err.code, message: err.message } } });
      await this.hub.send(conversation, 'system', { type: 'text', text: `Não foi possível receber seu arquivo: ${err.message}` });
    }
    return true;
  }

  /** The agent types: the citizen sees "digitando…" on the newest message they sent (refreshed every 20 s at most). */
  agentTyping(conversation: Conversation): void {
    if (!this.client) return;
    const now = this.hub.now();
    const shown = this.typingShownAt.get(conversation.id);
    if (shown !== undefined && now - shown < TYPING_REFRESH_MS) return;
    this.typingShownAt.set(conversation.id, now);
    void this.showTyping(conversation).catch((err: unknown) => {
      this.typingShownAt.delete(conversation.id);
      this.services?.log.warn({ err }, 'WhatsApp typing indicator failed');
    });
  }

  private async showTyping(conversation: Conversation): Promise<void> {
    const scope = conversation.interactionId ? { interactionId: conversation.interactionId } : { conversationId: conversation.id };
    const messages = await listMessages(this.services!.db, scope, { limit: 5000 });
    const newest = messages.findLast((m) => m.direction === 'in' && m.externalId);
    if (newest) await this.client!.post(toTypingIndicator(newest.externalId!));
  }

  closed(conversation: Conversation): void {
    this.typingShownAt.delete(conversation.id);
  }

  async agentRead(_conversation: Conversation, messages: readonly Message[]): Promise<void> {
    // One receipt for the newest message marks the earlier ones read too.
    const newest = [...messages].reverse().find((m) => m.externalId);
    if (!newest || !this.client) return;
    await this.client.post(toReadReceipt(newest.externalId!)).catch((err: unknown) => this.services?.log.warn({ err }, 'WhatsApp read receipt failed'));
  }

  statusChanged(_conversation: Conversation, message: Message): void {
    if (!message.externalId) return;
    const early = this.earlyStatuses.get(message.externalId);
    if (!early) return;
    this.earlyStatuses.delete(message.externalId);
    for (const status of early) void status.apply().catch((err: unknown) => this.services?.log.warn({ err }, 'early status failed'));
  }

  private requireClient(): GraphClient {
    if (!this.client) throw new DeliveryError('whatsapp_not_configured', 'O canal WhatsApp não está configurado (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID).');
    return this.client;
  }
}

function deliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof GraphError) {
    if (err.code === OUTSIDE_WINDOW_CODE) return new DeliveryError('outside_window', OUTSIDE_WINDOW_MESSAGE, { graphCode: err.code });
    return new DeliveryError('whatsapp_error', err.message, { graphCode: err.code, httpStatus: err.httpStatus, details: err.details ?? null, fbtraceId: err.fbtraceId ?? null });
  }
  return new DeliveryError('delivery_failed', err instanceof Error ? err.message : String(err));
}
