// The contact shown in an offer or session: the interaction's own contact when the server sends
// it, else what the channel put in its data (data.contact, or name/cpf/phone/email at top level).
import type { Contact, Interaction } from '../api/types';

const FIELDS = ['name', 'cpf', 'phone', 'email'] as const;
/** What the chat and WhatsApp channels keep in a session's data for themselves, not for the agent. */
const CHANNEL_KEYS = new Set(['conversationId', 'citizenName']);

export function contactOf(interaction: Pick<Interaction, 'contact' | 'data'>): Contact {
  if (interaction.contact && FIELDS.some((f) => interaction.contact?.[f])) return interaction.contact;
  const data = interaction.data ?? {};
  const nested = data.contact;
  const source = nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : data;
  const contact: Contact = {};
  for (const field of FIELDS) {
    const value = source[field];
    if (typeof value === 'string' && value.trim() !== '') contact[field] = value;
  }
  // The channels name the citizen in data.citizenName (the name given in the chat or WhatsApp profile).
  if (!contact.name && typeof data.citizenName === 'string' && data.citizenName.trim() !== '') contact.name = data.citizenName;
  return contact;
}

/** "123.456.789-09" from 11 digits; anything else as given. */
export function formatCpf(cpf: string): string {
  const digits = cpf.replace(/\D/g, '');
  if (digits.length !== 11) return cpf;
  return `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6, 9)}-${digits.slice(9)}`;
}

/** Data fields worth showing besides the contact (subject, protocol…), as label/value text. */
export function extraData(interaction: Pick<Interaction, 'data'>): [string, string][] {
  const data = interaction.data ?? {};
  return Object.entries(data)
    .filter(([key, value]) => key !== 'contact' && !CHANNEL_KEYS.has(key) && !FIELDS.includes(key as (typeof FIELDS)[number]) && value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => [key, String(value)]);
}
