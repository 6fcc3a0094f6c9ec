// Agents: each VU drives `agentsPerVu` agent sockets (WS /ws/agent). An agent goes available,
// accepts each offer after a think time, ends it after a handling time, and at its deadline
// finishes what it holds, goes offline and leaves. Times offer latency and the accept round trip.
// A session from a channel (webchat, WhatsApp) gets the agent's message first
// (POST /api/interactions/:id/messages, which its citizen waits for), then the handling time.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { REQUEST_TIMEOUT, headers } from '../lib/api.js';
import { AGENT_GREETING, isChannelSession, isWarmUp } from '../lib/channels.js';
import {
  acceptRtt,
  agentDisconnects,
  agentMessageRetries,
  agentMessageRtt,
  agentMessages,
  channelOfferLatency,
  k6EventLag,
  agentErrors,
  endRtt,
  offerLatency,
  offersReceived,
  offersRevoked,
  sessionsHandled,
} from '../lib/metrics.js';
import { adminToken, agentId, baseUrl, between, connectedSeconds, profile, wsBaseUrl } from '../lib/profile.js';

/** After its deadline an agent still holding work gets this long to finish before it just leaves. */
const FINISH_GRACE_MS = 15_000;
const RECONNECT_MS = 1_000;

let overloadedOffers = 0;
/** Set when this VU ends the test: its sockets then close on purpose. */
let aborting = false;

export function agents(agency) {
  const vu = exec.scenario.iterationInTest;
  const deadline = exec.scenario.startTime + connectedSeconds(profile) * 1000;
  const first = vu * profile.agentsPerVu;
  const last = Math.min(first + profile.agentsPerVu, profile.agents);
  for (let n = first; n < last; n++) {
    const id = agentId(n);
    // Spread the connections so the server is not hit by every handshake in the same millisecond.
    setTimeout(() => new Agent(id, agency.agentTokens[id] ?? adminToken, deadline).connect(), (n - first) * 40 + Math.random() * 200);
  }
}

class Agent {
  constructor(id, token, deadline) {
    this.id = id;
    this.token = token;
    this.deadline = deadline;
    this.ws = undefined;
    this.requests = new Map(); // requestId → { kind, interactionId, sentAt }
    this.nextRequest = 0;
    this.held = new Set(); // offers and sessions this agent still has to finish
    this.pendingAccepts = new Map(); // interactionId → timer of an accept not sent yet
    this.seen = new Set();
    this.channelSessions = new Set(); // held sessions that came through a channel
    this.stopping = false;
    this.left = false;
    this.timers = new Set();
  }

  connect() {
    const ws = new WebSocket(`${wsBaseUrl}/ws/agent?agentId=${encodeURIComponent(this.id)}&token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    ws.onopen = () => {
      if (this.stopping) return this.leave();
      this.command({ type: 'state', state: 'available' });
    };
    ws.onmessage = (event) => {
      // Times use the moment k6 read the frame, so a backlog in this VU's event loop is not
      // counted as server latency (k6_event_lag shows that backlog on its own).
      k6EventLag.add(Date.now() - event.timestamp, { socket: 'agent' });
      this.receive(JSON.parse(event.data), event.timestamp);
    };
    ws.onerror = (event) => {
      if (!this.left && !aborting) console.warn(`agent ${this.id}: socket error ${event.error}`);
    };
    ws.onclose = (event) => {
      if (this.left || aborting) return;
      agentDisconnects.add(1);
      check(event.code, { 'agent: socket stays open until the agent leaves': () => false });
      if (Date.now() < this.deadline) this.later(() => this.connect(), RECONNECT_MS);
      else this.left = true;
    };
    if (!this.deadlineTimer) {
      this.deadlineTimer = setTimeout(() => this.stop(), Math.max(0, this.deadline - Date.now()));
    }
  }

  receive(message, receivedAt) {
    switch (message.type) {
      case 'snapshot':
        check(message, { 'agent: snapshot on connect': (m) => m.agent && m.agent.id === this.id });
        break;
      case 'offer':
        this.offered(message.interaction, receivedAt);
        break;
      case 'revoked': {
        // Expired, or revoked when the agent went offline: the accept it was about to send is moot.
        offersRevoked.add(1, { reason: message.reason ?? 'unknown' });
        const timer = this.pendingAccepts.get(message.interactionId);
        if (timer !== undefined) {
          clearTimeout(timer);
          this.timers.delete(timer);
          this.pendingAccepts.delete(message.interactionId);
        }
        this.held.delete(message.interactionId);
        this.channelSessions.delete(message.interactionId);
        this.maybeLeave();
        break;
      }
      case 'ack':
      case 'error':
        this.answered(message, receivedAt);
        break;
      default:
        break; // session and state events: the acks already tell this agent what it needs
    }
  }

  offered(interaction, receivedAt) {
    if (this.seen.has(interaction.id)) return; // a reconnect repeats pending offers
    this.seen.add(interaction.id);
    this.held.add(interaction.id);
    const data = interaction.data ?? {};
    offersReceived.add(1);
    if (isChannelSession(interaction)) {
      // Created by the channels' handoff: no t0; its createdAt is when the citizen asked for a human.
      this.channelSessions.add(interaction.id);
      const createdAt = Date.parse(interaction.createdAt);
      const timed = check(createdAt, { 'agent: channel offer carries its creation time': (t) => Number.isFinite(t) });
      if (timed && !isWarmUp(interaction)) channelOfferLatency.add(receivedAt - createdAt, { channel: interaction.channel });
    } else if (check(data, { 'agent: offer carries the creation time': (d) => typeof d.t0 === 'number' })) {
      const latency = receivedAt - data.t0;
      offerLatency.add(latency, data.step === undefined ? {} : { step: String(data.step) });
      this.watchOverload(latency);
    }
    const timer = this.later(() => {
      this.pendingAccepts.delete(interaction.id);
      this.command({ type: 'accept', interactionId: interaction.id });
    }, between(profile.thinkMs));
    this.pendingAccepts.set(interaction.id, timer);
  }

  answered(message, receivedAt) {
    const request = this.requests.get(message.requestId);
    if (!request) return;
    this.requests.delete(message.requestId);
    const ok = message.type === 'ack';
    if (!ok) {
      agentErrors.add(1, { command: request.kind, code: message.error?.code ?? 'unknown' });
      console.warn(`agent ${this.id}: ${request.kind} ${request.interactionId ?? ''} → ${JSON.stringify(message.error)}`);
    }
    switch (request.kind) {
      case 'accept':
        check(ok, { 'agent: accept acknowledged': (v) => v });
        acceptRtt.add(receivedAt - request.sentAt);
        if (!ok) this.held.delete(request.interactionId);
        else if (this.channelSessions.has(request.interactionId)) this.greet(request.interactionId);
        else this.later(() => this.command({ type: 'end', interactionId: request.interactionId }), between(profile.handleMs));
        break;
      case 'end':
        check(ok, { 'agent: end acknowledged': (v) => v });
        endRtt.add(receivedAt - request.sentAt);
        if (ok) sessionsHandled.add(1);
        this.held.delete(request.interactionId);
        this.channelSessions.delete(request.interactionId);
        this.maybeLeave();
        break;
      case 'state':
        check(ok, { 'agent: presence acknowledged': (v) => v });
        if (request.state === 'offline') this.close();
        break;
      default:
        break;
    }
  }

  /** The agent's first message to a channel citizen (without blocking the VU's other sockets), then the handling time. */
  greet(interactionId) {
    const sentAt = Date.now();
    const endLater = () => this.later(() => this.command({ type: 'end', interactionId }), between(profile.handleMs));
    const post = () =>
      http.asyncRequest('POST', `${baseUrl}/api/interactions/${interactionId}/messages`, JSON.stringify({ text: `${AGENT_GREETING} (${this.id})` }), {
        headers: headers(this.token),
        tags: { name: 'POST /api/interactions/:id/messages' },
        responseType: 'none',
      });
    post()
      .then((res) => {
        if (res.status !== 0 || res.error_code === REQUEST_TIMEOUT) return res;
        // A transport failure with no answer at all: the server closed an idle keep-alive
        // connection as k6 reused it (connection reset), so it never read the request. Sent once
        // more, as a browser does on a reused connection; not after a timeout (the server may
        // still be handling the first one).
        agentMessageRetries.add(1);
        console.warn(`agent ${this.id}: message on ${interactionId} sent again after a transport failure (${res.error})`);
        return post();
      })
      .then(
        (res) => {
          agentMessageRtt.add(Date.now() - sentAt);
          if (check(res, { 'agent: message to the channel citizen stored and sent (201)': (r) => r.status === 201 })) agentMessages.add(1);
          else console.warn(`agent ${this.id}: message on ${interactionId} → ${res.status}`);
          endLater();
        },
        (err) => {
          check(false, { 'agent: message to the channel citizen stored and sent (201)': (v) => v });
          console.warn(`agent ${this.id}: message on ${interactionId} failed: ${err}`);
          endLater();
        },
      );
  }

  command(body) {
    if (!this.ws || this.ws.readyState !== 1) return;
    const requestId = ++this.nextRequest;
    this.requests.set(requestId, { kind: body.type, interactionId: body.interactionId, state: body.state, sentAt: Date.now() });
    this.ws.send(JSON.stringify({ ...body, requestId }));
  }

  /** At the deadline: no new work once what is held is finished; a hard stop after the grace time. */
  stop() {
    this.stopping = true;
    this.later(() => this.close(), FINISH_GRACE_MS);
    this.maybeLeave();
  }

  maybeLeave() {
    if (this.stopping && this.held.size === 0) this.leave();
  }

  leave() {
    if (this.leaving) return;
    this.leaving = true;
    this.command({ type: 'state', state: 'offline' });
    // If the socket is gone or the ack never comes, still close.
    this.later(() => this.close(), 5_000);
  }

  close() {
    this.left = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.ws && this.ws.readyState <= 1) this.ws.close();
  }

  later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  watchOverload(latency) {
    if (!profile.overload || latency < profile.overload.latencyMs) return;
    if (++overloadedOffers === profile.overload.offers) {
      aborting = true;
      exec.test.abort(`overloaded: ${overloadedOffers} offers later than ${profile.overload.latencyMs} ms seen by one VU`);
    }
  }
}
