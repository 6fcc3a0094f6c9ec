// WhatsApp Cloud API wire ↔ conversation domain, pure. Inbound: webhook notifications → messages and
// statuses (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components). Outbound:
// domain content → POST /{phone-number-id}/messages bodies (…/cloud-api/reference/messages).
import { z } from 'zod';
import type { InboundInput, OutboundContent } from '../conversation/index.js';

// ------------------------------------------------------------------ inbound (webhook)

const mediaSchema = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
});

const inboundMessageSchema = z
  .object({
    from: z.string().min(1),
    id: z.string().min(1),
    timestamp: z.string().regex(/^\d+$/),
    type: z.string(),
    context: z.object({ from: z.string().optional(), id: z.string().optional() }).loose().optional(),
    text: z.object({ body: z.string() }).optional(),
    image: mediaSchema.optional(),
    document: mediaSchema.optional(),
    audio: mediaSchema.optional(),
    video: mediaSchema.optional(),
    sticker: mediaSchema.optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
        list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
      })
      .optional(),
    /** A tapped quick-reply button of a template. */
    button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
    location: z
      .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
      .optional(),
  })
  .loose();

const statusSchema = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    timestamp: z.string().regex(/^\d+$/),
    recipient_id: z.string(),
    errors: z
      .array(
        z
          .object({
            code: z.number(),
            title: z.string().optional(),
            message: z.string().optional(),
            error_data: z.object({ details: z.string().optional() }).loose().optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

const valueSchema = z
  .object({
    metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string() }).loose().optional(),
    contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).loose().optional() }).loose()).optional(),
    messages: z.array(z.unknown()).optional(),
    statuses: z.array(z.unknown()).optional(),
  })
  .loose();

export const notificationSchema = z.object({
  object: z.string(),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.unknown() }).loose()) }).loose()),
});

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export type WhatsAppEvent =
  | {
      type: 'message';
      phoneNumberId?: string;
      /** The citizen's WhatsApp id (their number in international format, digits only). */
      waId: string;
      profileName?: string;
      externalId: string;
      sentAt: Date;
      input: InboundInput;
    }
  | {
      type: 'status';
      phoneNumberId?: string;
      externalId: string;
      status: DeliveryStatus;
      at: Date;
      error?: { code: number; title?: string; message?: string; details?: string };
    };

export interface ParsedNotification {
  events: WhatsAppEvent[];
  /** Parts skipped as malformed or of unknown kinds (counted, never fatal: Meta would redeliver forever). */
  skipped: number;
}

const STATUSES = new Set<DeliveryStatus>(['sent', 'delivered', 'read', 'failed']);

/** A notification body → events in payload order; null when the envelope itself is not a notification. */
export function parseNotification(body: unknown): ParsedNotification | null {
  const envelope = notificationSchema.safeParse(body);
  if (!envelope.success || envelope.data.object !== 'whatsapp_business_account') return null;
  const events: WhatsAppEvent[] = [];
  let skipped = 0;
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      const value = valueSchema.safeParse(change.value);
      if (change.field !== 'messages' || !value.success) {
        skipped += 1;
        continue;
      }
      const phoneNumberId = value.data.metadata?.phone_number_id;
      const names = new Map((value.data.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
      for (const raw of value.data.messages ?? []) {
        const message = inboundMessageSchema.safeParse(raw);
        if (!message.success) {
          skipped += 1;
          continue;
        }
        const m = message.data;
        events.push({
          type: 'message',
          phoneNumberId,
          waId: m.from,
          profileName: names.get(m.from) ?? undefined,
          externalId: m.id,
          sentAt: new Date(Number(m.timestamp) * 1000),
          input: inboundInput(m),
        });
      }
      for (const raw of value.data.statuses ?? []) {
        const status = statusSchema.safeParse(raw);
        if (!status.success || !STATUSES.has(status.data.status as DeliveryStatus)) {
          skipped += 1;
          continue;
        }
        const s = status.data;
        const first = s.errors?.[0];
        events.push({
          type: 'status',
          phoneNumberId,
          externalId: s.id,
          status: s.status as DeliveryStatus,
          at: new Date(Number(s.timestamp) * 1000),
          ...(first ? { error: { code: first.code, title: first.title, message: first.message, details: first.error_data?.details } } : {}),
        });
      }
    }
  }
  return { events, skipped };
}

function inboundInput(m: z.infer<typeof inboundMessageSchema>): InboundInput {
  switch (m.type) {
    case 'text':
      return m.text ? { kind: 'text', text: m.text.body } : { kind: 'unsupported', type: m.type };
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return reply ? { kind: 'choice', id: reply.id, title: reply.title } : { kind: 'unsupported', type: `interactive:${m.interactive?.type ?? '?'}` };
    }
    case 'button':
      return m.button ? { kind: 'choice', id: m.button.payload ?? m.button.text, title: m.button.text } : { kind: 'unsupported', type: m.type };
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker': {
      const media = m[m.type];
      if (!media) return { kind: 'unsupported', type: m.type };
      return {
        kind: 'media',
        mediaId: media.id,
        ...(media.mime_type ? { mimeType: media.mime_type } : {}),
        ...(media.sha256 ? { sha256: media.sha256 } : {}),
        ...(media.caption ? { caption: media.caption } : {}),
        ...(media.filename ? { fileName: media.filename } : {}),
        ...(media.voice !== undefined ? { voice: media.voice } : {}),
      };
    }
    case 'location':
      return m.location ? { kind: 'location', ...m.location } : { kind: 'unsupported', type: m.type };
    default:
      return { kind: 'unsupported', type: m.type };
  }
}

// ------------------------------------------------------------------ outbound (messages)

// Cloud API limits: reply button title ≤ 20, list row title ≤ 24, description ≤ 72, body ≤ 1024 (interactive).
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export type GraphMessage = Record<string, unknown>;

/** The request body that sends `content` to `to` (text, interactive buttons/list, template). */
export function toGraphMessage(to: string, content: Exclude<OutboundContent, { type: 'media' }>): GraphMessage {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
  switch (content.type) {
    case 'text':
      return { ...base, type: 'text', text: { preview_url: false, body: content.text } };
    case 'buttons':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: clip(content.text, 1024) },
          action: { buttons: content.buttons.slice(0, 3).map((b) => ({ type: 'reply', reply: { id: b.id, title: clip(b.title, 20) } })) },
        },
      };
    case 'list':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list',
          ...(content.header ? { header: { type: 'text', text: clip(content.header, 60) } } : {}),
          body: { text: clip(content.text, 1024) },
          ...(content.footer ? { footer: { text: clip(content.footer, 60) } } : {}),
          action: {
            button: clip(content.button, 20),
            sections: content.sections.map((s) => ({
              title: clip(s.title, 24),
              rows: s.rows.slice(0, 10).map((r) => ({ id: r.id, title: clip(r.title, 24), ...(r.description ? { description: clip(r.description, 72) } : {}) })),
            })),
          },
        },
      };
    case 'template':
      return { messaging_product: 'whatsapp', to, type: 'template', template: content.template };
  }
}

export type MediaKind = 'image' | 'audio' | 'video' | 'document';

/** Which media message carries a file of this (detected) type; anything else goes as a document. */
export function mediaKind(mimeType: string): MediaKind {
  if (mimeType === 'image/jpeg' || mimeType === 'image/png') return 'image';
  if (/^audio\/(ogg|opus|mpeg|mp4|aac|amr)$/.test(mimeType)) return 'audio';
  if (mimeType === 'video/mp4' || mimeType === 'video/3gpp') return 'video';
  return 'document';
}

export function toGraphMediaMessage(to: string, kind: MediaKind, mediaId: string, options: { caption?: string; fileName?: string }): GraphMessage {
  const media: Record<string, unknown> = { id: mediaId };
  if (options.caption && kind !== 'audio') media.caption = clip(options.caption, 1024);
  if (kind === 'document' && options.fileName) media.filename = options.fileName;
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: kind, [kind]: media };
}

/** Marks an inbound message (and the ones before it) read: the citizen sees the blue ticks. */
export function toReadReceipt(messageId: string): GraphMessage {
  return { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
}

/**
 * The agent is typing: Meta shows "digitando…" to the citizen (it also marks the message, and the
 * ones before it, read) until the next message or for 25 seconds.
 */
export function toTypingIndicator(messageId: string): GraphMessage {
  return { ...toReadReceipt(messageId), typing_indicator: { type: 'text' } };
}

// ------------------------------------------------------------------ Graph answers

export const sendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(z.object({ input: z.string(), wa_id: z.string() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

export const mediaUrlSchema = z.object({
  url: z.url(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  file_size: z.coerce.number().int().nonnegative().optional(),
  id: z.string(),
});

export const graphErrorSchema = z.object({
  error: z
    .object({
      message: z.string(),
      type: z.string().optional(),
      code: z.number(),
      error_subcode: z.number().optional(),
      error_data: z.object({ details: z.string().optional() }).loose().optional(),
      fbtrace_id: z.string().optional(),
    })
    .loose(),
});

/** Graph error code of a free-form message outside the 24-hour customer-service window. */
export const OUTSIDE_WINDOW_CODE = 131047;
