// A WebSocket test client (the `ws` package): buffers every message, waits for the next one that
// matches, sends requests with a requestId and waits for their ack or error.
import WebSocket from 'ws';

export class TestSocket {
  readonly received: any[] = [];
  private readonly waiters: { match: (m: any) => boolean; resolve: (m: any) => void; timer: NodeJS.Timeout }[] = [];
  private nextRequest = 1;
  closedWith: { code: number; reason: string } | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.onMessage(JSON.parse(data.toString())));
    socket.on('close', (code, reason) => (this.closedWith = { code, reason: reason.toString() }));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new TestSocket(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** The HTTP answer of a refused upgrade. */
  static refusal(url: string): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => reject(new Error('upgrade accepted')));
      socket.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      socket.once('error', () => undefined);
    });
  }

  /** The oldest buffered (or the next arriving) message that matches; consumes it. */
  next(match: (m: any) => boolean = () => true, timeoutMs = 5_000): Promise<any> {
    for (let i = 0; i < this.received.length; i++) {
      if (match(this.received[i])) {
        const [m] = this.received.splice(i, 1);
        return Promise.resolve(m);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.findIndex((w) => w.timer === timer);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received).slice(0, 2000)}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, timer });
    });
  }

  nextOfType(type: string, timeoutMs?: number): Promise<any> {
    return this.next((m) => m.type === type, timeoutMs);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a message with a fresh requestId and resolves with its ack or error. */
  async request(message: Record<string, unknown>): Promise<any> {
    const requestId = `r${this.nextRequest++}`;
    this.send({ ...message, requestId });
    return this.next((m) => (m.type === 'ack' || m.type === 'error') && m.requestId === requestId);
  }

  /** Stops reading from the network (a slow consumer); resume() reads again. */
  pause(): void {
    (this.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resume(): void {
    (this.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  waitClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    if (this.closedWith) return Promise.resolve(this.closedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket still open')), timeoutMs);
      this.socket.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  private onMessage(message: any): void {
    const index = this.waiters.findIndex((w) => w.match(message));
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      clearTimeout(waiter!.timer);
      waiter!.resolve(message);
      return;
    }
    this.received.push(message);
  }
}
