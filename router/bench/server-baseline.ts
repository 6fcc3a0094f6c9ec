// The bench's baseline transport: node:http + the `ws` package in front of the same routing and
// command layer the uWS server uses (Sessions, Configuration, CommandBus, engine, persistence),
// serving the benchmarked flow the way the real server does: POST /api/interactions, and
// /ws/agent with snapshot, offers, revocations, session and presence events, ack/error replies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RoutingEvent } from '../src/core/index.js';
import type { ServerServices } from '../src/server/index.js';
import type { Principal } from '../src/server/auth/principal.js';
import { errorResponse } from '../src/server/http/app.js';
import { ApiError, notFound } from '../src/server/http/errors.js';
import { agentJson } from '../src/server/routing/views.js';
import { agentClientMessage, looseRequestId, type AgentClientMessage } from '../src/server/sockets/agent-messages.js';

export interface BaselineServer {
  port: number;
  close(): Promise<void>;
}

export async function startBaseline(services: ServerServices): Promise<BaselineServer> {
  const { context, sessions } = services;
  const limit = context.config.bodyLimitBytes;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const payload = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  };
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/api/interactions') {
      send(res, 404, { error: { code: 'not_found', message: 'Rota não encontrada.' } });
      req.resume();
      return;
    }
    const authorization = req.headers.authorization ?? '';
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      void (async () => {
        try {
          if (size > limit) throw new ApiError(413, 'payload_too_large', 'O corpo da requisição excede o limite.');
          let body: unknown;
          try {
            body = size === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            throw new ApiError(400, 'invalid_json', 'O corpo não é um JSON válido.');
          }
          const result = await sessions.create(context.auth.authenticate(authorization), body);
          send(res, result.created ? 201 : 200, result.interaction);
        } catch (err) {
          const response = errorResponse(err);
          send(res, response.status, response.body);
        }
      })();
    });
  });
  http.keepAliveTimeout = 30_000;

  const agents = new AgentSocketsOverWs(services);
  const wss = new WebSocketServer({ server: http, path: '/ws/agent', maxPayload: 16 * 1024 });
  wss.on('connection', (ws, req) => agents.open(ws, req));

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      agents.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** What sockets/agent.ts does over uWS, over `ws`: the same messages from the same events. */
class AgentSocketsOverWs {
  private readonly byAgent = new Map<string, Set<WebSocket>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly services: ServerServices) {
    this.unsubscribe = services.context.engine.subscribe((events) => this.push(events));
  }

  open(ws: WebSocket, req: IncomingMessage): void {
    const { context } = this.services;
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let agentId: string;
    let principal: Principal;
    try {
      const caller = context.auth.authenticate(req.headers.authorization || query.get('token'));
      agentId = query.get('agentId') ?? '';
      if (caller.role !== 'admin') throw new ApiError(403, 'forbidden', 'bench baseline: admin token only');
      if (!context.engine.agent(agentId)) throw notFound('agent', { agentId });
      principal = { kind: 'user', role: 'agent', userId: 'admin-token', username: 'admin', agentId };
    } catch (err) {
      ws.close(1008, (errorResponse(err).body as { error: { code: string } }).error.code);
      return;
    }
    let set = this.byAgent.get(agentId);
    if (!set) this.byAgent.set(agentId, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.byAgent.delete(agentId);
    });
    ws.on('message', (data) => this.receive(ws, principal, agentId, data.toString()));
    const view = context.engine.agent(agentId)!;
    const offers = view.offers.map((id) => this.offer(id)).filter((o) => o !== undefined);
    const sessions = view.sessions.map((id) => this.services.sessions.json(id)).filter((s) => s !== undefined);
    this.send(ws, { type: 'snapshot', agent: agentJson(view), offers, sessions });
    for (const offer of offers) this.send(ws, { type: 'offer', ...offer });
  }

  close(): void {
    this.unsubscribe();
  }

  private offer(interactionId: string) {
    const interaction = this.services.sessions.json(interactionId);
    if (!interaction || interaction.offerExpiresAt === undefined) return undefined;
    return { interaction, expiresAt: interaction.offerExpiresAt };
  }

  private receive(ws: WebSocket, principal: Principal, agentId: string, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.send(ws, { type: 'error', requestId: null, error: { code: 'invalid_json', message: 'A mensagem não é um JSON válido.' } });
      return;
    }
    const parsed = agentClientMessage.safeParse(raw);
    if (!parsed.success) {
      this.send(ws, { type: 'error', requestId: looseRequestId(raw), error: { code: 'invalid_message', message: 'Mensagem inválida.' } });
      return;
    }
    const message = parsed.data;
    void this.run(principal, agentId, message).then(
      (result) => this.send(ws, { type: 'ack', requestId: message.requestId ?? null, ...result }),
      (err: unknown) => this.send(ws, { type: 'error', requestId: message.requestId ?? null, error: (errorResponse(err).body as { error: unknown }).error }),
    );
  }

  private async run(principal: Principal, agentId: string, message: AgentClientMessage): Promise<Record<string, unknown>> {
    const { sessions, configuration } = this.services;
    switch (message.type) {
      case 'accept':
        return { interaction: await sessions.accept(principal, message.interactionId) };
      case 'reject':
        return { interaction: await sessions.reject(principal, message.interactionId) };
      case 'end':
        return { interaction: await sessions.end(principal, message.interactionId, message.tabulation) };
      case 'wrapup':
        return { interaction: await sessions.wrapup(principal, message.interactionId, message.tabulation) };
      case 'state':
        return { agent: await configuration.setAgentState(principal, agentId, { state: message.state, reason: message.reason }) };
    }
  }

  private push(events: readonly RoutingEvent[]): void {
    const { sessions, context } = this.services;
    for (const e of events) {
      switch (e.type) {
        case 'interaction.offered':
          this.toAgent(e.agentId, () => {
            const offer = this.offer(e.interactionId);
            return offer && { type: 'offer', ...offer, expiresAt: new Date(e.expiresAt).toISOString() };
          });
          break;
        case 'interaction.rejected':
        case 'interaction.expired':
        case 'interaction.revoked': {
          const reason = e.type === 'interaction.revoked' ? e.reason : e.type === 'interaction.expired' ? 'expired' : 'rejected';
          this.toAgent(e.agentId, () => ({ type: 'revoked', interactionId: e.interactionId, reason }));
          break;
        }
        case 'interaction.accepted':
        case 'interaction.ended':
        case 'interaction.wrapped_up': {
          const event = e.type.slice('interaction.'.length);
          this.toAgent(e.agentId, () => ({ type: 'session', event, interaction: sessions.json(e.interactionId) ?? { id: e.interactionId } }));
          break;
        }
        case 'agent.state_changed':
        case 'agent.auto_paused':
        case 'agent.configured': {
          const agentId = e.type === 'agent.configured' ? e.agent.id : e.agentId;
          this.toAgent(agentId, () => {
            const view = context.engine.agent(agentId);
            return view && { type: 'state', agent: agentJson(view) };
          });
          break;
        }
        default:
          break;
      }
    }
  }

  private toAgent(agentId: string, build: () => object | undefined): void {
    const set = this.byAgent.get(agentId);
    if (!set || set.size === 0) return;
    const message = build();
    if (!message) return;
    const text = JSON.stringify(message);
    for (const ws of set) this.sendText(ws, text);
  }

  private send(ws: WebSocket, message: object): void {
    this.sendText(ws, JSON.stringify(message));
  }

  /** Same backpressure rule as the uWS sockets: a consumer too far behind is dropped. */
  private sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.services.context.config.agentBufferLimitBytes) {
      ws.close(1013, 'slow consumer');
      return;
    }
    ws.send(text);
  }
}
