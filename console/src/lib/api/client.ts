// The REST client: JSON over fetch with the session's bearer token; an error body
// ({ error: { code, message, details } }) becomes an ApiFailure the screens can show.
import type { Tabulation } from './types';

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiFailure extends Error {
  override name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The failing fields of a 400 (the server names them in details.fields). */
  get fields(): FieldProblem[] {
    const fields = this.details.fields;
    return Array.isArray(fields) ? (fields as FieldProblem[]) : [];
  }
}

export type TokenSource = () => string | undefined;

export interface ApiClientOptions {
  token: TokenSource;
  /** Called on a 401 so the app can send the user back to the login page. */
  onUnauthorized?: () => void;
  base?: string;
  fetch?: typeof fetch;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  transfer(interactionId: string, target: { groupId: string } | { agentId: string } | { nextLevel: true }): Promise<unknown> {
    return this.post(`/api/interactions/${encodeURIComponent(interactionId)}/transfer`, target);
  }

  end(interactionId: string, tabulation: Tabulation): Promise<unknown> {
    return this.post(`/api/interactions/${encodeURIComponent(interactionId)}/end`, { tabulation });
  }

  async request<T>(method: string, path: string, body?: unknown, token = this.options.token()): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), token);
    return (await this.read(response, token)) as T;
  }

  /** Sends a file as the raw body (POST …/attachments): its name travels URI-encoded in X-File-Name. */
  async upload<T>(path: string, file: Blob, fileName: string): Promise<T> {
    const token = this.options.token();
    const headers = { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(fileName) };
    return (await this.read(await this.send('POST', path, headers, file, token), token)) as T;
  }

  /** Downloads a protected file (attachments need the bearer token, so no plain <img src>). */
  async blob(path: string): Promise<Blob> {
    const token = this.options.token();
    const response = await this.send('GET', path, {}, undefined, token);
    if (!response.ok) await this.read(response, token);
    return response.blob();
  }

  private async send(method: string, path: string, headers: Record<string, string>, body: BodyInit | undefined, token: string | undefined): Promise<Response> {
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await (this.options.fetch ?? fetch)(`${this.options.base ?? ''}${path}`, { method, headers, body });
    } catch {
      throw new ApiFailure(0, 'network_error', 'Sem conexão com o servidor. Verifique a rede e tente novamente.');
    }
  }

  /** The JSON answer, or the ApiFailure of an error answer. */
  private async read(response: Response, token: string | undefined): Promise<unknown> {
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
      // A refused login is not an expired session: only a 401 to a sent token signs out.
      if (response.status === 401 && token) this.options.onUnauthorized?.();
      throw new ApiFailure(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `Erro ${response.status} do servidor.`, error?.details ?? {});
    }
    return parsed;
  }
}
