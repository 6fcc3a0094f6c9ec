// The channel-neutral shapes of a conversation: what a citizen sends (InboundInput), what the bot
// or an agent sends (OutboundContent), and what the hub asks of each channel (ChannelTransport).
import type { Conversation, ConversationChannel, Message, MessageWithAttachments } from '@atende/db';
import { z } from 'zod';

export type InboundInput =
  | { kind: 'text'; text: string }
  /** A tapped button, list row or quick reply: `id` is the option's id. */
  | { kind: 'choice'; id: string; title: string }
  /** A file: the webchat uploads it first; WhatsApp sends a media id fetched while processing. */
  | { kind: 'media'; caption?: string; fileName?: string; mimeType?: string; mediaId?: string; sha256?: string; voice?: boolean }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'unsupported'; type: string };

export interface Option {
  id: string;
  title: string;
  description?: string;
}

const option = z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(100), description: z.string().max(200).optional() });

/** Cloud API template: name, language and the components with their parameters, passed through. */
export const templateSchema = z.object({
  name: z.string().min(1).max(512),
  language: z.object({ code: z.string().min(2).max(15) }),
  components: z
    .array(
      z
        .object({
          type: z.enum(['header', 'body', 'button', 'footer']),
          sub_type: z.string().max(40).optional(),
          index: z.union([z.string().max(2), z.number().int().min(0).max(9)]).optional(),
          parameters: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
        })
        .loose(),
    )
    .max(10)
    .optional(),
});

export const outboundContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(4096) }),
  z.object({ type: z.literal('buttons'), text: z.string().min(1).max(1024), buttons: z.array(option).min(1).max(3) }),
  z.object({
    type: z.literal('list'),
    header: z.string().max(60).optional(),
    text: z.string().min(1).max(4096),
    footer: z.string().max(60).optional(),
    button: z.string().min(1).max(20),
    sections: z.array(z.object({ title: z.string().max(24), rows: z.array(option).min(1).max(10) })).min(1).max(10),
  }),
  z.object({ type: z.literal('template'), template: templateSchema, preview: z.string().max(4096).optional() }),
  /** Files only (their ids are on the message); `text` is the caption. */
  z.object({ type: z.literal('media'), text: z.string().max(1024).optional() }),
]);
export type OutboundContent = z.infer<typeof outboundContentSchema>;

/** The visible text of an outbound content, as stored in messages.text. */
export function outboundText(content: OutboundContent): string | null {
  switch (content.type) {
    case 'text':
    case 'buttons':
    case 'list':
      return content.text;
    case 'template':
      return content.preview ?? `[modelo ${content.template.name}]`;
    case 'media':
      return content.text ?? null;
  }
}

export interface DeliveryResult {
  /** The channel's id of the sent message (WhatsApp wamid); statuses refer to it. */
  externalId?: string;
  status: 'sent' | 'delivered';
  extra?: Record<string, unknown>;
}

/** A failure the channel reported for one message: kept on the message and shown to the agent. */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** What the hub asks of a channel: deliver, and the channel's own rules and signals. */
export interface ChannelTransport {
  readonly channel: ConversationChannel;
  deliver(conversation: Conversation, message: MessageWithAttachments, content: OutboundContent): Promise<DeliveryResult>;
  /** Refuses an agent's message the channel cannot carry now (WhatsApp's 24-hour window) with an ApiError. */
  checkAgentMessage?(conversation: Conversation, content: OutboundContent, now: number): void;
  /** Before the bot or the agent sees an inbound message: fetch what it only references (media); true when it changed the message. */
  completeInbound?(conversation: Conversation, message: Message): Promise<boolean>;
  /** The agent is typing / has read the citizen's messages. */
  agentTyping?(conversation: Conversation): void;
  agentRead?(conversation: Conversation, messages: readonly Message[]): Promise<void>;
  /** An outbound message's status changed (shown to the citizen where the channel can). */
  statusChanged?(conversation: Conversation, message: Message): void;
  /** The thread was closed (inactivity, session ended): the channel may tell its live views. */
  closed?(conversation: Conversation, reason: 'inactivity' | 'ended'): void;
}
