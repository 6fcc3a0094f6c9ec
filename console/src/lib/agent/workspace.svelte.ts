// The agent's live workspace over WS /ws/agent: presence, pending offers and open sessions as the
// server reports them, and the commands (accept, reject, end with tabulação, wrap-up, presence)
// sent with a requestId and settled by the server's ack or error.
import { ApiFailure } from '../api/client';
import type { ChannelEvent } from '../channels/registry';
import type { Agent, Interaction, Offer, Presence, Tabulation } from '../api/types';
import { LiveSocket, socketUrl, type SocketStatus } from '../connection/live-socket';
import { clockSkew } from '../time/countdown';

export type SessionPhase = 'active' | 'tabulating' | 'wrapup';

export interface SessionTab {
  interaction: Interaction;
  phase: SessionPhase;
  notes: string;
}

export interface Notice {
  id: number;
  tone: 'info' | 'error';
  text: string;
}

type ServerMessage =
  | { type: 'snapshot'; agent: Agent; offers: Offer[]; sessions: Interaction[] }
  | { type: 'offer'; interaction: Interaction; expiresAt: string }
  | { type: 'revoked'; interactionId: string; reason?: string }
  | { type: 'session'; event: string; interaction: Interaction; toGroupId?: string; toAgentId?: string }
  | { type: 'state'; agent: Agent; autoPaused?: boolean; reason?: string }
  | { type: 'ack'; requestId: string | number | null; interaction?: Interaction; agent?: Agent }
  | { type: 'error'; requestId: string | number | null; error: { code: string; message: string; details?: Record<string, unknown> } };

interface Pending {
  resolve: (ack: Extract<ServerMessage, { type: 'ack' }>) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const REQUEST_TIMEOUT_MS = 10_000;

const REVOKE_NOTICES: Record<string, string> = {
  expired: 'A oferta expirou antes de ser aceita.',
  abandoned: 'O cidadão desistiu do atendimento.',
};

export class AgentWorkspace {
  status = $state<SocketStatus>('connecting');
  agent = $state<Agent | undefined>(undefined);
  offers = $state<Offer[]>([]);
  sessions = $state<SessionTab[]>([]);
  selectedId = $state<string | undefined>(undefined);
  notices = $state<Notice[]>([]);
  /** Server clock minus this browser's, learned from offers (for countdowns). */
  skewMs = $state(0);
  /** Number of snapshots received: one per (re)connection. */
  snapshots = $state(0);

  private socket: LiveSocket | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly channelListeners = new Set<{ interactionId: string; listener: (event: ChannelEvent) => void }>();
  private nextRequest = 1;
  private nextNotice = 1;

  constructor(private readonly hooks: { onOffer?: (offer: Offer) => void; onRefused?: () => void } = {}) {}

  connect(agentId: string, token: string): void {
    this.disconnect();
    this.socket = new LiveSocket({
      url: () => socketUrl('/ws/agent', { agentId, token }),
      onMessage: (message) => this.receive(message as ServerMessage),
      onStatus: (status) => {
        this.status = status;
        if (status !== 'open') this.failPending('A conexão com o servidor caiu; tente novamente.');
      },
      onRefused: this.hooks.onRefused,
    });
    this.socket.start();
  }

  disconnect(): void {
    this.socket?.stop();
    this.socket = undefined;
    this.failPending('Desconectado.');
  }

  get selected(): SessionTab | undefined {
    return this.sessions.find((s) => s.interaction.id === this.selectedId) ?? this.sessions[0];
  }

  // ------------------------------------------------------------------ commands

  async setPresence(state: Presence, reason?: string): Promise<void> {
    const ack = await this.command({ type: 'state', state, ...(reason ? { reason } : {}) });
    if (ack.agent) this.agent = ack.agent;
  }

  async accept(interactionId: string): Promise<void> {
    const ack = await this.command({ type: 'accept', interactionId });
    this.removeOffer(interactionId);
    if (ack.interaction) this.upsertSession(ack.interaction, true);
  }

  async reject(interactionId: string): Promise<void> {
    await this.command({ type: 'reject', interactionId });
    this.removeOffer(interactionId);
  }

  /** Opens the tabulação form of a session (the first step of ending it). */
  beginEnd(interactionId: string): void {
    const tab = this.sessions.find((s) => s.interaction.id === interactionId);
    if (tab && tab.phase === 'active') tab.phase = 'tabulating';
    this.selectedId = interactionId;
  }

  cancelEnd(interactionId: string): void {
    const tab = this.sessions.find((s) => s.interaction.id === interactionId);
    if (tab && tab.phase === 'tabulating') tab.phase = 'active';
  }

  /** Ends the session with its tabulação; the group's wrap-up time then runs. */
  async end(interactionId: string, tabulation: Tabulation): Promise<void> {
    const tab = this.sessions.find((s) => s.interaction.id === interactionId);
    const notes = tab?.notes.trim();
    const ack = await this.command({ type: 'end', interactionId, tabulation: { ...tabulation, ...(notes ? { notes } : {}) } });
    if (ack.interaction) this.applySession(ack.interaction);
  }

  /** Finishes the wrap-up early: the agent is free for the next session. */
  async finishWrapUp(interactionId: string): Promise<void> {
    const ack = await this.command({ type: 'wrapup', interactionId });
    if (ack.interaction) this.applySession(ack.interaction);
    else this.removeSession(interactionId);
  }

  /** Channel views listen to their session's channel events (messages, typing, delivery status). */
  onChannelEvent(interactionId: string, listener: (event: ChannelEvent) => void): () => void {
    const entry = { interactionId, listener };
    this.channelListeners.add(entry);
    return () => this.channelListeners.delete(entry);
  }

  dismiss(noticeId: number): void {
    this.notices = this.notices.filter((n) => n.id !== noticeId);
  }

  notify(text: string, tone: Notice['tone'] = 'info'): void {
    const notice = { id: this.nextNotice++, tone, text };
    this.notices = [...this.notices.slice(-3), notice];
    setTimeout(() => this.dismiss(notice.id), tone === 'error' ? 10_000 : 6_000);
  }

  private command(body: Record<string, unknown>): Promise<Extract<ServerMessage, { type: 'ack' }>> {
    const requestId = `r${this.nextRequest++}`;
    return new Promise((resolve, reject) => {
      if (!this.socket?.send({ ...body, requestId })) {
        reject(new ApiFailure(0, 'not_connected', 'Sem conexão com o servidor; aguarde a reconexão.'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ApiFailure(0, 'timeout', 'O servidor não respondeu a tempo.'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
    });
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ApiFailure(0, 'disconnected', message));
      this.pending.delete(id);
    }
  }

  // ------------------------------------------------------------------ server messages

  private receive(message: ServerMessage | ChannelEvent): void {
    if (!isWorkspaceMessage(message)) {
      for (const { interactionId, listener } of this.channelListeners) if (message.interactionId === interactionId) listener(message);
      return;
    }
    switch (message.type) {
      case 'snapshot': {
        this.snapshots++;
        this.agent = message.agent;
        this.offers = message.offers;
        const notes = new Map(this.sessions.map((s) => [s.interaction.id, s]));
        this.sessions = message.sessions.map((interaction) => {
          const known = notes.get(interaction.id);
          return { interaction, notes: known?.notes ?? '', phase: interaction.state === 'wrapup' ? 'wrapup' : (known?.phase ?? 'active') };
        });
        break;
      }
      case 'offer': {
        const offer = { interaction: message.interaction, expiresAt: message.expiresAt };
        if (message.interaction.offeredAt) this.skewMs = clockSkew(message.interaction.offeredAt, Date.now());
        const isNew = !this.offers.some((o) => o.interaction.id === offer.interaction.id);
        this.offers = [...this.offers.filter((o) => o.interaction.id !== offer.interaction.id), offer];
        if (isNew) this.hooks.onOffer?.(offer);
        break;
      }
      case 'revoked': {
        const hadOffer = this.offers.some((o) => o.interaction.id === message.interactionId);
        this.removeOffer(message.interactionId);
        if (this.sessions.some((s) => s.interaction.id === message.interactionId)) this.removeSession(message.interactionId);
        const text = message.reason ? REVOKE_NOTICES[message.reason] : undefined;
        if (text && (hadOffer || message.reason === 'abandoned')) this.notify(text);
        break;
      }
      case 'session':
        if (message.event === 'transferred') {
          this.removeSession(message.interaction.id);
          this.notify('Atendimento transferido.');
        } else {
          this.removeOffer(message.interaction.id);
          this.applySession(message.interaction);
        }
        break;
      case 'state':
        this.agent = message.agent;
        if (message.autoPaused) this.notify('Você foi colocado em pausa por não responder às ofertas.', 'error');
        break;
      case 'ack':
      case 'error': {
        const key = message.requestId === null ? undefined : String(message.requestId);
        const pending = key === undefined ? undefined : this.pending.get(key);
        if (!pending) {
          if (message.type === 'error') this.notify(message.error.message, 'error');
          return;
        }
        clearTimeout(pending.timer);
        this.pending.delete(key!);
        if (message.type === 'ack') pending.resolve(message);
        else pending.reject(new ApiFailure(400, message.error.code, message.error.message, message.error.details));
        break;
      }
    }
  }

  /** A session the server reports: kept while active or in wrap-up, closed once finished. */
  private applySession(interaction: Interaction): void {
    if (interaction.state === 'active' || interaction.state === 'wrapup') this.upsertSession(interaction, false);
    else this.removeSession(interaction.id);
  }

  private upsertSession(interaction: Interaction, select: boolean): void {
    const existing = this.sessions.find((s) => s.interaction.id === interaction.id);
    if (existing) {
      existing.interaction = { ...existing.interaction, ...interaction };
      if (interaction.state === 'wrapup') existing.phase = 'wrapup';
    } else {
      this.sessions = [...this.sessions, { interaction, notes: '', phase: interaction.state === 'wrapup' ? 'wrapup' : 'active' }];
    }
    if (select || !this.selectedId) this.selectedId = interaction.id;
  }

  private removeSession(interactionId: string): void {
    this.sessions = this.sessions.filter((s) => s.interaction.id !== interactionId);
    if (this.selectedId === interactionId) this.selectedId = this.sessions[0]?.interaction.id;
  }

  private removeOffer(interactionId: string): void {
    this.offers = this.offers.filter((o) => o.interaction.id !== interactionId);
  }
}

const WORKSPACE_MESSAGES = new Set(['snapshot', 'offer', 'revoked', 'session', 'state', 'ack', 'error']);

function isWorkspaceMessage(message: ServerMessage | ChannelEvent): message is ServerMessage {
  return WORKSPACE_MESSAGES.has(message.type);
}
