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
});
