// JSON views of the conversation for agents (REST, /ws/agent) and citizens (webchat), and the
// masking of phone numbers shown in the console (LGPD: the full number never leaves the server).
import type { Attachment, MessageWithAttachments } from '@atende/db';

const iso = (d: Date | null | undefined): string | undefined => (d ? d.toISOString() : undefined);

export interface AttachmentJson {
  id: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  url: string;
}

export interface MessageJson {
  id: string;
  conversationId: string;
  interactionId?: string;
  direction: 'in' | 'out';
  author: 'citizen' | 'bot' | 'agent' | 'system';
  agentId?: string;
  kind: string;
  text?: string;
  content?: Record<string, unknown>;
  attachments: AttachmentJson[];
  status: string;
  error?: Record<string, unknown>;
  createdAt: string;
  sentAt?: string;
  deliveredAt?: string;
  readAt?: string;
  failedAt?: string;
}

export type Audience = 'agent' | 'citizen';

export function attachmentJson(file: Attachment, audience: Audience): AttachmentJson {
  const base = audience === 'agent' ? '/api/attachments/' : '/chat/attachments/';
  return { id: file.id, fileName: file.fileName, mimeType: file.mimeType, sizeBytes: file.sizeBytes, url: `${base}${file.id}` };
}

export function messageJson(message: MessageWithAttachments, audience: Audience): MessageJson {
  const json: MessageJson = {
    id: message.id,
    conversationId: message.conversationId,
    interactionId: message.interactionId ?? undefined,
    direction: message.direction,
    author: message.author,
    agentId: audience === 'agent' ? (message.agentId ?? undefined) : undefined,
    kind: message.kind,
    text: message.text ?? undefined,
    content: Object.keys(message.content).length > 0 ? publicContent(message.content, audience) : undefined,
    attachments: message.attachments.map((file) => attachmentJson(file, audience)),
    status: message.status,
    error: message.error ?? undefined,
    createdAt: message.createdAt.toISOString(),
    sentAt: iso(message.sentAt),
    deliveredAt: iso(message.deliveredAt),
    readAt: iso(message.readAt),
    failedAt: iso(message.failedAt),
  };
  for (const key of Object.keys(json) as (keyof MessageJson)[]) if (json[key] === undefined) delete json[key];
  return json;
}

// Channel references (WhatsApp media ids, hashes) mean nothing to a reader.
const INTERNAL_KEYS = new Set(['mediaId', 'sha256', 'externalIds']);

function publicContent(content: Record<string, unknown>, audience: Audience): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(content)) if (!INTERNAL_KEYS.has(key) || audience === 'agent') out[key] = value;
  return out;
}

/**
 * A phone number as the console shows it: country and area code, the first digit and the last four
 * (+55 11 9****-1234). Enough for an agent to confirm with the citizen, not to copy the number.
 */
export function maskPhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.startsWith('55') && (digits.length === 12 || digits.length === 13)) {
    const area = digits.slice(2, 4);
    const local = digits.slice(4);
    const hidden = '*'.repeat(local.length - 5);
    return `+55 ${area} ${local[0]}${hidden}-${local.slice(-4)}`;
  }
  if (digits.length <= 4) return '****';
  return `+${digits.slice(0, 2)} ${'*'.repeat(Math.max(digits.length - 6, 2))}-${digits.slice(-4)}`;
}
