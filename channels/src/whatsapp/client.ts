// All I/O to Meta's Graph API (WhatsApp Cloud API): send messages, read receipts, and media
// (GET /{media-id} → url → GET url with the same bearer token; upload for sending). Base URL and
// version are configuration, so the same code talks to Meta or to any faithful stand-in.
import type { z } from 'zod';
import { graphErrorSchema, mediaUrlSchema, sendResponseSchema, type GraphMessage } from './mapper.js';

export interface GraphConfig {
  graphUrl: string;
  graphVersion: string;
  accessToken: string;
  phoneNumberId: string;
  /** Per request; media downloads get four times as long. */
  timeoutMs?: number;
}

export type MediaInfo = z.infer<typeof mediaUrlSchema>;

/** A request Graph refused (its error shape), or one that failed on the way (code 0). */
export class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly details?: string,
    readonly fbtraceId?: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export class GraphClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly config: GraphConfig) {
    this.base = `${config.graphUrl.replace(/\/+$/, '')}/${config.graphVersion}`;
    this.timeoutMs = config.timeoutMs ?? 15_000;
  }

  /** Sends a message; resolves with its wamid (statuses refer to it). */
  async sendMessage(body: GraphMessage): Promise<string> {
    const answer = await this.request('POST', `/${this.config.phoneNumberId}/messages`, body);
    const parsed = sendResponseSchema.safeParse(answer);
    if (!parsed.success) throw new GraphError(200, 0, 'unexpected send response from Graph');
    return parsed.data.messages[0]!.id;
  }

  /** Read receipts and the like: POST …/messages without a message id in the answer. */
  async post(body: GraphMessage): Promise<void> {
    await this.request('POST', `/${this.config.phoneNumberId}/messages`, body);
  }

  async mediaInfo(mediaId: string): Promise<MediaInfo> {
    const answer = await this.request('GET', `/${encodeURIComponent(mediaId)}`);
    const parsed = mediaUrlSchema.safeParse(answer);
    if (!parsed.success) throw new GraphError(200, 0, 'unexpected media response from Graph');
    return parsed.data;
  }

  /** The media's bytes; refuses (GraphError code 413) past `maxBytes` without reading the rest. */
  async download(url: string, maxBytes: number): Promise<Buffer> {
    const response = await this.fetch(url, { headers: this.auth() }, this.timeoutMs * 4);
    if (!response.ok) throw await this.failure(response);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new GraphError(413, 413, 'media larger than the limit');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new GraphError(413, 413, 'media larger than the limit');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** Uploads a file for sending; resolves with its media id. */
  async upload(bytes: Uint8Array, mimeType: string, fileName: string): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    // File bytes are never SharedArrayBuffer-backed; the cast keeps DOM typings (the console's e2e tests) happy too.
    form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }), fileName);
    const response = await this.fetch(`${this.base}/${this.config.phoneNumberId}/media`, { method: 'POST', headers: this.auth(), body: form }, this.timeoutMs * 4);
    if (!response.ok) throw await this.failure(response);
    const answer = (await response.json()) as { id?: unknown };
    if (typeof answer.id !== 'string') throw new GraphError(200, 0, 'unexpected upload response from Graph');
    return answer.id;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = this.auth();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, this.timeoutMs);
    if (!response.ok) throw await this.failure(response);
    return response.json().catch(() => {
      throw new GraphError(response.status, 0, 'Graph answered with invalid JSON');
    });
  }

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.config.accessToken}` };
  }

  private async fetch(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new GraphError(0, 0, `Graph request failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async failure(response: Response): Promise<GraphError> {
    const text = await response.text().catch(() => '');
    let parsed: z.infer<typeof graphErrorSchema> | undefined;
    try {
      parsed = graphErrorSchema.parse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed) return new GraphError(response.status, 0, `Graph answered ${response.status}`);
    const e = parsed.error;
    return new GraphError(response.status, e.code, e.message, e.error_data?.details, e.fbtrace_id);
  }
}
