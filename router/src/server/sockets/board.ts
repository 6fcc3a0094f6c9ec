// WS /ws/board: a snapshot of queues and agents, then updates per topic coalesced to at most one
// per boardIntervalMs (4/s by default). A subscriber that reads too slowly is dropped, never buffered.
// The `queues` topic sends every row (they are few); the `agents` topic sends only the agents that
// changed since the previous `agents` update, and the ids of agents that are gone: at 2,000 agents
// the whole list is ~400 KB, and 100 boards at 4/s made it the server's largest cost.
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { RoutingEvent } from '../../core/index.js';
import { canRead } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { forbidden } from '../http/errors.js';
import { agentJson } from '../routing/views.js';
import { sendOrDrop, upgradeWith, type SocketState } from './upgrade.js';

type Topic = 'queues' | 'agents';
const TOPICS: readonly Topic[] = ['queues', 'agents'];
/** Waiting times grow without events: refresh the queues topic this often while anyone waits. */
const WAIT_REFRESH_MS = 1_000;
/**
 * Events that change no agent but the ones they name (agentId, or the configured agent). Any other
 * event (an abandoned offer, a transfer, …) has every agent compared again at the next update.
 */
const NAMED_AGENT_ONLY: ReadonlySet<RoutingEvent['type']> = new Set([
  'agent.configured',
  'agent.state_changed',
  'agent.auto_paused',
  'interaction.queued',
  'interaction.offered',
  'interaction.accepted',
  'interaction.rejected',
  'interaction.expired',
  'interaction.revoked',
  'interaction.ended',
  'interaction.wrapped_up',
  'interaction.cooldown_ended',
]);
/**
 * Every agent is compared again at least this often: the day's counters reset on the first
 * event after local midnight, whichever it is.
 */
const FULL_COMPARE_MS = 10_000;

interface TopicState {
  timer: NodeJS.Timeout | undefined;
  lastSent: number;
}

export class BoardSockets {
  private readonly sockets = new Set<WebSocket<SocketState>>();
  private readonly topics = new Map<Topic, TopicState>(TOPICS.map((t) => [t, { timer: undefined, lastSent: 0 }]));
  private readonly unsubscribe: () => void;
  private readonly refresh: NodeJS.Timeout;
  /**
   * Each agent's JSON as of the last `agents` update: the next update carries the agents whose
   * JSON differs and the ids missing now. A board opened in between got a newer snapshot, so a
   * delta may repeat a change it already has; entries are whole agents, so applying one again
   * is harmless.
   */
  private sentAgents = new Map<string, string>();
  /** Agents named by events since the last `agents` update; `all` when any agent may have changed. */
  private dirtyAgents = new Set<string>();
  private allAgentsDirty = true;
  private fullCompareAt = 0;

  constructor(private readonly ctx: ServerContext) {
    this.unsubscribe = ctx.engine.subscribe((events) => {
      for (const e of events) this.noteAgents(e);
      for (const topic of TOPICS) this.schedule(topic);
    });
    this.refresh = setInterval(() => {
      if (this.sockets.size > 0 && ctx.reader.anyWaiting()) this.schedule('queues');
    }, WAIT_REFRESH_MS);
    this.refresh.unref();
  }

  register(app: TemplatedApp): void {
    app.ws<SocketState>('/ws/board', {
      maxPayloadLength: 4 * 1024,
      idleTimeout: 120,
      sendPingsAutomatically: true,
      maxBackpressure: this.ctx.config.boardBufferLimitBytes * 2,
      upgrade: (res, req, context) =>
        upgradeWith(res, req, context, ({ authorization }) => {
          if (!canRead(this.ctx.auth.authenticate(authorization))) throw forbidden('O painel é para supervisores.');
          return { closed: false };
        }),
      open: (ws) => {
        const first = this.sockets.size === 0;
        this.sockets.add(ws);
        this.ctx.metrics.wsConnections.inc({ socket: 'board' });
        const at = JSON.stringify(new Date(this.ctx.clock()).toISOString());
        const agents = this.agentTexts();
        // Nobody else is watching: deltas can start from what this board has.
        if (first) this.resetAgents(agents);
        const text = `{"type":"snapshot","at":${at},"queues":${JSON.stringify(this.queues())},"agents":[${[...agents.values()].join(',')}]}`;
        sendOrDrop(ws, text, this.limit);
      },
      // The board is read-only: client frames are ignored.
      message: () => undefined,
      close: (ws) => {
        ws.getUserData().closed = true;
        this.sockets.delete(ws);
        this.ctx.metrics.wsConnections.dec({ socket: 'board' });
      },
    });
  }

  closeAll(): void {
    this.unsubscribe();
    clearInterval(this.refresh);
    for (const state of this.topics.values()) if (state.timer) clearTimeout(state.timer);
    for (const ws of this.sockets) if (!ws.getUserData().closed) ws.end(1001, 'server shutting down');
  }

  private get limit(): number {
    return this.ctx.config.boardBufferLimitBytes;
  }

  /** At most one send per interval per topic; changes in between ride on the next send. */
  private schedule(topic: Topic): void {
    if (this.sockets.size === 0) return;
    const state = this.topics.get(topic)!;
    if (state.timer) return;
    const delay = Math.max(0, state.lastSent + this.ctx.config.boardIntervalMs - Date.now());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.lastSent = Date.now();
      this.publish(topic);
    }, delay);
    state.timer.unref();
  }

  private publish(topic: Topic): void {
    if (this.sockets.size === 0) return;
    const at = new Date(this.ctx.clock()).toISOString();
    const text = topic === 'queues' ? JSON.stringify({ type: 'queues', at, queues: this.queues() }) : this.agentsDelta(at);
    if (text === undefined) return;
    for (const ws of this.sockets) {
      const state = ws.getUserData();
      if (state.closed) continue;
      ws.cork(() => {
        if (!sendOrDrop(ws, text, this.limit) && state.closed) this.ctx.metrics.boardDropped.inc();
      });
    }
  }

  private queues() {
    return this.ctx.engine.queues();
  }

  /** Each agent's JSON text by id, in the engine's order. */
  private agentTexts(): Map<string, string> {
    const texts = new Map<string, string>();
    for (const view of this.ctx.engine.agents()) texts.set(view.id, JSON.stringify(agentJson(view)));
    return texts;
  }

  private noteAgents(e: RoutingEvent): void {
    if (this.allAgentsDirty) return;
    if (!NAMED_AGENT_ONLY.has(e.type)) this.allAgentsDirty = true;
    else if (e.type === 'agent.configured') this.dirtyAgents.add(e.agent.id);
    else if ('agentId' in e) this.dirtyAgents.add(e.agentId);
  }

  private resetAgents(texts: Map<string, string>): void {
    this.sentAgents = texts;
    this.dirtyAgents.clear();
    this.allAgentsDirty = false;
    this.fullCompareAt = Date.now();
  }

  /** The agents that changed since the last update and the ids of those gone; undefined when none. */
  private agentsDelta(at: string): string | undefined {
    const changed: string[] = [];
    const removed: string[] = [];
    if (this.allAgentsDirty || Date.now() - this.fullCompareAt >= FULL_COMPARE_MS) {
      const now = this.agentTexts();
      for (const [id, text] of now) if (this.sentAgents.get(id) !== text) changed.push(text);
      for (const id of this.sentAgents.keys()) if (!now.has(id)) removed.push(id);
      this.resetAgents(now);
    } else {
      // Only the agents events named: the others are as last sent.
      for (const id of this.dirtyAgents) {
        const view = this.ctx.engine.agent(id);
        if (!view) {
          if (this.sentAgents.delete(id)) removed.push(id);
          continue;
        }
        const text = JSON.stringify(agentJson(view));
        if (this.sentAgents.get(id) !== text) changed.push(text);
        this.sentAgents.set(id, text);
      }
      this.dirtyAgents.clear();
    }
    if (changed.length === 0 && removed.length === 0) return undefined;
    return `{"type":"agents","at":${JSON.stringify(at)},"agents":[${changed.join(',')}],"removed":${JSON.stringify(removed)}}`;
  }
}
