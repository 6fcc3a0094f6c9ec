// Agents as real WebSocket clients of /ws/agent: they answer offers after a think time (now and
// then rejecting), end sessions after a handling time, stay available, and reconnect with backoff
// after losing the server, resuming from the snapshot it sends. Every offer and acknowledgement
// they see is checked against capacity, eligibility and single ownership as it arrives.
import WebSocket from 'ws';
import type { AgentSpec, ScenarioChannel } from './agency.js';
import { random } from './agency.js';

export interface Behaviour {
  /** Chance of rejecting an offer instead of accepting it. */
  rejectProbability: number;
  /** Handling time of an accepted session: uniform in [min, max]. */
  handleMs: [number, number];
}

/** What all agents saw, shared so that single ownership can be checked across agents. */
export class Observations {
  readonly violations: string[] = [];
  /** Every offer received: interaction, agent, group, channel. */
  readonly offers: { interactionId: string; agentId: string; groupId: string; channel: string }[] = [];
  /** Sessions acknowledged as active, by the agent holding them. */
  readonly activeHolder = new Map<string, string>();
  /** Sessions an agent ended and got the acknowledgement of (or saw ended). */
  readonly ended = new Set<string>();
  accepted = 0;
  rejected = 0;
  reconnections = 0;
  /** Highest load (offers + active) seen per agent and channel. */
  readonly peakLoad = new Map<string, Record<string, number>>();

  violation(text: string): void {
    if (this.violations.length < 100) this.violations.push(text);
  }

  claim(interactionId: string, agentId: string): void {
    const holder = this.activeHolder.get(interactionId);
    if (holder !== undefined && holder !== agentId) this.violation(`${interactionId} active with ${agentId} while ${holder} still holds it`);
    if (this.ended.has(interactionId)) this.violation(`${interactionId} active with ${agentId} after it ended`);
    this.activeHolder.set(interactionId, agentId);
  }

  release(interactionId: string, agentId: string): void {
    if (this.activeHolder.get(interactionId) === agentId) this.activeHolder.delete(interactionId);
  }
}

interface Held {
  channel: string;
  groupId: string;
  state: 'offered' | 'active';
  timer?: NodeJS.Timeout;
}

type Reply = { type: 'ack' | 'error'; requestId: string; [key: string]: any };

export class SimulatedAgent {
  /** Offers and sessions this agent holds, as the server told it. */
  private readonly held = new Map<string, Held>();
  private readonly requests = new Map<string, (reply: Reply | undefined) => void>();
  private readonly groups: Set<string>;
  private readonly next: () => number;
  private socket: WebSocket | undefined;
  private nextRequest = 1;
  private stopped = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private everConnected = false;
  private snapshotWaiters: (() => void)[] = [];

  constructor(
    readonly spec: AgentSpec,
    private readonly url: () => string,
    private readonly behaviour: Behaviour,
    private readonly seen: Observations,
    seed: number,
  ) {
    this.groups = new Set(spec.groups.map((g) => g.groupId));
    this.next = random(seed);
  }

  /** Connects and resolves once the first snapshot arrived and the agent asked to be available. */
  start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.snapshotWaiters.push(resolve));
    this.connect();
    return ready;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const h of this.held.values()) clearTimeout(h.timer);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }

  private connect(): void {
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.on('message', (data) => this.receive(JSON.parse(data.toString())));
    socket.on('error', () => undefined); // a refused connection also closes: handled there
    socket.on('open', () => {
      this.failures = 0;
      if (this.everConnected) this.seen.reconnections++;
      this.everConnected = true;
    });
    socket.on('close', () => this.lost(socket));
  }

  /** The server is gone: forget what was in flight and retry with capped exponential backoff and jitter. */
  private lost(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    for (const h of this.held.values()) clearTimeout(h.timer);
    for (const h of this.held.values()) delete h.timer;
    for (const resolve of this.requests.values()) resolve(undefined);
    this.requests.clear();
    if (this.stopped) return;
    const delay = Math.min(1_000, 50 * 2 ** this.failures++) * (0.5 + this.next() / 2);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private receive(message: any): void {
    switch (message.type) {
      case 'snapshot':
        this.resume(message);
        break;
      case 'offer':
        this.offered(message.interaction);
        break;
      case 'revoked': {
        const h = this.held.get(message.interactionId);
        if (h?.state === 'active') this.seen.violation(`${this.spec.id}: active ${message.interactionId} revoked (${message.reason})`);
        if (h) this.drop(message.interactionId);
        break;
      }
      case 'session':
        if (message.event === 'ended' || message.event === 'wrapped_up') this.finished(message.interaction.id);
        break;
      case 'state':
        if (message.agent.presence !== 'available') void this.becomeAvailable();
        break;
      case 'ack':
      case 'error': {
        const resolve = this.requests.get(String(message.requestId));
        this.requests.delete(String(message.requestId));
        resolve?.(message);
        break;
      }
      default:
        break;
    }
  }

  /** After (re)connecting: the server's snapshot replaces whatever this client believed. */
  private resume(snapshot: { agent: { presence: string }; offers: { interaction: any }[]; sessions: any[] }): void {
    for (const [id, h] of this.held) {
      clearTimeout(h.timer);
      if (h.state === 'active') this.seen.release(id, this.spec.id);
    }
    this.held.clear();
    for (const session of snapshot.sessions) {
      if (session.state !== 'active') continue;
      this.track(session, 'active');
      this.seen.claim(session.id, this.spec.id);
      this.scheduleEnd(session.id);
    }
    for (const offer of snapshot.offers) this.offered(offer.interaction);
    const ready = snapshot.agent.presence === 'available' ? Promise.resolve() : this.becomeAvailable();
    void ready.then(() => {
      for (const resolve of this.snapshotWaiters.splice(0)) resolve();
    });
  }

  /** Back to available: at connect, and when the server auto-paused the agent after missed offers. */
  private async becomeAvailable(): Promise<void> {
    await this.request({ type: 'state', state: 'available' });
  }

  /** A new offer (the snapshot's offers are sent again as `offer` messages: those are already held). */
  private offered(interaction: { id: string; groupId: string; channel: string }): void {
    if (this.held.has(interaction.id)) return;
    this.seen.offers.push({ interactionId: interaction.id, agentId: this.spec.id, groupId: interaction.groupId, channel: interaction.channel });
    if (!this.groups.has(interaction.groupId)) this.seen.violation(`${interaction.id} of ${interaction.groupId} offered to ${this.spec.id}, not in that group`);
    this.track(interaction, 'offered');
    const think = this.spec.thinkMs * (0.5 + this.next());
    const reject = this.next() < this.behaviour.rejectProbability;
    this.held.get(interaction.id)!.timer = setTimeout(() => void this.answer(interaction.id, reject), think);
  }

  private track(interaction: { id: string; groupId: string; channel: string }, state: Held['state']): void {
    this.held.set(interaction.id, { channel: interaction.channel, groupId: interaction.groupId, state });
    const load = [...this.held.values()].filter((h) => h.channel === interaction.channel).length;
    const capacity = this.spec.capacity[interaction.channel as ScenarioChannel] ?? 0;
    if (load > capacity) this.seen.violation(`${this.spec.id} holds ${load} ${interaction.channel} (capacity ${capacity}) with ${interaction.id}`);
    const peak = this.seen.peakLoad.get(this.spec.id) ?? {};
    peak[interaction.channel] = Math.max(peak[interaction.channel] ?? 0, load);
    this.seen.peakLoad.set(this.spec.id, peak);
  }

  private async answer(interactionId: string, reject: boolean): Promise<void> {
    const h = this.held.get(interactionId);
    if (!h || h.state !== 'offered') return;
    delete h.timer;
    const reply = await this.request({ type: reject ? 'reject' : 'accept', interactionId });
    // No reply: the connection was lost, and the snapshot after reconnecting says what is held.
    if (!reply) return;
    const still = this.held.get(interactionId) === h;
    if (reply.type === 'error' || reject) {
      // An error: the offer expired or was revoked meanwhile. A reject: the `revoked` push
      // (published before the ack) may already have dropped it.
      if (reply.type === 'ack') this.seen.rejected++;
      if (still) this.drop(interactionId);
      return;
    }
    this.seen.accepted++;
    if (!still) {
      this.seen.violation(`${this.spec.id}: ${interactionId} accepted but no longer held`);
      return;
    }
    h.state = 'active';
    this.seen.claim(interactionId, this.spec.id);
    this.scheduleEnd(interactionId);
  }

  private scheduleEnd(interactionId: string): void {
    const [min, max] = this.behaviour.handleMs;
    const h = this.held.get(interactionId)!;
    h.timer = setTimeout(() => void this.end(interactionId), min + this.next() * (max - min));
  }

  private async end(interactionId: string): Promise<void> {
    const h = this.held.get(interactionId);
    if (!h || h.state !== 'active') return;
    delete h.timer;
    const reply = await this.request({ type: 'end', interactionId });
    if (reply?.type === 'ack') this.finished(interactionId);
    else if (reply) this.seen.violation(`${this.spec.id}: end of ${interactionId} refused: ${JSON.stringify(reply.error)}`);
  }

  private finished(interactionId: string): void {
    if (!this.held.has(interactionId)) return;
    this.drop(interactionId);
    this.seen.release(interactionId, this.spec.id);
    this.seen.ended.add(interactionId);
  }

  private drop(interactionId: string): void {
    clearTimeout(this.held.get(interactionId)?.timer);
    this.held.delete(interactionId);
  }

  /** Sends a command; resolves with its ack or error, or undefined if the connection is lost first. */
  private request(message: Record<string, unknown>): Promise<Reply | undefined> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve(undefined);
    const requestId = `${this.spec.id}-${this.nextRequest++}`;
    return new Promise((resolve) => {
      this.requests.set(requestId, resolve);
      socket.send(JSON.stringify({ ...message, requestId }));
    });
  }
}
