// The load harness's Graph API: the channels' Graph simulator (@atende/channels/testing) answers
// Atende's sends as Meta would, and a small control server lets k6's WhatsApp citizens read what
// was sent to them: `GET /sent/<waId>?after=<n>&waitMs=<ms>` waits (long poll) until that citizen
// has more than n messages and returns them from the n-th on; `DELETE /sent/<waId>` forgets a
// citizen who is done; `GET /stats` counts sends. Part of the load harness, not of Atende.
import { GraphSimulator, type SentMessage } from '@atende/channels/testing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphSinkOptions {
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  version: string;
  host?: string;
}

export interface GraphSink {
  /** Base URL for WHATSAPP_GRAPH_URL. */
  graphUrl: string;
  /** Base URL of the control server k6 reads. */
  controlUrl: string;
  stats(): SinkStats;
  close(): Promise<void>;
}

export interface SinkStats {
  sends: number;
  byType: Record<string, number>;
  /** Citizens with messages not yet collected (DELETE) by k6. */
  citizensOpen: number;
}

/** The longest a long poll waits before answering with nothing new. */
export const MAX_WAIT_MS = 30_000;

interface Mailbox {
  messages: SentMessage[];
  waiters: Set<() => void>;
}

export class Mailboxes {
  private readonly boxes = new Map<string, Mailbox>();
  sends = 0;
  readonly byType: Record<string, number> = {};

  get open(): number {
    return this.boxes.size;
  }

  add(message: SentMessage): void {
    this.sends += 1;
    this.byType[message.type] = (this.byType[message.type] ?? 0) + 1;
    const box = this.box(message.to);
    box.messages.push(message);
    for (const wake of [...box.waiters]) wake();
  }

  /** Messages to `waId` from index `after` on, waiting up to `waitMs` for one when there are none yet. */
  async read(waId: string, after: number, waitMs: number): Promise<{ messages: SentMessage[]; total: number }> {
    const box = this.box(waId);
    if (box.messages.length <= after && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          box.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(waitMs, MAX_WAIT_MS));
        box.waiters.add(done);
      });
    }
    return { messages: box.messages.slice(after), total: box.messages.length };
  }

  forget(waId: string): void {
    const box = this.boxes.get(waId);
    if (box) for (const wake of [...box.waiters]) wake();
    this.boxes.delete(waId);
  }

  private box(waId: string): Mailbox {
    let box = this.boxes.get(waId);
    if (!box) this.boxes.set(waId, (box = { messages: [], waiters: new Set() }));
    return box;
  }
}

export async function startGraphSink(options: GraphSinkOptions): Promise<GraphSink> {
  const mailboxes = new Mailboxes();
  const sim = await GraphSimulator.start({
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId,
    appSecret: options.appSecret,
    version: options.version,
    // k6 builds the citizens' webhooks itself, so the simulator never sees their messages and cannot
    // know their 24-hour window; the load test does not exercise the window.
    checkWindow: false,
    retainSent: false,
    onSend: (message) => mailboxes.add(message),
  });
  const host = options.host ?? '127.0.0.1';
  const control: Server = createServer((req, res) => {
    controlRequest(mailboxes, req, res).catch((err: unknown) => reply(res, 500, { error: String(err) }));
  });
  control.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => control.listen(0, host, resolve));
  const controlUrl = `http://${host}:${(control.address() as AddressInfo).port}`;
  return {
    graphUrl: sim.url,
    controlUrl,
    stats: () => ({ sends: mailboxes.sends, byType: { ...mailboxes.byType }, citizensOpen: mailboxes.open }),
    async close() {
      control.closeAllConnections();
      await new Promise<void>((resolve) => control.close(() => resolve()));
      await sim.close();
    },
  };
}

async function controlRequest(mailboxes: Mailboxes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sink');
  const parts = url.pathname.split('/').filter(Boolean);
  if (req.method === 'GET' && parts.length === 1 && parts[0] === 'stats') {
    return reply(res, 200, { sends: mailboxes.sends, byType: mailboxes.byType, citizensOpen: mailboxes.open });
  }
  if (parts.length !== 2 || parts[0] !== 'sent' || !/^\d{8,15}$/.test(parts[1]!)) return reply(res, 404, { error: 'not found' });
  const waId = parts[1]!;
  if (req.method === 'DELETE') {
    mailboxes.forget(waId);
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'GET') return reply(res, 405, { error: 'method not allowed' });
  const after = Number(url.searchParams.get('after') ?? 0);
  const waitMs = Number(url.searchParams.get('waitMs') ?? 0);
  if (!Number.isInteger(after) || after < 0 || !Number.isFinite(waitMs) || waitMs < 0) return reply(res, 400, { error: 'after and waitMs are non-negative numbers' });
  let gone = false;
  res.on('close', () => (gone = true));
  const answer = await mailboxes.read(waId, after, waitMs);
  if (!gone) reply(res, 200, answer);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
