// The wire mapping against Meta's payload shapes (../shared/contracts/whatsapp-cloud).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskPhone } from '../../src/conversation/index.js';
import { mediaKind, parseNotification, toGraphMediaMessage, toGraphMessage, toReadReceipt, validSignature } from '../../src/whatsapp/index.js';
import { contract } from './graph-simulator.js';

describe('WhatsApp webhook mapping', () => {
  it('reads an inbound text with the contact name, the wamid and the citizen’s timestamp', () => {
    const parsed = parseNotification(contract('webhook-text.json'))!;
    expect(parsed.skipped).toBe(0);
    expect(parsed.events).toEqual([
      {
        type: 'message',
        phoneNumberId: '106540352242922',
        waId: '5565999990000',
        profileName: 'Maria Souza',
        externalId: 'wamid.HBgNNTU2NTk5OTk5MDAwMBUCABIYFjNFQjBCNkE4RjJGNUU1RTQ3RTg5QjQA',
        sentAt: new Date(1763820000 * 1000),
        input: { kind: 'text', text: 'Bom dia, preciso da segunda via do IPVA' },
      },
    ]);
  });

  it('reads image, document and audio as media references to fetch', () => {
    const image = parseNotification(contract('webhook-image.json'))!.events[0] as any;
    expect(image.input).toEqual({ kind: 'media', mediaId: '1037543291543636', mimeType: 'image/jpeg', sha256: expect.any(String), caption: 'Comprovante de pagamento' });
    const document = parseNotification(contract('webhook-document.json'))!.events[0] as any;
    expect(document.input).toMatchObject({ kind: 'media', mediaId: '2947193049127834', fileName: 'notificacao-icms.pdf', caption: 'Notificação recebida' });
    const audio = parseNotification(contract('webhook-audio.json'))!.events[0] as any;
    expect(audio.input).toMatchObject({ kind: 'media', mediaId: '3881057203948571', mimeType: 'audio/ogg; codecs=opus', voice: true });
  });

  it('reads button and list replies as choices, and a shared location', () => {
    expect((parseNotification(contract('webhook-interactive-button-reply.json'))!.events[0] as any).input).toEqual({
      kind: 'choice',
      id: 'falar-com-atendente',
      title: 'Falar com atendente',
    });
    expect((parseNotification(contract('webhook-interactive-list-reply.json'))!.events[0] as any).input).toEqual({
      kind: 'choice',
      id: 'ipva-pagamento',
      title: 'IPVA — Pagamento',
    });
    expect((parseNotification(contract('webhook-location.json'))!.events[0] as any).input).toEqual({
      kind: 'location',
      latitude: -15.6014,
      longitude: -56.0979,
      name: 'Posto Fiscal',
      address: 'Av. Historiador Rubens de Mendonça, Cuiabá - MT',
    });
  });

  it('reads statuses, with the error of a failed send', () => {
    expect(parseNotification(contract('webhook-status-sent.json'))!.events[0]).toMatchObject({ type: 'status', status: 'sent', at: new Date(1763820400 * 1000) });
    expect(parseNotification(contract('webhook-status-read.json'))!.events[0]).toMatchObject({ type: 'status', status: 'read' });
    expect(parseNotification(contract('webhook-status-failed.json'))!.events[0]).toMatchObject({
      type: 'status',
      status: 'failed',
      error: { code: 131047, title: 'Re-engagement message', details: expect.stringContaining('24 hours') },
    });
  });

  it('skips malformed parts and refuses a body that is not a notification', () => {
    const payload = contract('webhook-text.json');
    payload.entry[0].changes[0].value.messages.push({ id: 'x' });
    expect(parseNotification(payload)).toMatchObject({ skipped: 1, events: [{ type: 'message' }] });
    expect(parseNotification({ hello: 'world' })).toBeNull();
    expect(parseNotification({ object: 'page', entry: [] })).toBeNull();
  });
});

describe('WhatsApp send mapping', () => {
  it('builds the text, template and interactive bodies of the contract', () => {
    const text = contract('send-text-request.json');
    expect(toGraphMessage(text.to, { type: 'text', text: text.text.body })).toEqual(text);
    const template = contract('send-template-request.json');
    expect(toGraphMessage(template.to, { type: 'template', template: template.template })).toEqual(template);
    const buttons = contract('send-interactive-buttons-request.json');
    expect(
      toGraphMessage(buttons.to, {
        type: 'buttons',
        text: buttons.interactive.body.text,
        buttons: buttons.interactive.action.buttons.map((b: any) => ({ id: b.reply.id, title: b.reply.title })),
      }),
    ).toEqual(buttons);
    const list = contract('send-interactive-list-request.json');
    expect(
      toGraphMessage(list.to, {
        type: 'list',
        header: list.interactive.header.text,
        text: list.interactive.body.text,
        footer: list.interactive.footer.text,
        button: list.interactive.action.button,
        sections: list.interactive.action.sections,
      }),
    ).toEqual(list);
  });

  it('clips titles to the Cloud API limits (button 20, row 24)', () => {
    const body: any = toGraphMessage('5565999990000', {
      type: 'buttons',
      text: 'x',
      buttons: [{ id: 'a', title: 'Um título de botão longo demais' }],
    });
    expect(body.interactive.action.buttons[0].reply.title).toHaveLength(20);
    const list: any = toGraphMessage('5565999990000', {
      type: 'list',
      text: 'x',
      button: 'Ver',
      sections: [{ title: 'S', rows: [{ id: 'r', title: 'Pagamentos e Restituição — Contestação' }] }],
    });
    expect(list.interactive.action.sections[0].rows[0].title.length).toBeLessThanOrEqual(24);
  });

  it('sends files by kind, with captions where the kind carries one, and read receipts', () => {
    expect(mediaKind('image/jpeg')).toBe('image');
    expect(mediaKind('audio/ogg')).toBe('audio');
    expect(mediaKind('application/pdf')).toBe('document');
    expect(mediaKind('image/webp')).toBe('document');
    expect(toGraphMediaMessage('55', 'document', 'm1', { caption: 'Guia', fileName: 'guia.pdf' })).toMatchObject({ type: 'document', document: { id: 'm1', caption: 'Guia', filename: 'guia.pdf' } });
    expect(toGraphMediaMessage('55', 'audio', 'm2', { caption: 'ignored' })).toMatchObject({ type: 'audio', audio: { id: 'm2' } });
    expect(toReadReceipt('wamid.X')).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' });
  });
});

describe('signatures and masking', () => {
  it('accepts only the HMAC-SHA256 of the exact raw bytes with the app secret', () => {
    const raw = Buffer.from(JSON.stringify(contract('webhook-text.json')));
    const good = `sha256=${createHmac('sha256', 'segredo').update(raw).digest('hex')}`;
    expect(validSignature(raw, good, 'segredo')).toBe(true);
    expect(validSignature(raw, good, 'outro-segredo')).toBe(false);
    expect(validSignature(Buffer.concat([raw, Buffer.from(' ')]), good, 'segredo')).toBe(false);
    expect(validSignature(raw, undefined, 'segredo')).toBe(false);
    expect(validSignature(raw, 'sha256=abc', 'segredo')).toBe(false);
    expect(validSignature(raw, good.replace('sha256=', 'sha1='), 'segredo')).toBe(false);
  });

  it('masks phone numbers for the console', () => {
    expect(maskPhone('5511987651234')).toBe('+55 11 9****-1234');
    expect(maskPhone('5565999990000')).toBe('+55 65 9****-0000');
    expect(maskPhone('551187651234')).toBe('+55 11 8***-1234');
    expect(maskPhone('14155550123')).toBe('+14 *****-0123');
  });
});
