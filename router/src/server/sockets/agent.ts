// WS /ws/agent?agentId=…&token=…: on connect the agent's state, pending offers and sessions;
// then offers, revocations, session and presence events; client commands answered by ack/error.
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { RoutingEvent } from '../../core/index.js';
import type { ServerContext } from '../context.js';
import { errorResponse } from '../http/app.js';
import { ApiError, forbidden, notFound } from '../http/errors.js';
import type { Configuration } from '../routing/configuration.js';
import type { Sessions } from '../routing/sessions.js';
import { agentJson } from '../routing/views.js';
import type { Principal } from '../auth/principal.js';
import { agentClientMessage, looseRequestId, type AgentClientMessage } from './agent-messages.js';
import { sendOrDrop, upgradeWith, type SocketState } from './upgrade.js';

interface AgentSocket extends SocketState {
  agentId: string;
  /** The socket acts as its agent, whoever signed in (the admin token acts as that agent too). */
  principal: Principal;
}

const decoder = new TextDecoder();

export class AgentSockets {
  private readonly byAgent = new Map<string, Set<WebSocket<AgentSocket>>>();
  /**
   * Messages wait here until the event loop's next check phase (setImmediate), then go out with
   * one cork (one write) per socket: what a group commit resolved (a command's session event,
   * the next offer, the ack) leaves together instead of as one write each.
   */
  private outbox = new Map<WebSocket<AgentSocket>, { state: AgentSocket; texts: string[] }>();
  /** Which agent holds an offer or session of each interaction (abandon events name none). */
  private readonly holders = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: ServerContext,
    private readonly sessions: Sessions,
    private readonly configuration: Configuration,
  ) {
    for (const agent of ctx.engine.agents()) {
      for (const id of [...agent.offers, ...agent.sessions]) this.holders.set(id, agent.id);
    }
    this.unsubscribe = ctx.engine.subscribe((events) => {
      try {
        this.push(events);
      } catch (err) {
        ctx.log.error({ err }, 'agent socket push failed');
      }
    });
  }

  /** Sends a message to every socket of the agent (channel adapters: citizen messages, typing, receipts). */
  notify(agentId: string, message: object): void {
    this.toAgent(agentId, () => message);
  }

  isConnected(agentId: string): boolean {
    return (this.byAgent.get(agentId)?.size ?? 0) > 0;
  }

  register(app: TemplatedApp): void {
    app.ws<AgentSocket>('/ws/agent', {
      maxPayloadLength: 16 * 1024,
      idleTimeout: 120,
      sendPingsAutomatically: true,
      maxBackpressure: this.ctx.config.agentBufferLimitBytes * 2,
      upgrade: (res, req, context) =>
        upgradeWith(res, req, context, ({ query, authorization }) => {
          const principal = this.ctx.auth.authenticate(authorization);
          const agentId = query.get('agentId') ?? (principal.kind === 'user' ? principal.agentId : undefined);
          if (!agentId) throw new ApiError(400, 'invalid_request', 'Informe agentId.');
          if (principal.role !== 'admin' && !(principal.role === 'agent' && principal.kind === 'user' && principal.agentId === agentId)) {
            throw forbidden('Um atendente só conecta como ele mesmo.');
          }
          if (!this.ctx.engine.agent(agentId)) throw notFound('agent', { agentId });
          const asAgent: Principal = { kind: 'user', role: 'agent', userId: principal.kind === 'user' ? principal.userId : 'admin-token', username: principal.kind === 'user' ? principal.username : 'admin', agentId };
          return { agentId, principal: asAgent, closed: false };
        }),
      open: (ws) => {
        const { agentId } = ws.getUserData();
        let set = this.byAgent.get(agentId);
        if (!set) this.byAgent.set(agentId, (set = new Set()));
        set.add(ws);
        this.ctx.metrics.wsConnections.inc({ socket: 'agent' });
        this.greet(ws);
      },
      message: (ws, message) => this.receive(ws, decoder.decode(message)),
      close: (ws) => {
        const state = ws.getUserData();
        state.closed = true;
        this.byAgent.get(state.agentId)?.delete(ws);
        if (this.byAgent.get(state.agentId)?.size === 0) this.byAgent.delete(state.agentId);
        this.ctx.metrics.wsConnections.dec({ socket: 'agent' });
      },
    });
  }

  closeAll(): void {
    this.unsubscribe();
    for (const set of this.byAgent.values()) for (const ws of set) if (!ws.getUserData().closed) ws.end(1001, 'server shutting down');
  }

  /** The state on connect, then each pending offer again as an `offer` (after a restart too). */
  private greet(ws: WebSocket<AgentSocket>): void {
    const view = this.ctx.engine.agent(ws.getUserData().agentId);
    if (!view) return;
    const offers = view.offers.map((id) => this.offer(id)).filter((o) => o !== undefined);
    const sessions = view.sessions.map((id) => this.sessions.json(id)).filter((s) => s !== undefined);
    this.send(ws, { type: 'snapshot', agent: agentJson(view), offers, sessions });
    for (const offer of offers) this.send(ws, { type: 'offer', ...offer });
  }

  private offer(interactionId: string) {
    const interaction = this.sessions.json(interactionId);
    if (!interaction || interaction.offerExpiresAt === undefined) return undefined;
    return { interaction, expiresAt: interaction.offerExpiresAt };
  }

  private receive(ws: WebSocket<AgentSocket>, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.send(ws, { type: 'error', requestId: null, error: { code: 'invalid_json', message: 'A mensagem não é um JSON válido.' } });
      return;
    }
    const parsed = agentClientMessage.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      this.send(ws, { type: 'error', requestId: looseRequestId(raw), error: { code: 'invalid_message', message: 'Mensagem inválida.', details: { fields } } });
      return;
    }
    // Copy before the await: the socket may close while the command runs, and a closed uWS socket must not be touched.
    const state = ws.getUserData();
    const { principal, agentId } = state;
    const message = parsed.data;
    const reply = (body: object) => {
      if (!state.closed) this.post(ws, state, JSON.stringify(body));
    };
    void this.run(principal, agentId, message).then(
      (result) => reply({ type: 'ack', requestId: message.requestId ?? null, ...result }),
      (err: unknown) => {
        if (!(err instanceof ApiError)) this.ctx.log.error({ err, agentId, message: message.type }, 'agent command failed');
        reply({ type: 'error', requestId: message.requestId ?? null, error: (errorResponse(err).body as { error: unknown }).error });
      },
    );
  }

  private async run(principal: Principal, agentId: string, message: AgentClientMessage): Promise<Record<string, unknown>> {
    switch (message.type) {
      case 'accept':
        return { interaction: await this.sessions.accept(principal, message.interactionId) };
      case 'reject':
        return { interaction: await this.sessions.reject(principal, message.interactionId) };
      case 'end':
        return { interaction: await this.sessions.end(principal, message.interactionId, message.tabulation) };
      case 'wrapup':
        return { interaction: await this.sessions.wrapup(principal, message.interactionId, message.tabulation) };
      case 'state':
        return { agent: await this.configuration.setAgentState(principal, agentId, { state: message.state, reason: message.reason }) };
    }
  }

  private push(events: readonly RoutingEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case 'interaction.offered':
          this.holders.set(e.interactionId, e.agentId);
          this.toAgent(e.agentId, () => {
            const offer = this.offer(e.interactionId);
            return offer && { type: 'offer', ...offer, expiresAt: new Date(e.expiresAt).toISOString() };
          });
          break;
        case 'interaction.rejected':
        case 'interaction.expired':
        case 'interaction.revoked': {
          this.holders.delete(e.interactionId);
          const reason = e.type === 'interaction.revoked' ? e.reason : e.type === 'interaction.expired' ? 'expired' : 'rejected';
          this.toAgent(e.agentId, () => ({ type: 'revoked', interactionId: e.interactionId, reason }));
          break;
        }
        case 'interaction.abandoned': {
          const holder = this.holders.get(e.interactionId);
          this.holders.delete(e.interactionId);
          if (holder) this.toAgent(holder, () => ({ type: 'revoked', interactionId: e.interactionId, reason: 'abandoned' }));
          break;
        }
        case 'interaction.accepted':
        case 'interaction.ended':
        case 'interaction.wrapped_up': {
          if (e.type === 'interaction.wrapped_up') this.holders.delete(e.interactionId);
          const event = e.type.slice('interaction.'.length);
          this.toAgent(e.agentId, () => ({ type: 'session', event, interaction: this.sessions.json(e.interactionId) ?? { id: e.interactionId } }));
          break;
        }
        case 'interaction.transferred':
          this.holders.delete(e.interactionId);
          if (e.fromAgentId) {
            this.toAgent(e.fromAgentId, () => ({ type: 'session', event: 'transferred', interaction: this.sessions.json(e.interactionId) ?? { id: e.interactionId }, toGroupId: e.toGroupId, toAgentId: e.toAgentId }));
          }
          break;
        case 'agent.state_changed':
        case 'agent.auto_paused':
        case 'agent.configured': {
          const agentId = e.type === 'agent.configured' ? e.agent.id : e.agentId;
          this.toAgent(agentId, () => {
            const view = this.ctx.engine.agent(agentId);
            return view && { type: 'state', agent: agentJson(view), ...(e.type === 'agent.auto_paused' ? { autoPaused: true, reason: e.reason } : {}) };
          });
          break;
        }
        default:
          break;
      }
    }
  }

  /** Builds the message only when the agent has a socket open. */
  private toAgent(agentId: string, build: () => object | undefined): void {
    const set = this.byAgent.get(agentId);
    if (!set || set.size === 0) return;
    const message = build();
    if (!message) return;
    const text = JSON.stringify(message);
    for (const ws of set) this.post(ws, ws.getUserData(), text);
  }

  /** Queues a message for the end of this burst (see `outbox`), in order per socket. */
  private post(ws: WebSocket<AgentSocket>, state: AgentSocket, text: string): void {
    if (this.outbox.size === 0) setImmediate(() => this.flush());
    const queued = this.outbox.get(ws);
    if (queued) queued.texts.push(text);
    else this.outbox.set(ws, { state, texts: [text] });
  }

  private flush(): void {
    const outbox = this.outbox;
    this.outbox = new Map();
    const limit = this.ctx.config.agentBufferLimitBytes;
    for (const [ws, { state, texts }] of outbox) {
      // A socket closed meanwhile must not be touched (uWS throws on a closed socket).
      if (state.closed) continue;
      ws.cork(() => {
        for (const text of texts) if (!sendOrDrop(ws, text, limit)) break;
      });
    }
  }

  private send(ws: WebSocket<AgentSocket>, message: object): void {
    sendOrDrop(ws, JSON.stringify(message), this.ctx.config.agentBufferLimitBytes);
  }
}
