// `npm run bench -w @atende/channels [-- --n 40 --concurrency 8 --profile]`: the server's CPU cost of
// one citizen conversation over each channel, against a session created over the plain HTTP API on
// the same server in the same run (the baseline). The system runs in a child process (bench/server.ts,
// PGlite in memory) so its process.cpuUsage() is the server's work only; this process plays the
// citizens (webchat over the real WebSocket, WhatsApp as Meta's signed webhooks with the Graph API
// simulator answering the server's sends) and the agents (/ws/agent + REST).
//
// One conversation: identify / first message → bot menu → theme → a question the knowledge base
// answers → "falar com atendente" → handoff (queued message) → the agent accepts, replies and ends →
// the citizen gets the reply, sends its receipts, and sees the session closed.
// One API session: POST /api/interactions → offer → accept → end.
// With --profile the server records a V8 CPU profile of each measured phase
// (channels/.bench-profile/<phase>.cpuprofile; open it in Chrome DevTools or speedscope).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { GraphSimulator, type SentMessage } from '../src/testing/index.js';
import type { ServerRequest, ServerSetup } from './server.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    agents: { type: 'string', default: '4' },
    profile: { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const CONCURRENCY = Number(args.concurrency);
const AGENTS = Number(args.agents);
const TIMEOUT_MS = 30_000;

const setup: ServerSetup = {
  adminToken: `bench-admin-${randomBytes(12).toString('hex')}`,
  graphUrl: '',
  whatsapp: { verifyToken: 'bench-verify', appSecret: `bench-secret-${randomBytes(8).toString('hex')}`, accessToken: 'EAAG-bench', phoneNumberId: '106540352242922', version: 'v21.0' },
};

// ------------------------------------------------------------------ inboxes

/** Messages received by one party, consumed in order by predicates (webchat socket, a waId's sends). */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: { match: (m: T) => boolean; resolve: (m: T) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];

  push(item: T): void {
    const index = this.waiters.findIndex((w) => w.match(item));
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      clearTimeout(waiter!.timer);
      waiter!.resolve(item);
      return;
    }
    this.items.push(item);
  }

  next(match: (m: T) => boolean, what: string): Promise<T> {
    const index = this.items.findIndex(match);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }
}

/** A JSON WebSocket with request/ack and an inbox. */
class JsonSocket {
  readonly inbox = new Inbox<any>();
  private seq = 0;
  onMessage?: (m: any) => void;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (this.onMessage) this.onMessage(message);
      else this.inbox.push(message);
    });
  }

  static open(url: string): Promise<JsonSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new JsonSocket(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  async request(message: Record<string, unknown>): Promise<any> {
    const requestId = `r${++this.seq}`;
    this.send({ ...message, requestId });
    const answer = await this.inbox.next((m) => (m.type === 'ack' || m.type === 'error' || m.type === 'identified') && m.requestId === requestId, `answer to ${String(message.type)}`);
    if (answer.type === 'error') throw new Error(`${String(message.type)}: ${JSON.stringify(answer.error)}`);
    return answer;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

// ------------------------------------------------------------------ server process

class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (m: { cpuMs: number; rssMb: number }) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (m: any) => {
      if (typeof m.id === 'number') {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      }
    });
  }

  static start(): Promise<ServerProcess> {
    const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_SERVER_SETUP: JSON.stringify(setup) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      child.once('message', (m: any) => (m.ready ? resolve(new ServerProcess(child, m.port)) : reject(new Error('unexpected message'))));
    });
  }

  ask(cmd: ServerRequest['cmd'], file?: string): Promise<{ cpuMs: number; rssMb: number }> {
    const id = this.nextId++;
    if (cmd === 'close') this.child.removeAllListeners('exit');
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, cmd, file });
    });
  }
}

// ------------------------------------------------------------------ the run

const sim = await GraphSimulator.start({ ...setup.whatsapp, retainSent: false, onSend: (m) => inboxOf(m.to).push(m) });
setup.graphUrl = sim.url;
const waInboxes = new Map<string, Inbox<SentMessage>>();
const inboxOf = (waId: string) => {
  let inbox = waInboxes.get(waId);
  if (!inbox) waInboxes.set(waId, (inbox = new Inbox<SentMessage>()));
  return inbox;
};

const profileDir = fileURLToPath(new URL('../.bench-profile/', import.meta.url));
if (args.profile) mkdirSync(profileDir, { recursive: true });
const server = await ServerProcess.start();
const base = `http://127.0.0.1:${server.port}`;
const wsBase = `ws://127.0.0.1:${server.port}`;
sim.webhookUrl = `${base}/webhooks/whatsapp`;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${setup.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

async function put(path: string, body: unknown): Promise<void> {
  const answer = await api('PUT', path, body);
  if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

const GROUP = 'ipva-pagamento-n1';
await put(`/api/groups/${GROUP}`, { name: 'IPVA — Pagamento', tema: 'IPVA', categoria: 'Pagamento', level: 1, slaSeconds: 60 });
await put('/api/groups/itcd-protocolo-n1', { name: 'ITCD — Protocolo de Processos', tema: 'ITCD', categoria: 'Protocolo de Processos', level: 1, slaSeconds: 120 });

/** Sessions ended by the agents, by interaction id (API citizens wait on them). */
const ended = new Map<string, { promise: Promise<void>; resolve: () => void }>();
const endedOf = (id: string) => {
  let entry = ended.get(id);
  if (!entry) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    ended.set(id, (entry = { promise, resolve }));
  }
  return entry;
};
const failures: string[] = [];

const agents: JsonSocket[] = [];
for (let i = 1; i <= AGENTS; i++) {
  const id = `ag-${i}`;
  await put(`/api/agents/${id}`, { name: `Atendente ${i}`, groups: [{ groupId: GROUP, proficiency: 3 }], capacity: { chat: 50, whatsapp: 50 } });
  await put(`/api/agents/${id}/state`, { state: 'available' });
  const socket = await JsonSocket.open(`${wsBase}/ws/agent?agentId=${id}&token=${setup.adminToken}`);
  const acks = new Inbox<any>();
  let seq = 0;
  const request = async (message: Record<string, unknown>) => {
    const requestId = `${id}-${++seq}`;
    socket.send({ ...message, requestId });
    const answer = await acks.next((m) => m.requestId === requestId, `agent ${String(message.type)}`);
    if (answer.type === 'error') throw new Error(`agent ${String(message.type)}: ${JSON.stringify(answer.error)}`);
  };
  socket.onMessage = (m) => {
    if (m.type === 'ack' || m.type === 'error') return acks.push(m);
    if (m.type !== 'offer') return;
    const interaction = m.interaction as { id: string; data?: { conversationId?: string } };
    void (async () => {
      await request({ type: 'accept', interactionId: interaction.id });
      if (interaction.data?.conversationId) {
        const reply = await api('POST', `/api/interactions/${interaction.id}/messages`, { text: 'Olá! Sou o atendente; sua guia de IPVA pode ser paga em 3 parcelas.' });
        if (reply.status !== 201) throw new Error(`agent reply: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      await request({ type: 'end', interactionId: interaction.id });
      endedOf(interaction.id).resolve();
    })().catch((err: unknown) => failures.push(String(err)));
  };
  agents.push(socket);
}

// ------------------------------------------------------------------ citizens

let citizenSeq = 0;

async function apiCitizen(): Promise<void> {
  const created = await api('POST', '/api/interactions', { channel: 'chat', groupId: GROUP, data: { t0: Date.now() } });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  await endedOf(created.body.id).promise;
  ended.delete(created.body.id);
}

/** A CPF with valid check digits (módulo 11) from a running number. */
function cpf(n: number): string {
  const digits = String(100_000_000 + (n % 800_000_000)).slice(0, 9).split('').map(Number);
  for (const length of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += digits[i]! * (length + 1 - i);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

async function webchatCitizen(): Promise<void> {
  const n = ++citizenSeq;
  const socket = await JsonSocket.open(`${wsBase}/ws/chat`);
  const fromServer = (what: string, match: (m: any) => boolean) => socket.inbox.next((m) => m.type === 'message' && m.message.direction === 'out' && match(m.message), what);
  await socket.request({ type: 'identify', name: `Cidadã Bench ${n}`, email: `cidada${n}@example.com`, cpf: cpf(n * 7919) });
  await fromServer('menu', (m) => m.content?.type === 'list');
  await socket.request({ type: 'choose', optionId: `grupo:${GROUP}`, title: 'IPVA', clientId: `c${n}-1` });
  await fromServer('theme chosen', (m) => m.author === 'bot' && m.kind === 'text');
  await socket.request({ type: 'text', text: 'Como emito a segunda via do IPVA?', clientId: `c${n}-2` });
  await fromServer('answer buttons', (m) => m.content?.type === 'buttons');
  await socket.request({ type: 'text', text: 'falar com atendente', clientId: `c${n}-3` });
  await fromServer('queued', (m) => m.author === 'system' && m.content?.handoff === true);
  const reply = await fromServer('agent reply', (m) => m.author === 'agent');
  socket.send({ type: 'received', messageIds: [reply.message.id] });
  socket.send({ type: 'read', upTo: reply.message.id });
  await socket.inbox.next((m) => m.type === 'closed', 'closed');
  await socket.close();
}

async function whatsappCitizen(): Promise<void> {
  const n = ++citizenSeq;
  const waId = `55119${String(10_000_000 + n).slice(-8)}`;
  const inbox = inboxOf(waId);
  const send = async (payload: unknown) => {
    const answer = await sim.deliver(payload);
    if (answer.status !== 200) throw new Error(`webhook: ${answer.status} ${answer.text}`);
  };
  const sent = (what: string, match: (m: SentMessage) => boolean) => inbox.next(match, what);
  await send(sim.textPayload(waId, 'Olá').payload);
  await sent('menu', (m) => m.type === 'interactive' && m.body.interactive.type === 'list');
  await send(sim.replyPayload(waId, { id: `grupo:${GROUP}`, title: 'IPVA' }, 'list').payload);
  await sent('buttons after the theme', (m) => m.type === 'interactive' && m.body.interactive.type === 'button');
  await send(sim.textPayload(waId, 'Como emito a segunda via do IPVA?').payload);
  await sent('answer buttons', (m) => m.type === 'interactive' && m.body.interactive.type === 'button');
  await send(sim.replyPayload(waId, { id: 'falar-com-atendente', title: 'Falar com atendente' }).payload);
  await sent('queued', (m) => m.type === 'text' && m.body.text.body.includes('fila'));
  const reply = await sent('agent reply', (m) => m.type === 'text' && m.body.text.body.startsWith('Olá! Sou o atendente'));
  await send(sim.statusPayload(reply.id, 'read', waId));
  await sent('ended', (m) => m.type === 'text' && m.body.text.body.includes('encerrado'));
  waInboxes.delete(waId);
}

async function phase(name: string, count: number, citizen: () => Promise<void>, profile = false) {
  await server.ask('settle');
  if (profile) await server.ask('profile');
  const before = await server.ask('cpu');
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        next++;
        await citizen();
      }
    }),
  );
  const after = await server.ask('settle');
  const wallMs = performance.now() - started;
  if (profile) await server.ask('profile-save', `${profileDir}${name}.cpuprofile`);
  const cpuMs = after.cpuMs - before.cpuMs;
  return { name, count, cpuMsEach: round(cpuMs / count), perSecond: round((count * 1000) / wallMs), wallMs: Math.round(wallMs), rssMb: after.rssMb };
}

const round = (v: number) => Math.round(v * 100) / 100;

// Warm-up: JIT, the knowledge index, PGlite's caches.
await phase('warmup-api', 100, apiCitizen);
await phase('warmup-webchat', 5, webchatCitizen);
await phase('warmup-whatsapp', 5, whatsappCitizen);

const results = [];
results.push(await phase('api', N * 4, apiCitizen));
results.push(await phase('webchat', N, webchatCitizen, args.profile));
results.push(await phase('whatsapp', N, whatsappCitizen, args.profile));
results.push(await phase('api-again', N * 4, apiCitizen));

for (const socket of agents) await socket.close();
await server.ask('close');
await sim.close();
if (failures.length > 0) {
  console.error(failures.slice(0, 5).join('\n'));
  process.exit(1);
}

const apiCpu = (results[0]!.cpuMsEach + results[3]!.cpuMsEach) / 2;
const byName = Object.fromEntries(results.map((r) => [r.name, r]));
console.log(
  JSON.stringify({
    bench: 'channels-conversation',
    n: N,
    concurrency: CONCURRENCY,
    phases: results,
    baseline: { apiSessionCpuMs: round(apiCpu) },
    ratios: {
      webchatVsApiCpu: round(byName.webchat!.cpuMsEach / apiCpu),
      whatsappVsApiCpu: round(byName.whatsapp!.cpuMsEach / apiCpu),
    },
  }),
);
