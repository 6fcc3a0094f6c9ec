// The agent's side of a conversation over REST: read it (GET /api/interactions/:id/messages), reply
// (POST …/messages: text, files, WhatsApp templates and interactive messages), typing and read
// receipts, file upload and download. Live updates go to the agent's /ws/agent socket.
import {
  getConversation,
  getConversationByInteraction,
  getMessage,
  listMessages,
  markRead,
  patchConversation,
  type Conversation,
} from '@atende/db';
import { ApiError, canRead, forbidden, json, notFound, parse, type HttpRoutes, type Principal } from '@atende/router/server';
import { z } from 'zod';
import { AttachmentError, contentDisposition, MAX_ATTACHMENT_BYTES } from './attachments.js';
import type { ConversationHub } from './hub.js';
import { outboundContentSchema, templateSchema, type OutboundContent } from './model.js';
import { attachmentJson, maskPhone, messageJson } from './views.js';

const WINDOW_MS = 24 * 3600_000;

const interactiveSchema = z.union([
  outboundContentSchema.options[1], // buttons
  outboundContentSchema.options[2], // list
]);

export const agentMessageSchema = z
  .object({
    text: z.string().trim().min(1).max(4096).optional(),
    attachmentIds: z.array(z.string().min(1).max(100)).min(1).max(10).optional(),
    template: templateSchema.optional(),
    interactive: interactiveSchema.optional(),
  })
  .strict()
  // With a template, `text` is only the preview shown in the console (the template's own text is Meta's).
  .refine((m) => [m.attachmentIds ?? (m.template ? undefined : m.text), m.template, m.interactive].filter((v) => v !== undefined).length === 1, {
    message: 'informe exatamente um conteúdo: text (e/ou attachmentIds), template (text opcional como prévia) ou interactive',
  });

const readSchema = z.object({ upTo: z.string().min(1).max(100).optional() }).strict().optional();

export function toOutbound(message: z.infer<typeof agentMessageSchema>): OutboundContent {
  if (message.template) return { type: 'template', template: message.template, ...(message.text ? { preview: message.text } : {}) };
  if (message.interactive) return message.interactive;
  if (message.attachmentIds) return { type: 'media', ...(message.text ? { text: message.text } : {}) };
  return { type: 'text', text: message.text! };
}

export function conversationRoutes(http: HttpRoutes, hub: ConversationHub): void {
  const services = () => hub.services;

  /** The session the principal may write in: live, active, theirs (or the admin's), with a conversation. */
  const activeSession = async (principal: Principal, interactionId: string): Promise<Conversation> => {
    const view = services().sessions.json(interactionId);
    if (!view) {
      await services().sessions.get(principal, interactionId); // 404 unknown, 403 not theirs
      throw new ApiError(409, 'invalid_state', 'O atendimento não está ativo.', { interactionId });
    }
    if (principal.role === 'agent') {
      if (principal.kind !== 'user' || principal.agentId !== view.agentId) throw new ApiError(403, 'not_your_session', 'O atendimento pertence a outro atendente.');
    } else if (principal.role !== 'admin') {
      throw forbidden();
    }
    if (view.state !== 'active') throw new ApiError(409, 'invalid_state', 'O atendimento não está ativo.', { state: view.state });
    const conversation = await getConversationByInteraction(services().db, interactionId);
    if (!conversation) throw new ApiError(409, 'no_conversation', 'Este atendimento não tem conversa de texto.', { interactionId });
    return conversation;
  };

  http
    .route('GET', '/api/interactions/:id/messages', async (req) => {
      const principal = services().authenticate(req.authorization);
      const id = req.params.id!;
      await services().sessions.get(principal, id);
      const conversation = await getConversationByInteraction(services().db, id);
      if (!conversation) return json(200, { items: [] });
      const items = await listMessages(services().db, { interactionId: id });
      return json(200, { items: items.map((m) => messageJson(m, 'agent')), conversation: conversationJson(conversation, hub.now()) });
    })
    .route('POST', '/api/interactions/:id/messages', async (req) => {
      const principal = services().authenticate(req.authorization);
      const body = parse(agentMessageSchema, req.body);
      const conversation = await activeSession(principal, req.params.id!);
      const content = toOutbound(body);
      if (content.type === 'template' && conversation.channel !== 'whatsapp') {
        throw new ApiError(400, 'template_not_supported', 'Modelos (templates) só existem no WhatsApp; envie texto.');
      }
      const now = hub.now();
      hub.transport(conversation.channel).checkAgentMessage?.(conversation, content, now);
      const agentId = principal.kind === 'user' ? principal.agentId : undefined;
      const message = await hub.send(conversation, 'agent', content, { agentId: agentId ?? conversation.agentId ?? undefined, attachmentIds: body.attachmentIds });
      await patchConversation(services().db, conversation.id, { lastActivityAt: new Date(now), warnedAt: null });
      if (message.status === 'failed') {
        const error = message.error ?? {};
        if (error.code === 'outside_window') throw new ApiError(409, 'outside_window', String(error.message), { message: messageJson(message, 'agent') });
        throw new ApiError(502, 'delivery_failed', 'A mensagem não pôde ser entregue ao canal.', { reason: error.message ?? null, message: messageJson(message, 'agent') });
      }
      return json(201, messageJson(message, 'agent'));
    })
    .route('POST', '/api/interactions/:id/typing', async (req) => {
      const conversation = await activeSession(services().authenticate(req.authorization), req.params.id!);
      hub.transport(conversation.channel).agentTyping?.(conversation);
      return { status: 204 };
    })
    .route('POST', '/api/interactions/:id/read', async (req) => {
      const principal = services().authenticate(req.authorization);
      const body = parse(readSchema, req.body);
      const conversation = await activeSession(principal, req.params.id!);
      const read = await markRead(services().db, conversation.id, 'in', new Date(hub.now()), body?.upTo);
      if (read.length > 0) await hub.transport(conversation.channel).agentRead?.(conversation, read);
      return json(200, { read: read.length });
    })
    .route(
      'POST',
      '/api/interactions/:id/attachments',
      async (req) => {
        const conversation = await activeSession(services().authenticate(req.authorization), req.params.id!);
        const file = await saveUpload(hub, conversation, 'agent', req.rawBody!, req.headers['x-file-name']);
        return json(201, attachmentJson(file, 'agent'));
      },
      { raw: true, bodyLimitBytes: MAX_ATTACHMENT_BYTES, headers: ['x-file-name'] },
    )
    .route('GET', '/api/attachments/:id', async (req) => {
      const principal = services().authenticate(req.authorization);
      const file = await hub.files.get(req.params.id!);
      if (!file) throw notFound('attachment', { attachmentId: req.params.id });
      if (!canRead(principal)) {
        const message = file.messageId ? await getMessage(services().db, file.messageId) : undefined;
        const conversation = await getConversation(services().db, file.conversationId);
        const serving = principal.kind === 'user' && principal.agentId !== undefined && conversation?.agentId === principal.agentId;
        if (!serving) {
          if (!message?.interactionId) throw forbidden();
          await services().sessions.get(principal, message.interactionId); // the agent who held that session
        }
      }
      return fileResponse(await hub.files.read(file), file.mimeType, file.fileName);
    });
}

/** Checks and keeps an uploaded file, turning a refused one into the API's error. */
export async function saveUpload(
  hub: ConversationHub,
  conversation: Conversation,
  uploadedBy: 'agent' | 'citizen',
  bytes: Buffer,
  rawName: string | undefined,
) {
  let fileName: string | undefined;
  try {
    fileName = rawName ? decodeURIComponent(rawName) : undefined;
  } catch {
    fileName = rawName;
  }
  try {
    return await hub.files.save({ conversationId: conversation.id, uploadedBy, fileName, bytes });
  } catch (err) {
    if (err instanceof AttachmentError) {
      const status = err.code === 'attachment_too_large' ? 413 : err.code === 'attachment_type_not_allowed' ? 415 : 400;
      throw new ApiError(status, err.code, err.message, err.details);
    }
    throw err;
  }
}

export function fileResponse(bytes: Buffer, mimeType: string, fileName: string) {
  const inline = mimeType.startsWith('image/') || mimeType === 'application/pdf' || mimeType.startsWith('audio/') || mimeType.startsWith('video/');
  return {
    status: 200,
    bytes,
    contentType: mimeType,
    headers: { 'content-disposition': contentDisposition(fileName, inline), 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=3600' },
  };
}

/** The thread as the console shows it: no raw phone number; WhatsApp's window state for the reply box. */
export function conversationJson(conversation: Conversation, now: number) {
  const json: Record<string, unknown> = {
    id: conversation.id,
    channel: conversation.channel,
    state: conversation.state,
    citizen: { name: conversation.displayName ?? undefined, ...(conversation.channel === 'whatsapp' ? { phone: maskPhone(conversation.citizenKey) } : {}) },
  };
  if (conversation.channel === 'whatsapp') {
    const last = conversation.lastInboundAt?.getTime();
    json.window = {
      open: last !== undefined && now - last < WINDOW_MS,
      lastInboundAt: last === undefined ? null : new Date(last).toISOString(),
      closesAt: last === undefined ? null : new Date(last + WINDOW_MS).toISOString(),
    };
  }
  return json;
}
