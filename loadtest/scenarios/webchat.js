// Webchat citizens: each iteration is one citizen on WS /ws/chat, as the widget talks
// (channels/src/webchat): identify with name, e-mail and a valid CPF, pick a theme from the bot's
// menu, ask the bot, say "falar com atendente", wait for the queue's message and then for the
// agent's first message, acknowledge it (received, read) and leave. Times the bot's answers and
// the handoff (→ queued, → the agent's message).
import { check } from 'k6';
import exec from 'k6/execution';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import ws from 'k6/ws';
import { HUMAN_OPTION, isQueuedText, QUESTION, THEME_PREFIX, WANTS_HUMAN, WARM_UP_NAME } from '../lib/channels.js';
import { cpfFor } from '../lib/cpf.js';
import {
  sessionsCreated,
  sessionsNotCreated,
  webchatBotReply,
  webchatCitizens as citizensArrived,
  webchatFailed,
  webchatHandoffQueued,
  webchatHandoffToAgent,
  webchatServed,
  webchatSessions,
} from '../lib/metrics.js';
import { profile, stepAt, wsBaseUrl } from '../lib/profile.js';
import { channelFlowTimeoutMs } from '../lib/schedule.js';

export function webchatCitizens(agency) {
  const n = exec.scenario.iterationInTest;
  const arrivedAt = Date.now();
  const step = stepAt(profile.arrival, arrivedAt - exec.scenario.startTime);
  const tags = step === undefined ? {} : { step: String(step) };
  citizensArrived.add(1);
  new WebchatCitizen(n, agency.runId, tags).start();
}

class WebchatCitizen {
  constructor(n, runId, tags) {
    this.n = n;
    this.runId = runId;
    this.tags = tags;
    this.phase = 'connecting';
    this.sentAt = 0;
    this.handoffAt = 0;
    this.finished = false;
    this.queued = false;
  }

  start() {
    const ws = new WebSocket(`${wsBaseUrl}/ws/chat`);
    this.ws = ws;
    this.guard = setTimeout(() => this.fail(`no agent message within ${channelFlowTimeoutMs(profile)} ms (at ${this.phase})`), channelFlowTimeoutMs(profile));
    ws.onopen = () => {
      this.phase = 'identify';
      this.send({ type: 'identify', name: `Cidadã Webchat ${this.n}`, email: `webchat-${this.runId}-${this.n}@example.com`, cpf: cpfFor(this.n), requestId: 'identify' });
    };
    ws.onmessage = (event) => this.receive(JSON.parse(event.data), Date.now());
    ws.onerror = (event) => {
      if (!this.finished) this.fail(`socket error ${event.error}`);
    };
    ws.onclose = () => {
      if (!this.finished) this.fail(`socket closed at ${this.phase}`);
    };
  }

  receive(m, at) {
    if (m.type === 'identified') {
      check(m, { 'webchat: identified (name, e-mail, CPF accepted)': (x) => typeof x.token === 'string' && x.conversation && x.conversation.id });
      this.phase = 'menu';
      return;
    }
    if (m.type === 'error') return this.fail(`error at ${this.phase}: ${JSON.stringify(m.error)}`);
    if (m.type !== 'message' || !m.message || m.message.direction !== 'out') return;
    const message = m.message;
    const content = message.content ?? {};
    switch (this.phase) {
      case 'menu': {
        if (message.author !== 'bot' || content.type !== 'list') return;
        const rows = (content.sections ?? []).flatMap((s) => s.rows ?? []).filter((r) => String(r.id).startsWith(THEME_PREFIX));
        if (rows.length === 0) return this.fail('the menu offers no theme');
        const row = rows[Math.floor(Math.random() * rows.length)];
        this.phase = 'theme';
        this.sentAt = at;
        this.send({ type: 'choose', optionId: row.id, title: row.title, clientId: 'theme' });
        return;
      }
      case 'theme':
        if (message.author !== 'bot' || content.type === 'list') return;
        webchatBotReply.add(at - this.sentAt, { step: 'theme' });
        this.phase = 'question';
        this.sentAt = at;
        this.send({ type: 'text', text: QUESTION, clientId: 'question' });
        return;
      case 'question':
        // An answer (with a knowledge base) comes as text first; the buttons that offer a human follow.
        if (message.author !== 'bot' || content.type !== 'buttons' || !(content.buttons ?? []).some((b) => b.id === HUMAN_OPTION)) return;
        webchatBotReply.add(at - this.sentAt, { step: 'question' });
        this.phase = 'handoff';
        this.handoffAt = at;
        this.send({ type: 'text', text: WANTS_HUMAN, clientId: 'human' });
        return;
      case 'handoff':
        if (message.author === 'bot') return this.fail(`the bot answered the handoff: ${message.text}`);
        if (message.author !== 'system' || !isQueuedText(message.text)) return;
        webchatHandoffQueued.add(at - this.handoffAt);
        sessionsCreated.add(1, this.tags);
        webchatSessions.add(1);
        this.queued = true;
        this.phase = 'waiting';
        return;
      case 'waiting':
        if (message.author !== 'agent') return;
        webchatHandoffToAgent.add(at - this.handoffAt);
        webchatServed.add(1);
        this.send({ type: 'received', messageIds: [message.id] });
        this.send({ type: 'read', upTo: message.id });
        this.finish(true);
        return;
      default:
        return;
    }
  }

  send(body) {
    if (this.ws.readyState === 1) this.ws.send(JSON.stringify(body));
  }

  fail(why) {
    if (this.finished) return;
    console.warn(`webchat citizen ${this.n}: ${why}`);
    webchatFailed.add(1);
    if (!this.queued) sessionsNotCreated.add(1, this.tags);
    this.finish(false);
  }

  finish(served) {
    this.finished = true;
    clearTimeout(this.guard);
    check(served, { 'webchat: citizen reached an agent': (v) => v });
    if (this.ws.readyState <= 1) this.ws.close();
  }
}

/**
 * One unmeasured webchat citizen through the bot and the handoff during setup (k6/ws: setup has no
 * event loop of its own to wait on): see warmUpWhatsApp. Returns once its session is queued.
 */
export function warmUpWebchat(runId, n) {
  let queued = false;
  let failure;
  const res = ws.connect(`${wsBaseUrl}/ws/chat`, {}, (socket) => {
    let phase = 'menu';
    const send = (body) => socket.send(JSON.stringify(body));
    socket.on('open', () => send({ type: 'identify', name: WARM_UP_NAME, email: `warm-up-${runId}-${n}@example.com`, cpf: cpfFor(999_000_000 + n) }));
    socket.on('message', (data) => {
      const m = JSON.parse(data);
      if (m.type === 'error') {
        failure = JSON.stringify(m.error);
        return socket.close();
      }
      if (m.type !== 'message' || m.message.direction !== 'out') return;
      const message = m.message;
      const content = message.content ?? {};
      if (phase === 'menu' && content.type === 'list') {
        const row = (content.sections ?? []).flatMap((x) => x.rows ?? []).find((r) => String(r.id).startsWith(THEME_PREFIX));
        phase = 'theme';
        send({ type: 'choose', optionId: row.id, title: row.title });
      } else if (phase === 'theme' && message.author === 'bot') {
        phase = 'question';
        send({ type: 'text', text: QUESTION });
      } else if (phase === 'question' && content.type === 'buttons') {
        phase = 'handoff';
        send({ type: 'text', text: WANTS_HUMAN });
      } else if (phase === 'handoff' && message.author === 'system' && isQueuedText(message.text)) {
        queued = true;
        socket.close();
      }
    });
    socket.setTimeout(() => {
      failure = failure ?? `not queued within 15 s (at ${phase})`;
      socket.close();
    }, 15_000);
  });
  if (!res || res.status !== 101 || !queued) throw new Error(`warm-up webchat citizen: ${failure ?? `upgrade answered ${res && res.status}`}`);
}
