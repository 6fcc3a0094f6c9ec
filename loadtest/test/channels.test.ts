// The pure helpers behind the webchat and WhatsApp citizens, checked against the server's own
// validators (@atende/channels) and Node's crypto.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseNotification, validCpf, validSignature } from '@atende/channels';
import { describe, expect, it } from 'vitest';
import { isChannelSession, isQueuedText, isWarmUp, WARM_UP_NAME } from '../lib/channels.js';
import { cpfCheckDigits, cpfFor } from '../lib/cpf.js';
import { choicesOf, hubSignature, replyNotification, statusNotification, textNotification, textOf, waIdFor } from '../lib/whatsapp.js';

const contract = (file: string) => JSON.parse(readFileSync(new URL(`../../channels/test/contracts/whatsapp-cloud/${file}`, import.meta.url), 'utf8'));
const nodeHmac = (secret: string, raw: string) => createHmac('sha256', secret).update(raw).digest('hex');
const who = { phoneNumberId: '106540352242922', waId: waIdFor(42), name: 'Cidadão 42', messageId: 'wamid.lt-x-42-1', timestampMs: 1_790_000_000_123 };

describe('CPF for webchat citizens', () => {
  it('computes the check digits of a known CPF (529.982.247-25)', () => {
    expect(cpfCheckDigits('529982247')).toBe('25');
    expect(() => cpfCheckDigits('12345')).toThrow(/nine digits/);
  });

  it('gives every citizen a CPF the widget accepts, formatted, and distinct ones to distinct citizens', () => {
    const seen = new Set<string>();
    for (const n of [0, 1, 2, 9, 10, 99, 12_345, 111_111_111 - 100_000_000, 999_999_999, 2 ** 31, 7_000_000]) {
      const cpf = cpfFor(n);
      expect(cpf).toMatch(/^\d{3}\.\d{3}\.\d{3}-\d{2}$/);
      expect(validCpf(cpf)).toBe(true);
      seen.add(cpf);
    }
    for (let n = 0; n < 2_000; n++) {
      expect(validCpf(cpfFor(n * 7919))).toBe(true);
      seen.add(cpfFor(n * 7919));
    }
    expect(seen.size).toBeGreaterThan(2_000);
  });

  it('never gives a repeated-digit base (111.111.111-11 is refused)', () => {
    const cpf = cpfFor(11_111_111); // base 111111111 before the bump
    expect(cpf.replace(/\D/g, '').slice(0, 9)).not.toBe('111111111');
    expect(validCpf(cpf)).toBe(true);
  });
});

describe('WhatsApp webhooks from k6', () => {
  it('signs the raw body as the server checks it (X-Hub-Signature-256)', () => {
    const raw = JSON.stringify(textNotification(contract('webhook-text.json'), who, 'Olá, preciso de ajuda'));
    const header = hubSignature(raw, 'segredo', nodeHmac);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(validSignature(Buffer.from(raw), header, 'segredo')).toBe(true);
    expect(validSignature(Buffer.from(raw), header, 'outro-segredo')).toBe(false);
    expect(validSignature(Buffer.from(`${raw} `), header, 'segredo')).toBe(false);
  });

  it('fills the text contract so the server reads the citizen, message and time', () => {
    const template = contract('webhook-text.json');
    const payload = textNotification(template, who, 'Olá, preciso de ajuda');
    expect(template.entry[0].changes[0].value.messages[0].text.body).not.toBe('Olá, preciso de ajuda'); // the contract is not touched
    const parsed = parseNotification(payload)!;
    expect(parsed.skipped).toBe(0);
    expect(parsed.events).toEqual([
      expect.objectContaining({
        type: 'message',
        phoneNumberId: who.phoneNumberId,
        waId: '5511900000042',
        profileName: 'Cidadão 42',
        externalId: 'wamid.lt-x-42-1',
        sentAt: new Date(1_790_000_000_000),
        input: { kind: 'text', text: 'Olá, preciso de ajuda' },
      }),
    ]);
  });

  it('fills list and button replies as taps on the options Atende sent', () => {
    const list = parseNotification(replyNotification(contract('webhook-interactive-list-reply.json'), who, 'list', { id: 'grupo:lt-g1', title: 'Carga 1' }))!;
    expect(list.events[0]).toMatchObject({ type: 'message', input: { kind: 'choice', id: 'grupo:lt-g1', title: 'Carga 1' } });
    const button = parseNotification(replyNotification(contract('webhook-interactive-button-reply.json'), who, 'button', { id: 'falar-com-atendente', title: 'Falar com atendente' }))!;
    expect(button.events[0]).toMatchObject({ type: 'message', input: { kind: 'choice', id: 'falar-com-atendente' } });
  });

  it('fills a read status for a message Atende sent', () => {
    const status = parseNotification(statusNotification(contract('webhook-status-read.json'), { phoneNumberId: who.phoneNumberId, wamid: 'wamid.sent', status: 'read', recipient: who.waId, timestampMs: 1_790_000_000_000 }))!;
    expect(status.events).toEqual([expect.objectContaining({ type: 'status', externalId: 'wamid.sent', status: 'read' })]);
  });

  it('gives citizens distinct WhatsApp ids the Graph API accepts', () => {
    expect(waIdFor(0)).toBe('5511900000000');
    expect(waIdFor(12_345_678)).toBe('5511912345678');
    expect(waIdFor(7)).not.toBe(waIdFor(8));
    expect(waIdFor(123)).toMatch(/^\d{8,15}$/);
  });

  it("reads the options and text of Atende's sends (as the sink reports them)", () => {
    const list = { body: contract('send-interactive-list-request.json') };
    expect(choicesOf(list).kind).toBe('list');
    expect(choicesOf(list).options.length).toBeGreaterThan(0);
    const buttons = { body: contract('send-interactive-buttons-request.json') };
    expect(choicesOf(buttons)).toMatchObject({ kind: 'button', options: expect.arrayContaining([expect.objectContaining({ id: expect.any(String) })]) });
    expect(textOf(buttons)).toBe(buttons.body.interactive.body.text);
    const text = { body: contract('send-text-request.json') };
    expect(choicesOf(text)).toEqual({ kind: undefined, options: [] });
    expect(textOf(text)).toBe(text.body.text.body);
  });
});

describe('channel sessions', () => {
  it('tells sessions from the channels (no t0) from the API citizens', () => {
    expect(isChannelSession({ channel: 'chat', data: { conversationId: 'c1' } })).toBe(true);
    expect(isChannelSession({ channel: 'whatsapp', data: {} })).toBe(true);
    expect(isChannelSession({ channel: 'chat', data: { t0: 1 } })).toBe(false);
  });

  it("knows the setup's warm-up session (its offer waits for the agents, so it is not timed)", () => {
    expect(isWarmUp({ channel: 'whatsapp', data: { citizenName: WARM_UP_NAME } })).toBe(true);
    expect(isWarmUp({ channel: 'whatsapp', data: { citizenName: 'Cidadão WhatsApp 3' } })).toBe(false);
    expect(isWarmUp({ channel: 'chat' })).toBe(false);
  });

  it("recognises the queue's message in pt-BR", () => {
    expect(isQueuedText('Certo! Você entrou na fila de atendimento de Carga 1. Um atendente vai responder em instantes; aguarde, por favor.')).toBe(true);
    expect(isQueuedText('Escolha o assunto do seu atendimento:')).toBe(false);
  });
});
