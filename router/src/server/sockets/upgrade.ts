// WebSocket upgrades over uWS: copy the handshake headers, authorise synchronously, then upgrade
// or answer with the API's JSON error (401/403/404) instead of switching protocols.
import type { HttpRequest, HttpResponse, us_socket_context_t, WebSocket } from 'uWebSockets.js';
import { ApiError } from '../http/errors.js';
import { errorResponse } from '../http/app.js';
import { STATUS_CODES } from 'node:http';

export interface Handshake {
  query: URLSearchParams;
  authorization: string;
}

export function upgradeWith<T>(
  res: HttpResponse,
  req: HttpRequest,
  context: us_socket_context_t,
  authorize: (handshake: Handshake) => T,
): void {
  const key = req.getHeader('sec-websocket-key');
  const protocol = req.getHeader('sec-websocket-protocol');
  const extensions = req.getHeader('sec-websocket-extensions');
  const query = new URLSearchParams(req.getQuery() ?? '');
  const authorization = req.getHeader('authorization') || query.get('token') || '';
  let data: T;
  try {
    data = authorize({ query, authorization });
  } catch (error) {
    const response = errorResponse(error instanceof ApiError ? error : new ApiError(500, 'internal_error', 'Erro interno do servidor.'));
    res
      .writeStatus(`${response.status} ${STATUS_CODES[response.status] ?? ''}`)
      .writeHeader('content-type', 'application/json; charset=utf-8')
      .end(JSON.stringify(response.body), true);
    return;
  }
  res.upgrade(data, key, protocol, extensions, context);
}

export interface SocketState {
  closed: boolean;
}

/**
 * Sends unless the socket is closed; a socket whose unsent backlog passed `limit` is closed
 * instead of buffering more (its owner reconnects and gets a fresh snapshot).
 */
export function sendOrDrop<T extends SocketState>(ws: WebSocket<T>, text: string, limit: number): boolean {
  const state = ws.getUserData();
  if (state.closed) return false;
  if (ws.getBufferedAmount() > limit) {
    state.closed = true;
    ws.end(1013, 'slow consumer');
    return false;
  }
  ws.send(text, false);
  return true;
}
