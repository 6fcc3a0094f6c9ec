// REST over uWebSockets.js: a route table of async handlers that never touch uWS objects.
// Everything a handler needs is copied from the request before the first await (uWS frees it on return).
import { STATUS_CODES } from 'node:http';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { ApiError } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRequest {
  method: Method;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  authorization: string;
  /** Parsed JSON body; undefined when the request had none (or the route reads it raw). */
  body: unknown;
  /** The bytes as received, for routes registered with `raw` (signatures, uploads). */
  rawBody?: Buffer;
  /** The headers the route asked for (lower-case names); absent ones are ''. */
  headers: Record<string, string>;
}

export interface RouteOptions {
  /** Hand the body over unparsed as `rawBody` (webhook signatures, file uploads). */
  raw?: boolean;
  /** This route's body limit, instead of the server's. */
  bodyLimitBytes?: number;
  /** Request headers to copy into `headers` (uWS frees the request on return). */
  headers?: readonly string[];
}

export interface ApiResponse {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  /** A binary body (files); wins over `text` and `body`. */
  bytes?: Uint8Array;
  contentType?: string;
  /** Extra response headers (content-disposition, cache-control…). */
  headers?: Record<string, string>;
}

export type Handler = (request: ApiRequest) => Promise<ApiResponse> | ApiResponse;

export interface HttpOptions {
  bodyLimitBytes: number;
  log: Logger;
  /** Counts answered requests by status (for metrics). */
  onAnswered?: (method: string, status: number) => void;
}

interface Connection {
  aborted: boolean;
}

const statusLines = new Map<number, string>();
const statusLine = (status: number): string => {
  let line = statusLines.get(status);
  if (line === undefined) statusLines.set(status, (line = `${status} ${STATUS_CODES[status] ?? ''}`));
  return line;
};

export const json = (status: number, body: unknown): ApiResponse => ({ status, body });

/** A request copied out of uWS; the query string is parsed only if a handler reads it. */
class UwsRequest implements ApiRequest {
  body: unknown = undefined;
  rawBody?: Buffer;
  private parsedQuery: URLSearchParams | undefined;

  constructor(
    readonly method: Method,
    readonly path: string,
    readonly params: Record<string, string>,
    private readonly rawQuery: string,
    readonly authorization: string,
    readonly headers: Record<string, string>,
  ) {}

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }
}

export class HttpRoutes {
  constructor(
    private readonly app: TemplatedApp,
    private readonly options: HttpOptions,
  ) {}

  route(method: Method, pattern: string, handler: Handler, options: RouteOptions = {}): this {
    const names = [...pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    const register = { GET: 'get', POST: 'post', PUT: 'put', DELETE: 'del' } as const;
    this.app[register[method]](pattern, (res, req) => this.serve(res, req, method, names, handler, options));
    return this;
  }

  /** Everything no route matched: a JSON 404 (registered last). */
  fallback(): void {
    this.app.any('/*', (res, req) => {
      const path = req.getUrl();
      const method = req.getMethod().toUpperCase();
      res.onAborted(() => undefined);
      this.write(res, { aborted: false }, method, {
        status: 404,
        body: { error: { code: 'not_found', message: 'Rota não encontrada.', details: { method, path } } },
      });
    });
  }

  private serve(res: HttpResponse, req: HttpRequest, method: Method, names: string[], handler: Handler, options: RouteOptions): void {
    const connection: Connection = { aborted: false };
    res.onAborted(() => {
      connection.aborted = true;
    });
    const params: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) params[names[i]!] = decodeParameter(req.getParameter(i) ?? '');
    const headers: Record<string, string> = {};
    if (options.headers) for (const name of options.headers) headers[name] = req.getHeader(name);
    const request = new UwsRequest(method, req.getUrl(), params, req.getQuery() ?? '', req.getHeader('authorization'), headers);
    const declared = Number(req.getHeader('content-length') || 0);
    if (method === 'GET' || method === 'DELETE') {
      void this.dispatch(res, connection, request, handler);
      return;
    }
    const limit = options.bodyLimitBytes ?? this.options.bodyLimitBytes;
    if (declared > limit) {
      this.tooLarge(res, connection, method, limit);
      return;
    }
    this.readBody(res, connection, method, limit, (raw) => {
      if (options.raw) {
        request.rawBody = raw;
        void this.dispatch(res, connection, request, handler);
        return;
      }
      if (raw.length > 0) {
        try {
          request.body = JSON.parse(raw.toString('utf8'));
        } catch {
          this.write(res, connection, method, errorResponse(new ApiError(400, 'invalid_json', 'O corpo não é um JSON válido.')));
          return;
        }
      }
      void this.dispatch(res, connection, request, handler);
    });
  }

  private readBody(res: HttpResponse, connection: Connection, method: string, limit: number, done: (raw: Buffer) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    res.onData((chunk, isLast) => {
      if (refused) return;
      size += chunk.byteLength;
      if (size > limit) {
        refused = true;
        this.tooLarge(res, connection, method, limit);
        return;
      }
      // The ArrayBuffer is only valid during this callback: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
  }

  private tooLarge(res: HttpResponse, connection: Connection, method: string, limit: number): void {
    const error = new ApiError(413, 'payload_too_large', 'O corpo da requisição excede o limite.', { limitBytes: limit });
    // Close the connection: the rest of the oversized body is not worth reading.
    this.write(res, connection, method, errorResponse(error), true);
  }

  private async dispatch(res: HttpResponse, connection: Connection, request: ApiRequest, handler: Handler): Promise<void> {
    let response: ApiResponse;
    try {
      response = await handler(request);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        this.options.log.error({ err: error, method: request.method, path: request.path }, 'request failed');
      }
      response = errorResponse(error);
    }
    this.write(res, connection, request.method, response);
  }

  private write(res: HttpResponse, connection: Connection, method: string, response: ApiResponse, close = false): void {
    this.options.onAnswered?.(method, response.status);
    if (connection.aborted) return;
    connection.aborted = true; // answered: a second write would throw
    const payload = response.bytes ?? response.text ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    const contentType =
      response.contentType ??
      (response.bytes !== undefined ? 'application/octet-stream' : response.text === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
    res.cork(() => {
      res.writeStatus(statusLine(response.status));
      if (payload !== '' || response.status !== 204) res.writeHeader('content-type', contentType);
      const headers = response.headers;
      if (headers) for (const name in headers) res.writeHeader(name, headers[name]!);
      if (response.status === 204) res.endWithoutBody(0, close);
      else res.end(payload, close);
    });
  }
}

export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof ApiError) return { status: error.status, body: { error: error.toJSON() } };
  return { status: 500, body: { error: { code: 'internal_error', message: 'Erro interno do servidor.' } } };
}

function decodeParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
