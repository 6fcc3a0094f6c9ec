import { describe, expect, it } from 'vitest';
import { contactOf, extraData, formatCpf } from '$lib/agent/contact';

describe('contactOf', () => {
  it('prefers the contact the server sends with the session', () => {
    expect(contactOf({ contact: { name: 'Maria' }, data: { name: 'Outra' } })).toEqual({ name: 'Maria' });
  });

  it('falls back to data.contact, then to contact fields at the top of data', () => {
    expect(contactOf({ data: { contact: { name: 'João', cpf: '12345678909' } } })).toEqual({ name: 'João', cpf: '12345678909' });
    expect(contactOf({ data: { name: 'Ana', email: 'ana@example.org', phone: '' } })).toEqual({ name: 'Ana', email: 'ana@example.org' });
    expect(contactOf({})).toEqual({});
  });

  it('takes the name the chat and WhatsApp channels keep in data.citizenName when nothing else names the citizen', () => {
    expect(contactOf({ data: { citizenName: 'Maria Souza', phone: '+55 11 9****-1234' } })).toEqual({ name: 'Maria Souza', phone: '+55 11 9****-1234' });
    expect(contactOf({ data: { citizenName: 'Perfil', contact: { name: 'Maria' } } })).toEqual({ name: 'Maria' });
  });
});

describe('formatCpf', () => {
  it('formats eleven digits and leaves anything else alone', () => {
    expect(formatCpf('12345678909')).toBe('123.456.789-09');
    expect(formatCpf('123')).toBe('123');
  });
});

describe('extraData', () => {
  it('lists the plain data fields that are not the contact', () => {
    expect(extraData({ data: { assunto: 'Segunda via', name: 'Ana', contact: {}, nested: { a: 1 }, protocolo: 42 } })).toEqual([
      ['assunto', 'Segunda via'],
      ['protocolo', '42'],
    ]);
  });

  it('leaves out what the channels keep for themselves (conversation id, citizen name)', () => {
    expect(extraData({ data: { conversationId: '01J', citizenName: 'Maria', phone: '+55 11 9****-1234', tema: 'IPVA' } })).toEqual([['tema', 'IPVA']]);
  });
});
