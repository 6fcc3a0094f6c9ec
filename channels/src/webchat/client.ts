// All I/O with citizens' browsers: the WS /ws/chat endpoint (uWebSockets.js), the sockets of each
// conversation (a citizen may have several tabs), backpressure and a per-socket message rate limit.
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import { sendOrDrop, upgradeWith, type SocketState } from '@atende/router/server';

interface CitizenSocketState extends SocketState {
  conversationId?: string;
  /** Token bucket: a misbehaving page cannot flood the server. */
  tokens: number;
  refilledAt: number;
}

/** One citizen socket as the adapter sees it (no uWS objects leak out). */
export interface ChatConnection {
  readonly conversationId: string | undefined;
  readonly closed: boolean;
  send(message: object): void;
  bind(conversationId: string): void;
}

export interface ChatSocketsOptions {
  onMessage(connection: ChatConnection, text: string): void;
  bufferLimitBytes: number;
  /** Messages a socket may send per second, with bursts up to `burst`. */
  ratePerSecond?: number;
  burst?: number;
}

const decoder = new TextDecoder();

export class ChatSockets {
  private readonly byConversation = new Map<string, Set<WebSocket<CitizenSocketState>>>();
  private readonly all = new Set<WebSocket<CitizenSocketState>>();

  constructor(private readonly options: ChatSocketsOptions) {}

  register(app: TemplatedApp): void {
    const rate = this.options.ratePerSecond ?? 5;
    const burst = this.options.burst ?? 20;
    app.ws<CitizenSocketState>('/ws/chat', {
      maxPayloadLength: 16 * 1024,
      idleTimeout: 120,
      sendPingsAutomatically: true,
      maxBackpressure: this.options.bufferLimitBytes * 2,
      upgrade: (res, req, context) => upgradeWith(res, req, context, () => ({ closed: false, tokens: burst, refilledAt: Date.now() })),
      open: (ws) => {
        this.all.add(ws);
      },
      message: (ws, message) => {
        const state = ws.getUserData();
        const now = Date.now();
        state.tokens = Math.min(burst, state.tokens + ((now - state.refilledAt) / 1000) * rate);
        state.refilledAt = now;
        const connection = this.connection(ws);
        if (state.tokens < 1) {
          connection.send({ type: 'error', error: { code: 'rate_limited', message: 'Muitas mensagens em pouco tempo; aguarde um instante.' } });
          return;
        }
        state.tokens -= 1;
        this.options.onMessage(connection, decoder.decode(message));
      },
      close: (ws) => {
        const state = ws.getUserData();
        state.closed = true;
        this.all.delete(ws);
        if (state.conversationId) this.unbind(ws, state.conversationId);
      },
    });
  }

  /** Sends to every open socket of the conversation; returns how many got it. */
  send(conversationId: string, message: object): number {
    const set = this.byConversation.get(conversationId);
    if (!set) return 0;
    const text = JSON.stringify(message);
    let sent = 0;
    for (const ws of set) {
      ws.cork(() => {
        if (sendOrDrop(ws, text, this.options.bufferLimitBytes)) sent += 1;
      });
    }
    return sent;
  }

  isConnected(conversationId: string): boolean {
    return (this.byConversation.get(conversationId)?.size ?? 0) > 0;
  }

  closeAll(): void {
    for (const ws of this.all) if (!ws.getUserData().closed) ws.end(1001, 'server shutting down');
  }

  private connection(ws: WebSocket<CitizenSocketState>): ChatConnection {
    const state = ws.getUserData();
    return {
      get conversationId() {
        return state.conversationId;
      },
      get closed() {
        return state.closed;
      },
      send: (message) => {
        // Answers may come after an await: a closed uWS socket must not be touched.
        if (!state.closed) ws.cork(() => sendOrDrop(ws, JSON.stringify(message), this.options.bufferLimitBytes));
      },
      bind: (conversationId) => {
        if (state.closed) return;
        if (state.conversationId && state.conversationId !== conversationId) this.unbind(ws, state.conversationId);
        state.conversationId = conversationId;
        let set = this.byConversation.get(conversationId);
        if (!set) this.byConversation.set(conversationId, (set = new Set()));
        set.add(ws);
      },
    };
  }

  private unbind(ws: WebSocket<CitizenSocketState>, conversationId: string): void {
    const set = this.byConversation.get(conversationId);
    set?.delete(ws);
    if (set?.size === 0) this.byConversation.delete(conversationId);
  }
}
