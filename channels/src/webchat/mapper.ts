// Webchat wire ↔ conversation domain, pure: one zod schema per message the citizen's widget sends,
// the CPF check digits, and the JSON the widget receives for a message.
import type { MessageWithAttachments } from '@atende/db';
import { z } from 'zod';
import { messageJson, type InboundInput, type MessageJson } from '../conversation/index.js';

/** CPF check digits (módulo 11); repeated digits (111.111.111-11) are not valid CPFs. */
export function validCpf(input: string): boolean {
  const cpf = input.replace(/\D/g, '');
  if (cpf.length !== 11 || /^(\d)\1{10}$/.test(cpf)) return false;
  const digit = (length: number) => {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += Number(cpf[i]) * (length + 1 - i);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return digit(9) === Number(cpf[9]) && digit(10) === Number(cpf[10]);
}

const requestId = z.union([z.string().max(100), z.number()]).optional();
const messageId = z.string().min(1).max(100);

const identify = z.object({
  type: z.literal('identify'),
  name: z.string().trim().min(3, 'informe o nome completo').max(120),
  email: z.email('e-mail inválido').max(200),
  cpf: z
    .string()
    .max(20)
    .transform((v) => v.replace(/\D/g, ''))
    .refine(validCpf, 'CPF inválido (confira os dígitos)'),
  requestId,
});
const resume = z.object({ type: z.literal('resume'), token: z.string().min(20).max(200), requestId });
const text = z
  .object({
    type: z.literal('text'),
    text: z.string().trim().max(4000).optional(),
    attachmentIds: z.array(messageId).min(1).max(10).optional(),
    /** The widget's id for the message: a resend after a reconnect is stored once. */
    clientId: z.string().min(1).max(100).optional(),
    requestId,
  })
  .refine((m) => (m.text !== undefined && m.text !== '') || m.attachmentIds !== undefined, { message: 'mensagem vazia' });
const choose = z.object({ type: z.literal('choose'), optionId: z.string().min(1).max(256), title: z.string().max(200).optional(), clientId: z.string().min(1).max(100).optional(), requestId });
const typing = z.object({ type: z.literal('typing') });
const received = z.object({ type: z.literal('received'), messageIds: z.array(messageId).min(1).max(200) });
const read = z.object({ type: z.literal('read'), upTo: messageId.optional() });
const ping = z.object({ type: z.literal('ping') });

export const citizenMessageSchema = z.discriminatedUnion('type', [identify, resume, text, choose, typing, received, read, ping]);
export type CitizenMessage = z.infer<typeof citizenMessageSchema>;

/** What a text or choice from the widget means for the conversation. */
export function toInbound(message: Extract<CitizenMessage, { type: 'text' | 'choose' }>): InboundInput {
  if (message.type === 'choose') return { kind: 'choice', id: message.optionId, title: message.title ?? message.optionId };
  if (message.text) return { kind: 'text', text: message.text };
  return { kind: 'media' };
}

/** A message as the widget shows it: who wrote it (the agent's name, not id) and any options to tap. */
export function citizenMessageJson(message: MessageWithAttachments, agentName: (id: string) => string | undefined): MessageJson & { authorName?: string } {
  const json: MessageJson & { authorName?: string } = messageJson(message, 'citizen');
  if (message.author === 'agent' && message.agentId) json.authorName = agentName(message.agentId) ?? 'Atendente';
  return json;
}
