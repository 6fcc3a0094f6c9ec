// The transports alone, for context: POST /api/interactions answered at once with a fixed 201 of
// an interaction's size, by uWS and by node:http, under the same load as the real flow. What each
// transport could carry if routing and the durable log cost nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import uWS, { type us_listen_socket } from 'uWebSockets.js';

const ANSWER = JSON.stringify({
  id: '019a0000-0000-7000-8000-000000000000',
  channel: 'chat',
  groupId: 'bench',
  state: 'queued',
  priority: 0,
  legalPriority: false,
  createdAt: '2026-11-23T12:00:00.000Z',
  waitingSince: '2026-11-23T12:00:00.000Z',
  queuedAt: '2026-11-23T12:00:00.000Z',
  waitSeconds: 0,
  data: {},
});

export interface CeilingServer {
  port: number;
  close(): Promise<void>;
}

export async function startUwsCeiling(): Promise<CeilingServer> {
  const app = uWS.App();
  app.post('/api/interactions', (res) => {
    let aborted = false;
    res.onAborted(() => (aborted = true));
    res.onData((_chunk, isLast) => {
      if (!isLast || aborted) return;
      res.cork(() => res.writeStatus('201 Created').writeHeader('content-type', 'application/json; charset=utf-8').end(ANSWER));
    });
  });
  const listen = await new Promise<us_listen_socket>((resolve, reject) => app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('listen')))));
  return {
    port: uWS.us_socket_local_port(listen),
    close: async () => {
      uWS.us_listen_socket_close(listen);
    },
  };
}

export async function startNodeCeiling(): Promise<CeilingServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
