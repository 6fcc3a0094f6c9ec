// A Graph API (WhatsApp Cloud API) stand-in built from the contract files copied from shared/contracts/whatsapp-cloud into test/contracts: a real
// HTTP server answering sends with the send-response or error shapes (bearer token, phone number id,
// interactive limits, the 24-hour window → 131047), media info/download/upload; and the Meta side of
// the webhook: contract payloads filled in, signed with the app secret, POSTed to Atende.
// Test support, not production: exported as `@atende/channels/testing` for the channel tests and the
// load harness (loadtest/), which runs it as its Graph API sink.
/* eslint-disable @typescript-eslint/no-explicit-any -- Graph's JSON is checked field by field below */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// test/contracts seen from src/testing and dist/testing alike (same depth in both trees).
const CONTRACTS = new URL('../../test/contracts/whatsapp-cloud/', import.meta.url);
const DAY_MS = 24 * 3600_000;

/** A fresh copy of a contract file (tests and the simulator fill in their own values). */
export function contract<T = any>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, CONTRACTS), 'utf8')) as T;
}

export interface SimulatorOptions {
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  version: string;
  /**
   * Refuse free-form sends outside the 24-hour window (131047), as Meta does (default). The window
   * is known only for citizens whose messages this simulator built; a load generator that builds its
   * own webhooks turns the check off.
   */
  checkWindow?: boolean;
  /** Keep every accepted send in `sent` (default); a long load run turns it off and reads `onSend`. */
  retainSent?: boolean;
  /** Called with every accepted send. */
  onSend?: (message: SentMessage) => void;
}

export interface SentMessage {
  id: string;
  to: string;
  type: string;
  body: any;
  at: number;
}

interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
  fileName?: string;
}

export class GraphSimulator {
  readonly sent: SentMessage[] = [];
  readonly reads: string[] = [];
  /** Message ids a typing indicator was shown on (read receipts with typing_indicator). */
  readonly typing: string[] = [];
  readonly uploads = new Map<string, StoredMedia>();
  /** Requests refused, with the error code answered (tests look for 131047 and friends). */
  readonly refusals: { code: number; body: any }[] = [];
  /** Moves the simulator's clock (Meta's timestamps and window) relative to now. */
  clockOffsetMs = 0;
  webhookUrl = '';
  private readonly media = new Map<string, StoredMedia>();
  private readonly lastInbound = new Map<string, number>();
  private readonly sendWaiters: { match: (m: SentMessage) => boolean; resolve: (m: SentMessage) => void }[] = [];
  private server!: Server;
  url = '';

  private constructor(readonly options: SimulatorOptions) {}

  static async start(options: SimulatorOptions): Promise<GraphSimulator> {
    const sim = new GraphSimulator(options);
    sim.server = createServer((req, res) => {
      sim.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'GraphMethodException', code: 1, fbtrace_id: 'sim' } }));
      });
    });
    await new Promise<void>((resolve) => sim.server.listen(0, '127.0.0.1', resolve));
    sim.url = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`;
    return sim;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Resolves with the next (or an already) sent message that matches. */
  waitForSend(match: (m: SentMessage) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    const found = this.sent.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching send within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((s) => [s.to, s.type]))}`)), timeoutMs);
      this.sendWaiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  sentTo(waId: string): SentMessage[] {
    return this.sent.filter((m) => m.to === waId);
  }

  /** A file the citizen sends: kept for GET /{media-id}; returns the media id. */
  addMedia(bytes: Buffer, mimeType: string, fileName?: string): string {
    const id = String(1_000_000_000_000_000 + Math.floor(Math.random() * 8_999_999_999_999_999));
    this.media.set(id, { bytes, mimeType, fileName });
    return id;
  }

  // ------------------------------------------------------------------ Meta → Atende

  textPayload(waId: string, text: string, name = 'Maria Souza'): { payload: any; messageId: string } {
    return this.inbound('webhook-text.json', waId, name, (m) => (m.text = { body: text }));
  }

  replyPayload(waId: string, reply: { id: string; title: string }, kind: 'button' | 'list' = 'button'): { payload: any; messageId: string } {
    const file = kind === 'button' ? 'webhook-interactive-button-reply.json' : 'webhook-interactive-list-reply.json';
    return this.inbound(file, waId, undefined, (m) => {
      if (kind === 'button') m.interactive.button_reply = { ...reply };
      else m.interactive.list_reply = { ...reply };
    });
  }

  mediaPayload(waId: string, type: 'image' | 'document' | 'audio', mediaId: string, mimeType: string, extra: { caption?: string; filename?: string } = {}) {
    return this.inbound(`webhook-${type}.json`, waId, undefined, (m) => {
      m[type] = { ...m[type], id: mediaId, mime_type: mimeType, ...extra };
    });
  }

  locationPayload(waId: string): { payload: any; messageId: string } {
    return this.inbound('webhook-location.json', waId, undefined, () => undefined);
  }

  statusPayload(wamid: string, status: 'sent' | 'delivered' | 'read' | 'failed', recipient: string): any {
    const file = status === 'failed' ? 'webhook-status-failed.json' : status === 'sent' ? 'webhook-status-sent.json' : 'webhook-status-read.json';
    const payload = contract(file);
    const s = payload.entry[0].changes[0].value.statuses[0];
    payload.entry[0].changes[0].value.metadata.phone_number_id = this.options.phoneNumberId;
    Object.assign(s, { id: wamid, status, recipient_id: recipient, timestamp: String(Math.floor(this.now() / 1000)) });
    return payload;
  }

  /** POSTs a notification as Meta does: raw JSON, X-Hub-Signature-256 over those bytes (or a given one). */
  async deliver(payload: unknown, options: { signature?: string | null; raw?: string } = {}): Promise<{ status: number; text: string }> {
    const raw = options.raw ?? JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = options.signature === undefined ? this.sign(raw) : options.signature;
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    const response = await fetch(this.webhookUrl, { method: 'POST', headers, body: raw });
    return { status: response.status, text: await response.text() };
  }

  sign(raw: string): string {
    return `sha256=${createHmac('sha256', this.options.appSecret).update(raw).digest('hex')}`;
  }

  private inbound(file: string, waId: string, name: string | undefined, fill: (message: any) => void): { payload: any; messageId: string } {
    const payload = contract(file);
    const value = payload.entry[0].changes[0].value;
    value.metadata.phone_number_id = this.options.phoneNumberId;
    value.contacts[0].wa_id = waId;
    if (name) value.contacts[0].profile.name = name;
    const message = value.messages[0];
    const messageId = `wamid.${randomBytes(24).toString('base64url')}`;
    const now = this.now();
    Object.assign(message, { from: waId, id: messageId, timestamp: String(Math.floor(now / 1000)) });
    fill(message);
    this.lastInbound.set(waId, Math.max(this.lastInbound.get(waId) ?? 0, now));
    return { payload, messageId };
  }

  // ------------------------------------------------------------------ Graph API (Atende → Meta)

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.headers.authorization !== `Bearer ${this.options.accessToken}`) {
      return this.error(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException');
    }
    if (parts[0] === 'lookaside' && req.method === 'GET') {
      const stored = this.media.get(parts[1] ?? '');
      if (!stored) return this.error(res, 404, 100, 'Media not found');
      res.writeHead(200, { 'content-type': stored.mimeType, 'content-length': String(stored.bytes.length) });
      res.end(stored.bytes);
      return;
    }
    if (parts[0] !== this.options.version) return this.error(res, 400, 2635, `(#2635) Unknown API version ${parts[0]}`);
    if (req.method === 'GET' && parts.length === 2) return this.mediaInfo(res, parts[1]!);
    if (req.method === 'POST' && parts.length === 3 && parts[2] === 'messages') return this.send(res, parts[1]!, body);
    if (req.method === 'POST' && parts.length === 3 && parts[2] === 'media') return this.upload(req, res, parts[1]!, body);
    return this.error(res, 400, 100, `Unsupported ${req.method} request.`);
  }

  private mediaInfo(res: ServerResponse, mediaId: string): void {
    const stored = this.media.get(mediaId) ?? this.uploads.get(mediaId);
    if (!stored) return this.error(res, 400, 100, `Unsupported get request. Object with ID '${mediaId}' does not exist`);
    const answer = contract('media-url-response.json');
    Object.assign(answer, {
      url: `${this.url}/lookaside/${mediaId}?ext=${Math.floor(this.now() / 1000) + 300}&hash=${randomBytes(6).toString('base64url')}`,
      mime_type: stored.mimeType,
      sha256: createHmac('sha256', 'x').update(stored.bytes).digest('hex'),
      file_size: stored.bytes.length,
      id: mediaId,
    });
    this.json(res, 200, answer);
  }

  private send(res: ServerResponse, phoneNumberId: string, raw: Buffer): void {
    if (phoneNumberId !== this.options.phoneNumberId) return this.error(res, 400, 100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`);
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.error(res, 400, 100, 'Invalid JSON');
    }
    if (body?.messaging_product !== 'whatsapp') return this.error(res, 400, 100, 'The parameter messaging_product is required.');
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string') return this.error(res, 400, 100, 'The parameter message_id is required.');
      if (body.typing_indicator !== undefined) {
        if (body.typing_indicator?.type !== 'text') return this.error(res, 400, 100, 'Invalid parameter typing_indicator.type');
        this.typing.push(body.message_id);
      }
      this.reads.push(body.message_id);
      return this.json(res, 200, { success: true });
    }
    const invalid = validateMessage(body, this.uploads);
    if (invalid) return this.error(res, 400, 131009, `(#131009) Parameter value is not valid: ${invalid}`);
    if (body.type !== 'template' && this.options.checkWindow !== false) {
      const last = this.lastInbound.get(body.to);
      if (last === undefined || this.now() - last > DAY_MS) {
        const error = contract('error-response.json');
        this.refusals.push({ code: error.error.code, body });
        return this.json(res, 400, error);
      }
    }
    const answer = contract('send-response.json');
    const id = `wamid.${randomBytes(24).toString('base64url')}`;
    answer.contacts = [{ input: body.to, wa_id: body.to }];
    answer.messages = [{ id, message_status: 'accepted' }];
    const sent: SentMessage = { id, to: body.to, type: body.type, body, at: this.now() };
    if (this.options.retainSent !== false) this.sent.push(sent);
    this.json(res, 200, answer);
    this.options.onSend?.(sent);
    for (const waiter of [...this.sendWaiters]) {
      if (waiter.match(sent)) {
        this.sendWaiters.splice(this.sendWaiters.indexOf(waiter), 1);
        waiter.resolve(sent);
      }
    }
  }

  private async upload(req: IncomingMessage, res: ServerResponse, phoneNumberId: string, raw: Buffer): Promise<void> {
    if (phoneNumberId !== this.options.phoneNumberId) return this.error(res, 400, 100, `Object with ID '${phoneNumberId}' does not exist`);
    const form = await new Request(this.url, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(raw) }).formData();
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) return this.error(res, 400, 100, 'messaging_product and file are required');
    const id = String(2_000_000_000_000_000 + this.uploads.size);
    this.uploads.set(id, { bytes: Buffer.from(await file.arrayBuffer()), mimeType: file.type, fileName: (file as File).name });
    this.json(res, 200, { id });
  }

  private error(res: ServerResponse, status: number, code: number, message: string, type = 'OAuthException'): void {
    this.refusals.push({ code, body: null });
    this.json(res, status, { error: { message, type, code, fbtrace_id: randomBytes(11).toString('base64url') } });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** The Cloud API's own checks on a message body; the reason, or undefined when valid. */
function validateMessage(body: any, uploads: Map<string, StoredMedia>): string | undefined {
  if (typeof body.to !== 'string' || !/^\d{8,15}$/.test(body.to)) return 'to';
  switch (body.type) {
    case 'text':
      return typeof body.text?.body === 'string' && body.text.body.length > 0 && body.text.body.length <= 4096 ? undefined : 'text.body';
    case 'template':
      return typeof body.template?.name === 'string' && typeof body.template?.language?.code === 'string' ? undefined : 'template';
    case 'interactive': {
      const i = body.interactive;
      if (typeof i?.body?.text !== 'string' || i.body.text.length > 1024) return 'interactive.body';
      if (i.type === 'button') {
        const buttons = i.action?.buttons ?? [];
        if (buttons.length < 1 || buttons.length > 3) return 'buttons count';
        return buttons.every((b: any) => b.type === 'reply' && b.reply?.title?.length <= 20 && b.reply.id?.length <= 256) ? undefined : 'button title';
      }
      if (i.type === 'list') {
        const rows = (i.action?.sections ?? []).flatMap((s: any) => s.rows ?? []);
        if (rows.length < 1 || rows.length > 10 || !i.action.button || i.action.button.length > 20) return 'list rows';
        return rows.every((r: any) => r.title?.length <= 24 && (r.description ?? '').length <= 72 && r.id?.length <= 256) ? undefined : 'row title';
      }
      return 'interactive.type';
    }
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
      return uploads.has(body[body.type]?.id) ? undefined : `${body.type}.id`;
    default:
      return 'type';
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
