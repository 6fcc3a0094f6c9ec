// A WebSocket that comes back: on any close it reconnects after an exponential backoff and the
// server greets it with a fresh snapshot. The backoff resets only once a message arrives, so a
// server that accepts and drops at once is not hammered.
import { Backoff } from './backoff';

export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface LiveSocketOptions {
  /** Built anew for every attempt (the token may have changed). */
  url: () => string;
  onMessage: (message: unknown) => void;
  onStatus?: (status: SocketStatus, detail: { attempt: number; retryInMs?: number }) => void;
  /**
   * After a close that happened before any message, at most once per refusedCheckMs: lets the
   * caller check its credentials (an expired token is refused at the upgrade).
   */
  onRefused?: () => void;
  refusedCheckMs?: number;
  backoff?: Backoff;
  createSocket?: (url: string) => WebSocket;
}

export class LiveSocket {
  private socket: WebSocket | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private lastRefusedCheck = -Infinity;
  private readonly backoff: Backoff;

  constructor(private readonly options: LiveSocketOptions) {
    this.backoff = options.backoff ?? new Backoff();
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'bye');
    this.options.onStatus?.('stopped', { attempt: 0 });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  send(message: object): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private open(): void {
    if (this.stopped) return;
    this.options.onStatus?.(this.backoff.attempts === 0 ? 'connecting' : 'reconnecting', { attempt: this.backoff.attempts });
    const socket = (this.options.createSocket ?? ((url) => new WebSocket(url)))(this.options.url());
    this.socket = socket;
    let heard = false;
    socket.onopen = () => {
      if (this.socket === socket) this.options.onStatus?.('open', { attempt: this.backoff.attempts });
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      heard = true;
      this.backoff.reset();
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      this.options.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      if (!heard && Date.now() - this.lastRefusedCheck >= (this.options.refusedCheckMs ?? 30_000)) {
        this.lastRefusedCheck = Date.now();
        this.options.onRefused?.();
      }
      const delay = this.backoff.next();
      this.options.onStatus?.('reconnecting', { attempt: this.backoff.attempts, retryInMs: delay });
      this.retry = setTimeout(() => this.open(), delay);
    };
  }
}

/** ws:// or wss:// URL of a path on the page's own host. */
export function socketUrl(path: string, query: Record<string, string | undefined>): string {
  const { protocol, host } = window.location;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${path}?${params.toString()}`;
}
