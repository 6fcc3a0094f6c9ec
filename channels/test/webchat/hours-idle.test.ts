// Business hours and inactivity on a controlled clock: outside hours the citizen is told when human
// service opens and may leave a message that becomes a session at opening (keeping its waiting
// time); an idle conversation is warned at 15 minutes and closed at 20, and can start again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, oneAgentReady, startChannelServer, type ChannelTestServer } from '../helpers.js';
import { TestSocket } from '@atende/router/testing';
import { fromServer, identifiedCitizen } from './citizen.js';

const MINUTE = 60_000;
// Saturday 21 Nov 2026, 10:00 in São Paulo (UTC−3): the agency is closed until Monday 08:00.
const SATURDAY = Date.parse('2026-11-21T13:00:00Z');
const MONDAY_OPENING = Date.parse('2026-11-23T11:00:00Z');

describe('webchat business hours and inactivity', () => {
  let t: ChannelTestServer;
  let now = SATURDAY;
  let agent: TestSocket;

  beforeAll(async () => {
    t = await startChannelServer({ hooks: { clock: () => now } });
    const hours = await t.api('PUT', '/api/hours/expediente', {
      body: { name: 'Expediente', timeZone: 'America/Sao_Paulo', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '18:00' })) },
    });
    expect(hours.status).toBe(200);
    agent = await oneAgentReady(t, { hours: 'expediente' });
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  it('outside hours says when service opens, keeps a left message and enqueues it at opening', async () => {
    const { socket, token } = await identifiedCitizen(t, 'João Pereira');
    expect((await fromServer(socket)).text).toContain('Olá, João!');
    const menu = await fromServer(socket, (m) => m.content?.type === 'list');
    socket.send({ type: 'choose', optionId: menu.content.sections[0].rows[0].id, title: 'IPVA' });
    expect((await fromServer(socket)).text).toMatch(/^Certo/);
    socket.send({ type: 'choose', optionId: 'falar-com-atendente', title: 'Falar com atendente' });
    const closed = await fromServer(socket, (m) => m.content?.type === 'buttons');
    expect(closed.text).toContain('atendimento humano está fechado');
    expect(closed.text).toContain('seg a sex, 08:00 às 18:00');
    expect(closed.text).toContain('segunda-feira, 23/11, às 08:00');
    expect(closed.content.buttons.map((b: any) => b.id)).toEqual(['deixar-mensagem', 'menu']);

    socket.send({ type: 'choose', optionId: 'deixar-mensagem', title: 'Deixar mensagem' });
    expect((await fromServer(socket)).text).toContain('quando o atendimento abrir (segunda-feira, 23/11, às 08:00)');
    socket.send({ type: 'text', text: 'Preciso parcelar o IPVA de 2025 que está atrasado.' });
    expect((await fromServer(socket)).text).toBe('Mensagem registrada. Você será atendido(a) assim que o atendimento abrir.');
    socket.send({ type: 'text', text: 'Placa ABC1D23.' });
    await socket.nextOfType('ack');
    await t.hub.settled();
    expect((await t.api('GET', '/api/interactions?channel=chat')).body.items).toHaveLength(0);

    now = MONDAY_OPENING + MINUTE;
    const offer = await agent.nextOfType('offer', 10_000);
    expect(offer.interaction).toMatchObject({ channel: 'chat', groupId: 'ipva-pagamento-n1', waitingSince: expect.stringMatching(/^2026-11-21T13:0/) });
    expect(offer.interaction.waitSeconds).toBeGreaterThan(40 * 3600);
    expect((await fromServer(socket)).text).toContain('O atendimento abriu');
    const history = await t.api('GET', `/api/interactions/${offer.interaction.id}/messages`);
    expect(history.body.items.map((m: any) => m.text)).toEqual(expect.arrayContaining(['Preciso parcelar o IPVA de 2025 que está atrasado.', 'Placa ABC1D23.']));

    await agent.request({ type: 'accept', interactionId: offer.interaction.id });
    await fromServer(socket, (m) => m.author === 'system' && m.text.startsWith('Você está sendo atendido'));

    // Inactivity: 15 minutes → warning; 20 → closed, the session ended (agent goes to wrap-up).
    const idle = await identifiedCitizen(t, 'Ana Idle');
    await fromServer(idle.socket, (m) => m.content?.type === 'list');
    now += 15 * MINUTE + 1000;
    expect((await fromServer(socket, (m) => m.author === 'system')).text).toBe(
      'Sua conversa está sem atividade e será encerrada em 5 minutos. Para continuar, envie uma mensagem.',
    );
    expect((await fromServer(idle.socket, (m) => m.author === 'system')).text).toContain('será encerrada em 5 minutos');
    now += 5 * MINUTE;
    expect((await fromServer(socket, (m) => m.author === 'system')).text).toContain('encerrada por inatividade');
    expect((await socket.nextOfType('closed')).reason).toBe('inactivity');
    expect((await idle.socket.nextOfType('closed')).reason).toBe('inactivity');
    await eventually(async () => (await t.api('GET', `/api/interactions/${offer.interaction.id}`)).body.state !== 'active', 5_000, 'session ended');

    // Starting again: a fresh bot round, with the history kept.
    socket.send({ type: 'text', text: 'Voltei, ainda preciso de ajuda' });
    expect((await fromServer(socket, (m) => m.author === 'bot')).text).toContain('Olá, João!');
    const tab = await TestSocket.open(`${t.ws}/ws/chat`);
    tab.send({ type: 'resume', token });
    const resumed = (await tab.nextOfType('resumed')).messages.map((m: any) => m.text);
    expect(resumed).toEqual(expect.arrayContaining(['Placa ABC1D23.', 'Conversa encerrada por inatividade. Se precisar, é só escrever de novo: seu histórico fica guardado.']));
    await tab.close();
    await idle.socket.close();
    await socket.close();
  });
});
