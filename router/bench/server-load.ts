// The server bench's load generator, run in a worker thread so it has its own core and event
// loop: keep-alive HTTP enqueue requests over raw sockets (pre-serialised HTTP/1.1, the lightest
// client Node has), and WebSocket agents that accept every offer at once and end it.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import WebSocket from 'ws';
import { currentThreadId, threadCpuMs } from './thread-cpu.js';

export interface EnqueueTask {
  task: 'enqueue';
  port: number;
  token: string;
  groupId: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface RoundTripTask {
  task: 'roundtrip';
  port: number;
  token: string;
  agentIds: string[];
  warmupMs: number;
  durationMs: number;
}

export type LoadTask = EnqueueTask | RoundTripTask;

export interface LoadResult {
  /** Completed operations in the measured window, per second (requests, or offer→accept→end cycles). */
  perSecond: number;
  completed: number;
  /** Completed over the whole task, warm-up and ramp included (to divide the server's busy time by). */
  completedTotal: number;
  errors: number;
  /** Latency in the window, ms: request → response, or offer received → accept acknowledged. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  windowMs: number;
  /** CPU this (the load generator's) thread spent on the task, ms; absent off Linux. */
  clientCpuMs?: number;
  clientThreadId?: string;
}

function summarise(latencies: number[], completed: number, completedTotal: number, errors: number, windowMs: number): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { perSecond: Math.round((completed / windowMs) * 1000), completed, completedTotal, errors, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(at(1)), windowMs };
}

/** Many keep-alive connections, each sending the next POST as soon as the previous answer is in. */
async function enqueue(task: EnqueueTask): Promise<LoadResult> {
  const body = JSON.stringify({ channel: 'chat', groupId: task.groupId });
  const request = Buffer.from(
    `POST /api/interactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${task.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const start = performance.now();
  const from = start + task.warmupMs;
  const until = from + task.durationMs;
  const latencies: number[] = [];
  let completed = 0;
  let completedTotal = 0;
  let errors = 0;

  const connection = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket: Socket = connect(task.port, '127.0.0.1');
      socket.setNoDelay(true);
      let buffer: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const sendNext = () => {
        if (performance.now() >= until) {
          socket.end();
          return;
        }
        sentAt = performance.now();
        socket.write(request);
      };
      socket.on('connect', sendNext);
      socket.on('data', (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        for (;;) {
          const headerEnd = buffer.indexOf('\r\n\r\n');
          if (headerEnd < 0) return;
          const head = buffer.subarray(0, headerEnd).toString('latin1');
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          if (!length) {
            reject(new Error(`response without content-length: ${head}`));
            socket.destroy();
            return;
          }
          const total = headerEnd + 4 + Number(length[1]);
          if (buffer.length < total) return;
          buffer = buffer.subarray(total);
          const now = performance.now();
          const ok = head.startsWith('HTTP/1.1 201');
          if (ok) completedTotal++;
          if (sentAt >= from && now <= until) {
            if (ok) {
              completed++;
              latencies.push(now - sentAt);
            } else {
              errors++;
            }
          }
          sendNext();
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });

  await Promise.all(Array.from({ length: task.connections }, connection));
  return summarise(latencies, completed, completedTotal, errors, task.durationMs);
}

/** Agents that accept each offer the moment it arrives and end the session once accepted. */
async function roundTrip(task: RoundTripTask): Promise<LoadResult> {
  const latencies: number[] = [];
  let completed = 0;
  let completedTotal = 0;
  let errors = 0;
  let from = Infinity;
  let until = Infinity;
  let stopping = false;
  const sockets: WebSocket[] = [];

  await Promise.all(
    task.agentIds.map(
      (agentId) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${task.port}/ws/agent?agentId=${encodeURIComponent(agentId)}&token=${encodeURIComponent(task.token)}`);
          sockets.push(ws);
          const pending = new Map<string, { kind: 'accept' | 'end'; interactionId: string; offeredAt: number }>();
          let next = 1;
          ws.on('error', reject);
          ws.on('message', (data) => {
            const now = performance.now();
            const message = JSON.parse(data.toString());
            switch (message.type) {
              case 'snapshot':
                ws.send(JSON.stringify({ type: 'state', state: 'available', requestId: 'ready' }));
                break;
              case 'offer': {
                if (stopping) break;
                const requestId = String(next++);
                pending.set(requestId, { kind: 'accept', interactionId: message.interaction.id, offeredAt: now });
                ws.send(JSON.stringify({ type: 'accept', interactionId: message.interaction.id, requestId }));
                break;
              }
              case 'ack':
              case 'error': {
                if (message.requestId === 'ready') {
                  resolve();
                  break;
                }
                const request = pending.get(String(message.requestId));
                pending.delete(String(message.requestId));
                if (!request) break;
                if (message.type === 'error') {
                  if (request.offeredAt >= from && now <= until) errors++;
                  break;
                }
                if (request.kind === 'accept') {
                  if (request.offeredAt >= from && now <= until) latencies.push(now - request.offeredAt);
                  const requestId = String(next++);
                  pending.set(requestId, { kind: 'end', interactionId: request.interactionId, offeredAt: request.offeredAt });
                  ws.send(JSON.stringify({ type: 'end', interactionId: request.interactionId, requestId }));
                } else {
                  completedTotal++;
                  if (request.offeredAt >= from && now <= until) completed++;
                }
                break;
              }
              default:
                break;
            }
          });
        }),
    ),
  );
  from = performance.now() + task.warmupMs;
  until = from + task.durationMs;
  await new Promise((resolve) => setTimeout(resolve, until - performance.now()));
  stopping = true;
  await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => (ws.once('close', () => resolve()), ws.close()))));
  return summarise(latencies, completed, completedTotal, errors, task.durationMs);
}

// Tasks arrive one at a time from the bench; each answer carries its result or error.
const threadId = currentThreadId();
parentPort?.on('message', (task: LoadTask) => {
  const cpuBefore = threadCpuMs();
  const run = task.task === 'enqueue' ? enqueue(task) : roundTrip(task);
  run.then(
    (result) => {
      const cpuAfter = threadCpuMs();
      const clientCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      parentPort!.postMessage({ ok: true, result: { ...result, clientCpuMs, clientThreadId: threadId } });
    },
    (err: unknown) => parentPort!.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) }),
  );
});
