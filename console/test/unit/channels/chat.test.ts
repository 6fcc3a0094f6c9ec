import { describe, expect, it } from 'vitest';
import {
  attachmentKind,
  authorLabel,
  checkFile,
  composerAction,
  contentNote,
  deliveryMark,
  formatBytes,
  formatted,
  loadFailureMessage,
  MAX_ATTACHMENT_BYTES,
  markReadUpTo,
  mergeMessages,
  optionsOf,
  sendFailureMessage,
  splitAtHandoff,
  templateBody,
  throttle,
  unreadUpTo,
  windowAfter,
  windowNotice,
  windowOpen,
  type ChatMessage,
} from '$lib/channels/chat/conversation';

const at = (minute: number) => new Date(Date.UTC(2026, 4, 12, 13, minute)).toISOString();
const msg = (id: string, minute: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  direction: 'in',
  author: 'citizen',
  status: 'received',
  createdAt: at(minute),
  attachments: [],
  ...extra,
});

describe('mergeMessages', () => {
  it('adds new messages in time order, whatever order they arrive in', () => {
    const list = mergeMessages([], [msg('b', 2), msg('a', 1)]);
    expect(mergeMessages(list, [msg('c', 3)]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(mergeMessages(mergeMessages([], [msg('c', 3)]), [msg('a', 1), msg('b', 2)]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the server order for messages of the same millisecond', () => {
    expect(mergeMessages([], [msg('x', 5), msg('y', 5), msg('z', 5)]).map((m) => m.id)).toEqual(['x', 'y', 'z']);
  });

  it('updates a known message without letting its status move back', () => {
    const sent = msg('m', 1, { direction: 'out', author: 'agent', status: 'pending' });
    let list = mergeMessages([], [sent]);
    list = mergeMessages(list, [{ ...sent, status: 'read', readAt: at(3) }]);
    // The POST's answer (status sent) arrives after the socket already said read.
    list = mergeMessages(list, [{ ...sent, status: 'sent', sentAt: at(1) }]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'read', readAt: at(3), sentAt: at(1) });
  });

  it('lets delivered follow failed (the server keeps the furthest status too)', () => {
    const failed = msg('f', 1, { direction: 'out', author: 'agent', status: 'failed' });
    expect(mergeMessages([failed], [{ ...failed, status: 'delivered' }])[0]!.status).toBe('delivered');
    expect(mergeMessages([{ ...failed, status: 'delivered' }], [failed])[0]!.status).toBe('delivered');
  });

  it('keeps attachments a later copy leaves out, and ignores malformed events', () => {
    const file = { id: 'a1', fileName: 'guia.pdf', mimeType: 'application/pdf', sizeBytes: 10, url: '/api/attachments/a1' };
    const list = mergeMessages([], [msg('m', 1, { attachments: [file] })]);
    expect(mergeMessages(list, [msg('m', 1, { attachments: [] })])[0]!.attachments).toEqual([file]);
    expect(mergeMessages(list, [{} as ChatMessage, { id: 'x' } as ChatMessage])).toHaveLength(1);
  });
});

describe('splitAtHandoff', () => {
  const thread = [
    msg('1', 1),
    msg('2', 2, { direction: 'out', author: 'bot' }),
    msg('3', 3),
    msg('4', 4, { direction: 'out', author: 'system', content: { handoff: true } }),
    msg('5', 5, { direction: 'out', author: 'agent' }),
  ];

  it('puts everything before the handoff message in the bot transcript', () => {
    const { bot, human } = splitAtHandoff(thread);
    expect(bot.map((m) => m.id)).toEqual(['1', '2', '3']);
    expect(human.map((m) => m.id)).toEqual(['4', '5']);
  });

  it('falls back to the queue time, or the first agent message, without the mark', () => {
    const unmarked = thread.map((m) => ({ ...m, content: undefined }));
    expect(splitAtHandoff(unmarked, at(3)).bot.map((m) => m.id)).toEqual(['1', '2']);
    expect(splitAtHandoff(unmarked, at(30)).bot.map((m) => m.id)).toEqual(['1', '2', '3', '4']);
    expect(splitAtHandoff(unmarked).bot).toEqual([]);
    expect(splitAtHandoff(unmarked).human).toHaveLength(5);
  });
});

describe('labels and marks', () => {
  it('names authors from the agent’s point of view', () => {
    expect(authorLabel({ author: 'agent', agentId: 'ana' }, 'ana')).toBe('Você');
    expect(authorLabel({ author: 'agent', agentId: 'carla' }, 'ana')).toBe('Atendente carla');
    expect(authorLabel({ author: 'citizen' }, 'ana', 'Maria Souza')).toBe('Maria Souza');
    expect(authorLabel({ author: 'citizen' }, 'ana')).toBe('Cidadão');
    expect(authorLabel({ author: 'bot' }, 'ana')).toBe('Assistente virtual');
    expect(authorLabel({ author: 'system' }, 'ana')).toBe('Aviso automático');
  });

  it('marks only the agent’s messages: sending, sent, delivered, read, failed with the reason', () => {
    const mine = (extra: Partial<ChatMessage>) => msg('m', 1, { direction: 'out', author: 'agent', ...extra });
    expect(deliveryMark(mine({ status: 'pending' }))).toMatchObject({ status: 'pending', label: 'Enviando' });
    expect(deliveryMark(mine({ status: 'sent' }))).toMatchObject({ symbol: '✓', label: 'Enviada' });
    expect(deliveryMark(mine({ status: 'delivered' }))).toMatchObject({ symbol: '✓✓', label: 'Entregue' });
    const read = deliveryMark(mine({ status: 'read', readAt: at(7) }))!;
    expect(read).toMatchObject({ symbol: '✓✓', label: 'Lida' });
    expect(read.detail).toMatch(/^Lida pelo cidadão às \d\d:\d\d$/);
    expect(deliveryMark(mine({ status: 'failed', error: { message: 'Número inexistente' } }))!.detail).toBe('Não entregue: Número inexistente');
    expect(deliveryMark(msg('c', 1))).toBeUndefined();
    expect(deliveryMark(msg('b', 1, { direction: 'out', author: 'bot', status: 'sent' }))).toBeUndefined();
  });

  it('shows *bold* as bold and everything else as text', () => {
    expect(formatted('Acesse o *portal* e clique em <b>x</b>')).toEqual([
      { text: 'Acesse o ', bold: false },
      { text: 'portal', bold: true },
      { text: ' e clique em <b>x</b>', bold: false },
    ]);
    expect(formatted('5 * 3 = 15')).toEqual([{ text: '5 * 3 = 15', bold: false }]);
  });

  it('lists the options the bot offered and describes contents without text', () => {
    expect(optionsOf({ type: 'buttons', buttons: [{ id: 'a', title: 'Sim' }, { id: 'b', title: 'Falar com atendente' }] })).toEqual(['Sim', 'Falar com atendente']);
    expect(optionsOf({ type: 'list', sections: [{ rows: [{ title: 'IPVA' }] }, { rows: [{ title: 'ITCD' }] }] })).toEqual(['IPVA', 'ITCD']);
    expect(optionsOf(undefined)).toEqual([]);
    expect(contentNote(msg('t', 1, { kind: 'template', content: { template: { name: 'retomada' } } }))).toBe('Modelo (template) “retomada”');
    expect(contentNote(msg('e', 1, { content: { kind: 'media', mediaError: { message: 'O arquivo excede o limite de 20 MB.' } } }))).toBe(
      'Arquivo não recebido: O arquivo excede o limite de 20 MB.',
    );
    expect(contentNote(msg('l', 1, { content: { kind: 'location', latitude: -15.7801, longitude: -47.9292 } }))).toBe('Localização: -15.78010, -47.92920');
    expect(contentNote(msg('p', 1))).toBeUndefined();
  });
});

describe('read receipts', () => {
  it('reads up to the newest citizen message not yet read', () => {
    const list = [msg('1', 1, { readAt: at(2) }), msg('2', 3), msg('3', 4, { direction: 'out', author: 'agent', status: 'sent' }), msg('4', 5)];
    expect(unreadUpTo(list)).toBe('4');
    const read = markReadUpTo(list, '4', at(6));
    expect(read.filter((m) => m.direction === 'in').map((m) => m.readAt)).toEqual([at(2), at(6), at(6)]);
    expect(read[2]!.readAt).toBeUndefined();
    expect(unreadUpTo(read)).toBeUndefined();
    expect(unreadUpTo([msg('o', 1, { direction: 'out', author: 'bot' })])).toBeUndefined();
  });
});

describe('typing and the composer', () => {
  it('lets the agent’s typing through at most once per interval', () => {
    const gate = throttle(3000);
    expect([0, 1000, 2999, 3000, 3500, 6000].map((t) => gate(t))).toEqual([true, false, false, true, false, true]);
  });

  it('sends on Enter, breaks the line on Shift+Enter and while composing', () => {
    expect(composerAction({ key: 'Enter' })).toBe('send');
    expect(composerAction({ key: 'Enter', shiftKey: true })).toBeUndefined();
    expect(composerAction({ key: 'Enter', isComposing: true })).toBeUndefined();
    expect(composerAction({ key: 'a' })).toBeUndefined();
  });
});

describe('WhatsApp window', () => {
  const now = Date.parse(at(0));
  const closed = { open: false, lastInboundAt: new Date(now - 25 * 3600_000).toISOString(), closesAt: new Date(now - 3600_000).toISOString() };

  it('reopens for 24 hours when the citizen writes, and only then', () => {
    const reopened = windowAfter(closed, msg('n', 0))!;
    expect(reopened).toEqual({ open: true, lastInboundAt: at(0), closesAt: new Date(now + 24 * 3600_000).toISOString() });
    expect(windowAfter(closed, msg('o', 0, { direction: 'out', author: 'agent' }))).toBe(closed);
    expect(windowAfter(undefined, msg('n', 0))).toBeUndefined();
    expect(windowOpen(reopened, now + 1000)).toBe(true);
    expect(windowOpen(reopened, now + 24 * 3600_000)).toBe(false);
    expect(windowOpen(undefined, now)).toBe(true);
  });

  it('tells the agent in Portuguese when only a template may be sent', () => {
    expect(windowNotice(closed, now)).toMatchObject({ open: false, text: expect.stringContaining('só aceita um modelo (template)') });
    expect(windowNotice(windowAfter(closed, msg('n', 0)), now)!.text).toMatch(/^Janela de 24 h aberta até /);
    expect(windowNotice(undefined, now)).toBeUndefined();
  });
});

describe('attachments', () => {
  it('refuses empty files and files over 20 MB before uploading', () => {
    expect(checkFile({ name: 'guia.pdf', size: 1200 })).toBeUndefined();
    expect(checkFile({ name: 'guia.pdf', size: MAX_ATTACHMENT_BYTES })).toBeUndefined();
    expect(checkFile({ name: 'video.mp4', size: MAX_ATTACHMENT_BYTES + 1 })).toBe('O arquivo “video.mp4” tem 20 MB: o limite é 20 MB.');
    expect(checkFile({ name: 'filme.mp4', size: 25.3 * 1024 * 1024 })).toBe('O arquivo “filme.mp4” tem 25,3 MB: o limite é 20 MB.');
    expect(checkFile({ name: 'vazio.pdf', size: 0 })).toBe('O arquivo “vazio.pdf” está vazio.');
  });

  it('formats sizes and picks a preview by type', () => {
    expect([512, 2048, 1536 * 1024].map(formatBytes)).toEqual(['512 B', '2 KB', '1,5 MB']);
    expect(['image/png', 'audio/ogg', 'video/mp4', 'application/pdf'].map(attachmentKind)).toEqual(['image', 'audio', 'video', 'file']);
  });

  it('turns the server’s refusals into pt-BR sentences', () => {
    expect(sendFailureMessage({ code: 'attachment_too_large', message: 'x' })).toBe('O arquivo excede o limite de 20 MB.');
    expect(sendFailureMessage({ code: 'payload_too_large', message: 'The body is too large' })).toBe('O arquivo excede o limite de 20 MB.');
    expect(sendFailureMessage({ code: 'attachment_type_not_allowed', message: 'Tipo de arquivo não permitido (application/x-msdownload).' })).toBe(
      'Tipo de arquivo não permitido (application/x-msdownload).',
    );
    expect(sendFailureMessage({ code: 'attachment_type_not_allowed' })).toMatch(/^Tipo de arquivo não permitido/);
    expect(sendFailureMessage({ code: 'outside_window', message: 'Fora da janela de 24 horas do WhatsApp: …' })).toBe('Fora da janela de 24 horas do WhatsApp: …');
    expect(sendFailureMessage({ code: 'invalid_state', message: 'state' })).toBe('O atendimento não está mais ativo: a mensagem não foi enviada.');
    expect(sendFailureMessage({ code: 'delivery_failed', message: 'timeout' })).toBe('A mensagem não foi entregue: timeout');
    expect(sendFailureMessage(new Error('Sem conexão com o servidor.'))).toBe('Sem conexão com o servidor.');
    expect(sendFailureMessage(undefined)).toBe('Não foi possível enviar. Tente novamente.');
  });
});

describe('loadFailureMessage', () => {
  it('tells a server without text channels from other failures', () => {
    expect(loadFailureMessage({ status: 404, code: 'not_found', message: 'Rota não encontrada.', details: { method: 'GET', path: '/api/interactions/x/messages' } })).toBe(
      'Conversa indisponível: os canais de texto (chat e WhatsApp) não estão ativos neste servidor.',
    );
    expect(loadFailureMessage({ status: 404, code: 'unknown_interaction', message: 'Recurso não encontrado.', details: { interactionId: 'x' } })).toBe(
      'Não foi possível carregar a conversa: Recurso não encontrado.',
    );
    expect(loadFailureMessage({ status: 0, code: 'network_error', message: 'Sem conexão com o servidor' })).toBe('Não foi possível carregar a conversa: Sem conexão com o servidor.');
  });
});

describe('templateBody', () => {
  it('builds the template with its body parameters and the preview', () => {
    expect(templateBody({ name: 'retomada_atendimento', language: 'pt_BR', parameters: 'Maria\n\n 12/05 ', preview: 'Olá, Maria!' })).toEqual({
      body: {
        template: {
          name: 'retomada_atendimento',
          language: { code: 'pt_BR' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }, { type: 'text', text: '12/05' }] }],
        },
        text: 'Olá, Maria!',
      },
    });
    expect(templateBody({ name: 'aviso', language: '', parameters: '', preview: '' })).toEqual({ body: { template: { name: 'aviso', language: { code: 'pt_BR' } } } });
  });

  it('says what is wrong with the form', () => {
    expect(templateBody({ name: ' ', language: 'pt_BR', parameters: '', preview: '' })).toEqual({ error: 'Informe o nome do modelo aprovado.' });
    expect(templateBody({ name: 'Retomada Atendimento', language: 'pt_BR', parameters: '', preview: '' })).toMatchObject({ error: expect.stringContaining('minúsculas') });
    expect(templateBody({ name: 'aviso', language: 'português', parameters: '', preview: '' })).toEqual({ error: 'Idioma inválido (ex.: pt_BR).' });
    expect(templateBody({ name: 'aviso', language: 'pt_BR', parameters: Array.from({ length: 21 }, (_, i) => `p${i}`).join('\n'), preview: '' })).toEqual({
      error: 'No máximo 20 parâmetros.',
    });
  });
});
