// WhatsApp citizens: each iteration is one citizen writing through Meta, played as Meta plays it —
// webhook notifications shaped by the Cloud API contracts (channels/test/contracts/whatsapp-cloud),
// signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body, the app secret), POSTed to
// /webhooks/whatsapp. Atende's replies go to the Graph API sink the runner started; the citizen
// reads them from its control server (long poll). Flow: "Olá" → the menu (list) → a theme → a
// question → "Falar com atendente" (button) → the queue's message → the agent's message, whose
// read status the citizen sends back.
import { check } from 'k6';
import crypto from 'k6/crypto';
import exec from 'k6/execution';
import http from 'k6/http';
import { AGENT_GREETING, HUMAN_OPTION, isQueuedText, QUESTION, THEME_PREFIX, WARM_UP_NAME } from '../lib/channels.js';
import {
  sessionsCreated,
  sessionsNotCreated,
  whatsappBotReply,
  whatsappCitizens as citizensArrived,
  whatsappFailed,
  whatsappHandoffQueued,
  whatsappHandoffToAgent,
  whatsappServed,
  whatsappSessions,
} from '../lib/metrics.js';
import { baseUrl, profile, stepAt } from '../lib/profile.js';
import { channelFlowTimeoutMs } from '../lib/schedule.js';
import { choicesOf, hubSignature, replyNotification, statusNotification, textNotification, textOf, waIdFor } from '../lib/whatsapp.js';

const CONTRACTS = '../../channels/test/contracts/whatsapp-cloud/';
const contracts = {
  text: JSON.parse(open(`${CONTRACTS}webhook-text.json`)),
  button: JSON.parse(open(`${CONTRACTS}webhook-interactive-button-reply.json`)),
  list: JSON.parse(open(`${CONTRACTS}webhook-interactive-list-reply.json`)),
  read: JSON.parse(open(`${CONTRACTS}webhook-status-read.json`)),
};

const appSecret = __ENV.WHATSAPP_APP_SECRET ?? '';
const phoneNumberId = __ENV.WHATSAPP_PHONE_NUMBER_ID ?? '';
const controlUrl = (__ENV.GRAPH_CONTROL_URL ?? '').replace(/\/$/, '');
const hmac = (secret, raw) => crypto.hmac('sha256', secret, raw, 'hex');
/** Bot answers come within this; the agent's message within the flow's timeout. */
const BOT_WAIT_MS = 15_000;
const POLL_MS = 10_000;

class Failed extends Error {}

export function whatsappCitizens(agency) {
  if (!appSecret || !controlUrl) throw new Error('WHATSAPP_APP_SECRET and GRAPH_CONTROL_URL are not set (the runner sets them when the mix has WhatsApp citizens)');
  const n = exec.scenario.iterationInTest;
  const arrivedAt = Date.now();
  const step = stepAt(profile.arrival, arrivedAt - exec.scenario.startTime);
  const tags = step === undefined ? {} : { step: String(step) };
  citizensArrived.add(1);
  const citizen = new WhatsAppCitizen(n, agency.runId);
  let queued = false;
  try {
    citizen.say(textNotification(contracts.text, citizen.who(), 'Olá, preciso de ajuda'));
    const menu = citizen.waitFor((m) => choicesOf(m).kind === 'list', BOT_WAIT_MS, 'the menu');
    const themes = choicesOf(menu).options.filter((o) => o.id.startsWith(THEME_PREFIX));
    if (themes.length === 0) throw new Failed('the menu offers no theme');
    const theme = themes[Math.floor(Math.random() * themes.length)];
    citizen.say(replyNotification(contracts.list, citizen.who(), 'list', theme));
    citizen.waitFor((m) => m.type === 'text', BOT_WAIT_MS, 'the theme confirmation', 'theme');
    citizen.say(textNotification(contracts.text, citizen.who(), QUESTION));
    const offer = citizen.waitFor((m) => choicesOf(m).options.some((o) => o.id === HUMAN_OPTION), BOT_WAIT_MS, 'the offer of a human', 'question');
    const human = choicesOf(offer).options.find((o) => o.id === HUMAN_OPTION);
    const handoffAt = citizen.say(replyNotification(contracts.button, citizen.who(), 'button', human));
    const queuedMessage = citizen.waitFor((m) => isQueuedText(textOf(m)), BOT_WAIT_MS, "the queue's message");
    whatsappHandoffQueued.add(queuedMessage.at - handoffAt);
    sessionsCreated.add(1, tags);
    whatsappSessions.add(1);
    queued = true;
    const agentMessage = citizen.waitFor((m) => textOf(m).startsWith(AGENT_GREETING), channelFlowTimeoutMs(profile), "the agent's message");
    whatsappHandoffToAgent.add(agentMessage.at - handoffAt);
    whatsappServed.add(1);
    // Meta tells Atende the citizen read it.
    citizen.say(statusNotification(contracts.read, { phoneNumberId, wamid: agentMessage.id, status: 'read', recipient: citizen.waId, timestampMs: Date.now() }));
    check(true, { 'whatsapp: citizen reached an agent': (v) => v });
  } catch (err) {
    if (!(err instanceof Failed)) throw err;
    console.warn(`whatsapp citizen ${n}: ${err.message}`);
    whatsappFailed.add(1);
    if (!queued) sessionsNotCreated.add(1, tags);
    check(false, { 'whatsapp: citizen reached an agent': (v) => v });
  } finally {
    http.del(`${controlUrl}/sent/${citizen.waId}`, null, { tags: { name: 'DELETE sink /sent/:waId' }, responseType: 'none' });
  }
}

/**
 * One citizen through the bot and the handoff during setup, unmeasured: the server's first
 * conversations compile their code paths and queries (JIT, PGlite), stalling its event loop for
 * 60–130 ms at a time over the first handful of citizens (~20 ms later on), which would otherwise
 * land on the first measured sessions — the channels' counterpart of the agents' warm-up. Its
 * session is served by an agent once they connect and ends like any other (teardown counts it).
 */
export function warmUpWhatsApp(runId, n) {
  const citizen = new WhatsAppCitizen(99_999_900 + n, runId, WARM_UP_NAME);
  try {
    citizen.say(textNotification(contracts.text, citizen.who(), 'Olá'));
    const menu = citizen.waitFor((m) => choicesOf(m).kind === 'list', BOT_WAIT_MS, 'the menu');
    const theme = choicesOf(menu).options.find((o) => o.id.startsWith(THEME_PREFIX));
    if (!theme) throw new Failed('the menu offers no theme');
    citizen.say(replyNotification(contracts.list, citizen.who(), 'list', theme));
    citizen.waitFor((m) => m.type === 'text', BOT_WAIT_MS, 'the theme confirmation');
    citizen.say(textNotification(contracts.text, citizen.who(), QUESTION));
    citizen.waitFor((m) => choicesOf(m).options.some((o) => o.id === HUMAN_OPTION), BOT_WAIT_MS, 'the offer of a human');
    citizen.say(replyNotification(contracts.button, citizen.who(), 'button', { id: HUMAN_OPTION, title: 'Falar com atendente' }));
    citizen.waitFor((m) => isQueuedText(textOf(m)), BOT_WAIT_MS, "the queue's message");
  } catch (err) {
    if (!(err instanceof Failed)) throw err;
    throw new Error(`warm-up WhatsApp citizen: ${err.message}`);
  }
}

class WhatsAppCitizen {
  constructor(n, runId, name = `Cidadão WhatsApp ${n}`) {
    this.n = n;
    this.runId = runId;
    this.name = name;
    this.waId = waIdFor(n);
    this.messages = 0;
    /** Messages the sink has for this citizen that were read. */
    this.seen = 0;
    this.lastSaid = 0;
  }

  who() {
    this.messages += 1;
    return { phoneNumberId, waId: this.waId, name: this.name, messageId: `wamid.lt-${this.runId}-${this.n}-${this.messages}`, timestampMs: Date.now() };
  }

  /** POSTs a signed notification; returns when it was sent. Throws Failed unless Atende answers 200. */
  say(payload) {
    const raw = JSON.stringify(payload);
    this.lastSaid = Date.now();
    const res = http.post(`${baseUrl}/webhooks/whatsapp`, raw, {
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hubSignature(raw, appSecret, hmac) },
      tags: { name: 'POST /webhooks/whatsapp' },
    });
    if (!check(res, { 'whatsapp: webhook accepted (200)': (r) => r.status === 200 })) throw new Failed(`webhook → ${res.status} ${String(res.body).slice(0, 200)}`);
    return this.lastSaid;
  }

  /**
   * The next message Atende sent this citizen that matches (earlier ones are passed over), read
   * from the sink; times the bot's answer (sink's receipt − the last webhook) when `botStep` is set.
   */
  waitFor(match, timeoutMs, what, botStep) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Failed(`no ${what} within ${timeoutMs} ms`);
      const res = http.get(`${controlUrl}/sent/${this.waId}?after=${this.seen}&waitMs=${Math.min(left, POLL_MS)}`, { tags: { name: 'GET sink /sent/:waId' } });
      if (res.status !== 200) throw new Failed(`sink → ${res.status}`);
      const { messages } = res.json();
      for (const message of messages) {
        this.seen += 1;
        if (!match(message)) continue;
        if (botStep) whatsappBotReply.add(message.at - this.lastSaid, { step: botStep });
        return message;
      }
    }
  }
}
