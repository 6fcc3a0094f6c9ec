// The logic of the chat view (webchat and WhatsApp sessions), kept pure so it is unit-tested: the
// messages as the server sends them (GET /api/interactions/:id/messages and the agent socket's
// `conversation` events), merged in order with statuses that only move forward; where the bot
// transcript ends; delivery marks; read receipts; WhatsApp's 24-hour window; attachments and the
// pt-BR sentences shown when something is refused.

export type MessageAuthor = 'citizen' | 'bot' | 'agent' | 'system';
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface ChatAttachment {
  id: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  url: string;
}

export interface ChatMessage {
  id: string;
  conversationId?: string;
  interactionId?: string;
  direction: 'in' | 'out';
  author: MessageAuthor;
  agentId?: string;
  kind?: string;
  text?: string;
  content?: Record<string, unknown>;
  attachments?: ChatAttachment[];
  status: MessageStatus | string;
  error?: Record<string, unknown>;
  createdAt: string;
  sentAt?: string;
  deliveredAt?: string;
  readAt?: string;
  failedAt?: string;
}

export interface WhatsAppWindow {
  open: boolean;
  lastInboundAt: string | null;
  closesAt: string | null;
}

export interface ChatConversation {
  id: string;
  channel: 'chat' | 'whatsapp' | string;
  state: string;
  citizen?: { name?: string; phone?: string };
  window?: WhatsAppWindow;
}

/** GET /api/interactions/:id/messages: no `conversation` when the session has no text thread. */
export interface MessagesAnswer {
  items: ChatMessage[];
  conversation?: ChatConversation;
}

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const WINDOW_MS = 24 * 3600_000;
/** The agent's typing goes to the server at most this often. */
export const TYPING_INTERVAL_MS = 3_000;
/** The citizen's "digitando…" is shown this long after their last keystroke event. */
export const TYPING_VISIBLE_MS = 5_000;

// ------------------------------------------------------------------ merging

// The server's order (db STATUS_ORDER): a message keeps the furthest status it reached.
const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, failed: 2, delivered: 3, read: 4, received: 0 };

export function statusRank(status: string | undefined): number {
  return STATUS_RANK[status ?? ''] ?? -1;
}

/** One message with a newer copy of itself: fields fill in, the status never moves back. */
export function mergeOne(known: ChatMessage, incoming: ChatMessage): ChatMessage {
  const merged: ChatMessage = { ...known };
  for (const [key, value] of Object.entries(incoming) as [keyof ChatMessage, unknown][]) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  if (statusRank(known.status) > statusRank(incoming.status)) merged.status = known.status;
  for (const key of ['sentAt', 'deliveredAt', 'readAt', 'failedAt'] as const) merged[key] = known[key] ?? incoming[key];
  if ((incoming.attachments?.length ?? 0) === 0 && (known.attachments?.length ?? 0) > 0) merged.attachments = known.attachments;
  return merged;
}

const byTime = (a: ChatMessage, b: ChatMessage) => Date.parse(a.createdAt) - Date.parse(b.createdAt);

/**
 * Adds or updates messages by id, keeping the list in time order. Socket events and the REST
 * answers may cross (a status before the POST's answer, a reload while events arrive): any order
 * gives the same list.
 */
export function mergeMessages(list: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  let reorder = false;
  for (const message of incoming) {
    if (!message?.id || !message.createdAt) continue;
    const known = byId.get(message.id);
    byId.set(message.id, known ? mergeOne(known, message) : message);
    if (!known) reorder = true;
  }
  const merged = [...byId.values()];
  // Stable sort: equal times keep the server's order (its sequence).
  return reorder ? merged.sort(byTime) : merged;
}

// ------------------------------------------------------------------ bot transcript

export interface Phases {
  /** What the citizen and the bot said before asking for a human (and any message left meanwhile). */
  bot: ChatMessage[];
  human: ChatMessage[];
}

/**
 * Splits at the handoff: the server marks the "you are in the queue" message (content.handoff).
 * Without the mark (older threads), the session's queue time is the boundary.
 */
export function splitAtHandoff(messages: readonly ChatMessage[], queuedAt?: string): Phases {
  let index = messages.findIndex((m) => m.content?.handoff === true);
  if (index === -1 && queuedAt) {
    const boundary = Date.parse(queuedAt);
    index = messages.findIndex((m) => Date.parse(m.createdAt) >= boundary || m.author === 'agent');
    if (index === -1) index = messages.length;
  }
  if (index === -1) return { bot: [], human: [...messages] };
  return { bot: messages.slice(0, index), human: messages.slice(index) };
}

// ------------------------------------------------------------------ labels

export function authorLabel(message: Pick<ChatMessage, 'author' | 'agentId'>, selfAgentId: string | undefined, citizenName?: string): string {
  switch (message.author) {
    case 'citizen':
      return citizenName ?? 'Cidadão';
    case 'bot':
      return 'Assistente virtual';
    case 'system':
      return 'Aviso automático';
    case 'agent':
      return !message.agentId || message.agentId === selfAgentId ? 'Você' : `Atendente ${message.agentId}`;
  }
}

export interface DeliveryMark {
  status: 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
  symbol: string;
  label: string;
  /** Longer text for the tooltip (time of each milestone, or why it failed). */
  detail: string;
}

const clock = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' }) : undefined);

/** The ticks on the agent's own messages; undefined for messages the agent did not write. */
export function deliveryMark(message: ChatMessage): DeliveryMark | undefined {
  if (message.direction !== 'out' || message.author !== 'agent') return undefined;
  switch (message.status) {
    case 'read':
      return { status: 'read', symbol: '✓✓', label: 'Lida', detail: `Lida pelo cidadão${clock(message.readAt) ? ` às ${clock(message.readAt)}` : ''}` };
    case 'delivered':
      return { status: 'delivered', symbol: '✓✓', label: 'Entregue', detail: `Entregue${clock(message.deliveredAt) ? ` às ${clock(message.deliveredAt)}` : ''}; ainda não lida` };
    case 'sent':
      return { status: 'sent', symbol: '✓', label: 'Enviada', detail: 'Enviada; aguardando entrega' };
    case 'failed': {
      const reason = typeof message.error?.message === 'string' && message.error.message ? message.error.message : 'o canal recusou a mensagem';
      return { status: 'failed', symbol: '!', label: 'Não entregue', detail: `Não entregue: ${reason}` };
    }
    default:
      return { status: 'pending', symbol: '…', label: 'Enviando', detail: 'Enviando' };
  }
}

/** "10:32" today, "03/05 10:32" on other days (in the browser's time zone). */
export function messageTime(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === new Date(now).toDateString() ? time : `${date.toLocaleDateString('pt-BR', { day: '2-digit', month: '2-digit' })} ${time}`;
}

/** WhatsApp-style *bold* (the bot's answers use it) as segments; everything else stays plain text, never HTML. */
export function formatted(text: string): { text: string; bold: boolean }[] {
  return text
    .split(/\*([^*\n]+)\*/)
    .map((part, i) => ({ text: part, bold: i % 2 === 1 }))
    .filter((s) => s.text !== '');
}

/** Options the bot offered (buttons, list rows), shown read-only in the transcript. */
export function optionsOf(content: Record<string, unknown> | undefined): string[] {
  if (!content) return [];
  if (content.type === 'buttons' && Array.isArray(content.buttons)) return (content.buttons as { title?: string }[]).map((b) => b.title ?? '').filter(Boolean);
  if (content.type === 'list' && Array.isArray(content.sections)) {
    return (content.sections as { rows?: { title?: string }[] }[]).flatMap((s) => (s.rows ?? []).map((r) => r.title ?? '')).filter(Boolean);
  }
  return [];
}

/** A line about the message's content besides its text: a template's name, a file the channel could not fetch, a location. */
export function contentNote(message: ChatMessage): string | undefined {
  const content = message.content ?? {};
  if (message.kind === 'template' && content.template && typeof content.template === 'object') {
    return `Modelo (template) “${String((content.template as { name?: unknown }).name ?? '')}”`;
  }
  const mediaError = content.mediaError as { message?: string } | undefined;
  if (mediaError) return `Arquivo não recebido: ${mediaError.message ?? 'falha ao baixar do canal'}`;
  if (content.kind === 'location' && typeof content.latitude === 'number' && typeof content.longitude === 'number') {
    return `Localização: ${content.latitude.toFixed(5)}, ${content.longitude.toFixed(5)}`;
  }
  if (content.kind === 'unsupported') return `Tipo de mensagem não suportado (${String(content.type ?? 'desconhecido')})`;
  return undefined;
}

// ------------------------------------------------------------------ read receipts

/** The newest citizen message the agent has not read yet (the read receipt goes up to it). */
export function unreadUpTo(messages: readonly ChatMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.direction !== 'in') continue;
    return m.readAt ? undefined : m.id;
  }
  return undefined;
}

/** After POST …/read: the citizen's messages up to `upTo` are read (the server did the same). */
export function markReadUpTo(messages: readonly ChatMessage[], upTo: string, at: string): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === upTo);
  if (index === -1) return [...messages];
  return messages.map((m, i) => (i <= index && m.direction === 'in' && !m.readAt ? { ...m, readAt: at } : m));
}

// ------------------------------------------------------------------ typing

/** A gate that opens at most once per interval (the agent's typing events). */
export function throttle(intervalMs: number): (now: number) => boolean {
  let last = -Infinity;
  return (now) => {
    if (now - last < intervalMs) return false;
    last = now;
    return true;
  };
}

/** Enter sends; Shift+Enter (or Enter while an IME composes) is a new line. */
export function composerAction(event: { key: string; shiftKey?: boolean; isComposing?: boolean; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): 'send' | undefined {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey) return undefined;
  return 'send';
}

// ------------------------------------------------------------------ WhatsApp window

/** The window after a message: the citizen writing opens it for 24 h; nothing else changes it. */
export function windowAfter(window: WhatsAppWindow | undefined, message: ChatMessage): WhatsAppWindow | undefined {
  if (!window || message.direction !== 'in') return window;
  const at = Date.parse(message.createdAt);
  const last = window.lastInboundAt ? Date.parse(window.lastInboundAt) : -Infinity;
  if (at <= last) return window;
  return { open: true, lastInboundAt: new Date(at).toISOString(), closesAt: new Date(at + WINDOW_MS).toISOString() };
}

export function windowOpen(window: WhatsAppWindow | undefined, now: number): boolean {
  if (!window) return true; // webchat: no window
  return window.closesAt !== null && Date.parse(window.closesAt) > now;
}

/** What the agent is told about the window, or undefined outside WhatsApp. */
export function windowNotice(window: WhatsAppWindow | undefined, now: number): { open: boolean; text: string } | undefined {
  if (!window) return undefined;
  if (windowOpen(window, now)) {
    return { open: true, text: `Janela de 24 h aberta até ${messageTime(window.closesAt!, now)}: texto livre permitido.` };
  }
  return {
    open: false,
    text: 'Janela de 24 h encerrada: o cidadão não escreve há mais de 24 horas. O WhatsApp só aceita um modelo (template) aprovado até ele responder.',
  };
}

// ------------------------------------------------------------------ attachments

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toLocaleString('pt-BR', { maximumFractionDigits: 1 })} MB`;
}

export type AttachmentKind = 'image' | 'audio' | 'video' | 'file';

export function attachmentKind(mimeType: string): AttachmentKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'file';
}

/** A file refused before uploading (the server checks again, and the type by content). */
export function checkFile(file: { name: string; size: number }): string | undefined {
  if (file.size === 0) return `O arquivo “${file.name}” está vazio.`;
  if (file.size > MAX_ATTACHMENT_BYTES) return `O arquivo “${file.name}” tem ${formatBytes(file.size)}: o limite é 20 MB.`;
  return undefined;
}

interface FailureLike {
  status?: number;
  code?: string;
  message?: string;
}

/** The sentence shown when sending (a message or a file) failed; the server's own pt-BR text when it has one. */
export function sendFailureMessage(err: unknown): string {
  const failure = (err && typeof err === 'object' ? err : {}) as FailureLike;
  switch (failure.code) {
    case 'attachment_too_large':
    case 'payload_too_large':
      return 'O arquivo excede o limite de 20 MB.';
    case 'attachment_type_not_allowed':
      return failure.message || 'Tipo de arquivo não permitido: envie documentos (PDF, DOCX, XLSX, ODT, ODS), imagens, áudio ou vídeo.';
    case 'attachment_empty':
      return 'O arquivo está vazio.';
    case 'outside_window':
      return failure.message || 'Fora da janela de 24 horas do WhatsApp: envie um modelo (template) aprovado.';
    case 'invalid_state':
      return 'O atendimento não está mais ativo: a mensagem não foi enviada.';
    case 'not_your_session':
      return 'Este atendimento pertence a outro atendente.';
    case 'delivery_failed':
      return failure.message ? `A mensagem não foi entregue: ${failure.message}` : 'A mensagem não foi entregue ao canal.';
    default:
      return failure.message || 'Não foi possível enviar. Tente novamente.';
  }
}

/** Why the thread could not be loaded, for the place the messages would be. */
export function loadFailureMessage(err: unknown): string {
  const failure = (err && typeof err === 'object' ? err : {}) as FailureLike & { details?: Record<string, unknown> };
  // No text channels mounted on this server: the route itself is missing.
  if (failure.status === 404 && failure.code === 'not_found' && failure.details?.path) return 'Conversa indisponível: os canais de texto (chat e WhatsApp) não estão ativos neste servidor.';
  return `Não foi possível carregar a conversa: ${failure.message || 'erro desconhecido'}.`.replace(/\.\.$/, '.');
}

// ------------------------------------------------------------------ templates

export interface TemplateInput {
  name: string;
  language: string;
  /** Body parameters, one per line ({{1}}, {{2}}, …). */
  parameters: string;
  /** What the console shows for the message (the template's text is Meta's). */
  preview: string;
}

export type TemplateBody = {
  template: { name: string; language: { code: string }; components?: { type: 'body'; parameters: { type: 'text'; text: string }[] }[] };
  text?: string;
};

/** Builds POST …/messages for a template, or says in pt-BR what is wrong with the form. */
export function templateBody(input: TemplateInput): { body: TemplateBody } | { error: string } {
  const name = input.name.trim();
  const language = input.language.trim() || 'pt_BR';
  if (!name) return { error: 'Informe o nome do modelo aprovado.' };
  if (!/^[a-z0-9_]{1,512}$/.test(name)) return { error: 'O nome do modelo tem só letras minúsculas, números e sublinhado (ex.: retomada_atendimento).' };
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) return { error: 'Idioma inválido (ex.: pt_BR).' };
  const parameters = input.parameters
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parameters.length > 20) return { error: 'No máximo 20 parâmetros.' };
  const preview = input.preview.trim();
  return {
    body: {
      template: {
        name,
        language: { code: language },
        ...(parameters.length > 0 ? { components: [{ type: 'body' as const, parameters: parameters.map((text) => ({ type: 'text' as const, text })) }] } : {}),
      },
      ...(preview ? { text: preview.slice(0, 4096) } : {}),
    },
  };
}
