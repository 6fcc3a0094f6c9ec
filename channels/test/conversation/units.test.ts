// Pure pieces of the conversation model: CPF check digits, hours in pt-BR, file names, the
// per-conversation queue, the agent message schema.
import { describe, expect, it } from 'vitest';
import { describeOpening, describeSchedule, safeFileName, validCpf } from '../../src/index.js';
import { KeyedQueue } from '../../src/conversation/queue.js';
import { agentMessageSchema } from '../../src/conversation/routes.js';

describe('CPF', () => {
  it('accepts only numbers with valid check digits', () => {
    expect(validCpf('529.982.247-25')).toBe(true);
    expect(validCpf('52998224725')).toBe(true);
    expect(validCpf('529.982.247-24')).toBe(false);
    expect(validCpf('111.111.111-11')).toBe(false);
    expect(validCpf('1234567890')).toBe(false);
  });
});

describe('business hours in pt-BR', () => {
  it('says when service opens and the weekly schedule', () => {
    expect(describeOpening(Date.parse('2026-11-23T11:00:00Z'), 'America/Sao_Paulo')).toBe('segunda-feira, 23/11, às 08:00');
    const weekly = ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, open: '08:00', close: '18:00' }));
    expect(describeSchedule({ timeZone: 'America/Sao_Paulo', weekly, holidays: [] })).toBe('seg a sex, 08:00 às 18:00');
    expect(describeSchedule({ timeZone: 'America/Sao_Paulo', weekly: [...weekly.slice(0, 3), { weekday: 6 as const, open: '08:00', close: '12:00' }], holidays: [] })).toBe(
      'seg a qua, 08:00 às 18:00; sáb, 08:00 às 12:00',
    );
  });
});

describe('file names', () => {
  it('keeps the sender’s name without paths, with the detected extension', () => {
    expect(safeFileName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(safeFileName('C:\\fotos\\comprovante.JPG', 'jpg')).toBe('comprovante.JPG');
    expect(safeFileName('nota.exe', 'png')).toBe('nota.png');
    expect(safeFileName(undefined, 'pdf')).toBe('arquivo.pdf');
    expect(safeFileName('.bashrc', 'pdf')).toBe('arquivo.pdf');
  });
});

describe('per-conversation queue', () => {
  it('runs one conversation’s tasks in order and others concurrently, surviving failures', async () => {
    const errors: unknown[] = [];
    const queue = new KeyedQueue((err) => errors.push(err));
    const order: string[] = [];
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    void queue.run('a', async () => {
      await wait(30);
      order.push('a1');
    });
    void queue.run('a', async () => {
      throw new Error('boom');
    });
    void queue.run('a', async () => {
      order.push('a3');
    });
    void queue.run('b', async () => {
      order.push('b1');
    });
    await queue.idle();
    expect(order).toEqual(['b1', 'a1', 'a3']);
    expect(errors).toHaveLength(1);
    expect(queue.size).toBe(0);
  });
});

describe('agent message body', () => {
  it('takes exactly one content: text (with files), a template (text as preview) or an interactive message', () => {
    expect(agentMessageSchema.safeParse({ text: 'Olá' }).success).toBe(true);
    expect(agentMessageSchema.safeParse({ attachmentIds: ['a'] }).success).toBe(true);
    expect(agentMessageSchema.safeParse({ text: 'Guia', attachmentIds: ['a'] }).success).toBe(true);
    expect(agentMessageSchema.safeParse({ template: { name: 't', language: { code: 'pt_BR' } }, text: 'prévia' }).success).toBe(true);
    expect(agentMessageSchema.safeParse({}).success).toBe(false);
    expect(agentMessageSchema.safeParse({ text: 'a', interactive: { type: 'buttons', text: 'b', buttons: [{ id: 'c', title: 'd' }] } }).success).toBe(false);
    expect(agentMessageSchema.safeParse({ text: 'a', extra: 1 }).success).toBe(false);
    expect(agentMessageSchema.safeParse({ interactive: { type: 'buttons', text: 'b', buttons: [1, 2, 3, 4].map((i) => ({ id: `${i}`, title: 'x' })) } }).success).toBe(false);
  });
});
