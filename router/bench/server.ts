// `npm run bench -w router -- server`: the real uWS server against a node:http + `ws` baseline
// in front of the same routing/command layer and persistence (Postgres, then PGlite in memory; the same for both), so only
// the transport differs. HTTP enqueue requests/s from keep-alive connections, and WS offer→accept
// round trip (offer received at the client → accept acknowledged), load from a worker thread.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { SYSTEM } from '../src/server/auth/principal.js';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { startServer, type RunningServer } from '../src/server/index.js';
import { startBaseline } from './server-baseline.js';
import { startNodeCeiling, startUwsCeiling } from './server-ceiling.js';
import type { LoadResult, LoadTask } from './server-load.js';
import { processesCpuMs, processThreadsCpuMs } from './thread-cpu.js';

const TOKEN = 'bench-admin-token-0123456789abcdef';
const GROUP = 'bench';
const AGENTS = 32;
/**
 * Keep-alive connections of the enqueue phase, one request in flight each (same client for both
 * transports). At 64 both servers spent most of their time waiting for the group commit's cycle
 * (64 in flight ÷ ~8 ms per INSERT): the figure measured Postgres's round trip, not the server.
 * At 256 the batches are ~100 rows and the servers' own CPU decides. ATENDE_BENCH_CONNECTIONS
 * overrides it.
 */
const CONNECTIONS = Number(process.env.ATENDE_BENCH_CONNECTIONS) || 256;
const WARMUP_MS = 1_000;
const DURATION_MS = 4_000;
const CEILING_MS = 2_000;
const ROUNDS = 2;

type Transport = 'uWS' | 'baseline';
/**
 * Where events are made durable: PGlite (the embedded default) runs the database in the server's
 * own thread, so its cost per request dwarfs the transport's; Postgres (production) runs it in
 * its own processes, and the server's thread does transport, routing and the driver's encoding.
 */
type Storage = 'pglite' | 'postgres';

interface Measured extends LoadResult {
  /** Event-loop utilisation of the server's thread during the task (0–1). */
  serverThreadBusy: number;
  /** Server thread busy time per completed request or cycle, µs (wall time: includes waiting for a core). */
  serverMicrosPerOp: number;
  /**
   * CPU per completed operation, µs, by who spent it (Linux /proc; absent elsewhere): the
   * server's thread; the process's other threads (V8 GC and compiler helpers, libuv pool; the
   * load generator's isolate shares them, lightly); the load generator's thread; the database's
   * processes (Postgres; PGlite runs in the server's thread).
   */
  cpuMicrosPerOp?: { serverThread: number; helperThreads: number; loadGenerator: number; database?: number };
  /** The load generator's part of all the CPU above: it shares the machine's cores with the server. */
  loadGeneratorCpuShare?: number;
}

/** Where the CPU of a task can be read: this process's threads and the database's processes. */
interface CpuReading {
  threads: Map<string, number>;
  database?: Map<number, number>;
}

async function readCpu(databasePids: () => Promise<number[]>): Promise<CpuReading> {
  const pids = await databasePids();
  return {
    threads: processThreadsCpuMs(),
    database: pids.length === 0 ? undefined : new Map(pids.map((pid) => [pid, processesCpuMs([pid]) ?? NaN])),
  };
}

function cpuPerOp(before: CpuReading, after: CpuReading, result: LoadResult): Pick<Measured, 'cpuMicrosPerOp' | 'loadGeneratorCpuShare'> {
  const main = String(process.pid); // the main thread's id is the process id
  const client = result.clientThreadId;
  if (after.threads.size === 0 || client === undefined || result.completedTotal === 0) return {};
  const spent = (tid: string) => (after.threads.get(tid) ?? 0) - (before.threads.get(tid) ?? 0);
  let helpers = 0;
  for (const tid of after.threads.keys()) if (tid !== main && tid !== client) helpers += spent(tid);
  let database: number | undefined;
  if (after.database) {
    database = 0;
    // A backend the pool opened during the task counts from zero; one that exited is lost (rare).
    for (const [pid, ms] of after.database) if (Number.isFinite(ms)) database += ms - (before.database?.get(pid) ?? 0);
  }
  const perOp = (ms: number) => Math.round((ms * 1000) / result.completedTotal);
  const clientMs = result.clientCpuMs ?? spent(client);
  const total = spent(main) + helpers + clientMs + (database ?? 0);
  return {
    cpuMicrosPerOp: { serverThread: perOp(spent(main)), helperThreads: perOp(helpers), loadGenerator: perOp(clientMs), ...(database !== undefined ? { database: perOp(database) } : {}) },
    loadGeneratorCpuShare: total > 0 ? Math.round((clientMs / total) * 100) / 100 : undefined,
  };
}

interface TransportRun {
  transport: Transport;
  round: number;
  enqueue: Measured;
  roundTrip: Measured;
}

const LOAD_MODULE = new URL('./server-load.ts', import.meta.url).href;

const print = (line: object) => console.log(JSON.stringify(line));

/** The load generator: one worker thread for the whole bench, so each phase starts warm. */
class LoadWorker {
  private readonly worker: Worker;

  constructor() {
    // tsx's loader hooks are per thread: the worker registers them before loading the TypeScript file.
    const entry = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(LOAD_MODULE)}); })`;
    this.worker = new Worker(entry, { eval: true });
  }

  /**
   * Runs a task and adds how busy this (the server's) thread was meanwhile: its event-loop busy
   * time per completed operation is the server's cost of one, whoever limited the rate.
   */
  async run(task: LoadTask, databasePids: () => Promise<number[]> = async () => []): Promise<Measured> {
    const cpuBefore = await readCpu(databasePids);
    const before = performance.eventLoopUtilization();
    const result = await this.send(task);
    const busy = performance.eventLoopUtilization(before);
    const cpu = cpuPerOp(cpuBefore, await readCpu(databasePids), result);
    return {
      ...result,
      ...cpu,
      serverThreadBusy: Math.round(busy.utilization * 100) / 100,
      serverMicrosPerOp: result.completedTotal === 0 ? NaN : Math.round((busy.active * 1000) / result.completedTotal),
    };
  }

  private send(task: LoadTask): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const failed = (err: unknown) => reject(err);
      this.worker.once('error', failed);
      this.worker.once('message', (answer: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
        this.worker.off('error', failed);
        if (answer.ok) resolve(answer.result);
        else reject(new Error(answer.error));
      });
      this.worker.postMessage(task);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

const waiting = (server: RunningServer) => server.services.context.engine.queues(new Set([GROUP])).reduce((sum, q) => sum + q.waiting, 0);

/** Queues sessions through the same Sessions.create the routes call until `target` wait. */
async function fillBacklog(server: RunningServer, target: number): Promise<number> {
  const { sessions } = server.services;
  let missing = target - waiting(server);
  const creator = async () => {
    while (missing-- > 0) await sessions.create(SYSTEM, { channel: 'chat', groupId: GROUP });
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, creator));
  return waiting(server);
}

/** One transport, fresh server and database: enqueue phase (sessions pile up), then agents drain them. */
async function measure(load: LoadWorker, transport: Transport, round: number, storage: Storage): Promise<TransportRun> {
  // A fresh database per run: a throwaway Postgres (or a fresh database on DATABASE_URL), or PGlite in memory.
  const pg: TestPostgres | undefined = storage === 'postgres' ? await startPostgres() : undefined;
  const server: RunningServer = await startServer({
    port: 0,
    host: '127.0.0.1',
    ...(pg ? { databaseUrl: pg.url } : { dataDir: 'memory://' }),
    logLevel: 'silent',
    adminToken: TOKEN,
    checkpointIntervalMs: 3_600_000,
  });
  const baseline = transport === 'baseline' ? await startBaseline(server.services) : undefined;
  try {
    const { configuration } = server.services;
    await configuration.putGroup(SYSTEM, GROUP, { name: 'Bench', level: 1, slaSeconds: 60 });
    const agentIds = Array.from({ length: AGENTS }, (_, i) => `bench-agent-${i}`);
    // Offline until their sockets connect: the enqueue phase only queues, the round-trip phase drains that backlog.
    for (const id of agentIds) await configuration.putAgent(SYSTEM, id, { name: id, groups: [{ groupId: GROUP, proficiency: 3 }], capacity: { chat: 1 } });
    const port = baseline?.port ?? server.port;
    // Postgres's processes (backends and background workers), when it runs on this machine.
    const databasePids = async () => (await pg?.processIds?.()) ?? [];
    const enqueue = await load.run({ task: 'enqueue', port, token: TOKEN, groupId: GROUP, connections: CONNECTIONS, warmupMs: WARMUP_MS, durationMs: DURATION_MS }, databasePids);
    print({ bench: 'server', storage, transport, round, phase: 'enqueue', connections: CONNECTIONS, requestsPerSecond: enqueue.perSecond, ...enqueue });
    // Work for the agents: the sessions the enqueue phase queued, topped up (in-process, unmeasured)
    // so the agents do not run out; accept and end cost less than an enqueue.
    const backlogBefore = await fillBacklog(server, Math.max(1_000, Math.ceil((enqueue.perSecond * 3 * (WARMUP_MS + DURATION_MS)) / 1000)));
    const roundTrip = await load.run({ task: 'roundtrip', port, token: TOKEN, agentIds, warmupMs: WARMUP_MS, durationMs: DURATION_MS }, databasePids);
    // The agents drain the enqueue phase's backlog; none left would mean they ran out of work, not of speed.
    const backlogLeft = waiting(server);
    print({ bench: 'server', storage, transport, round, phase: 'offer→accept', agents: AGENTS, cyclesPerSecond: roundTrip.perSecond, ...roundTrip, backlogBefore, backlogLeft });
    return { transport, round, enqueue, roundTrip };
  } finally {
    await baseline?.close();
    await server.close();
    await pg?.stop();
  }
}

/** The same client against each transport answering a fixed 201 at once: the transports' own ceiling. */
async function transportCeiling(load: LoadWorker): Promise<{ uWS: Measured; baseline: Measured }> {
  const out: Partial<Record<Transport, Measured>> = {};
  for (const [transport, start] of [['uWS', startUwsCeiling], ['baseline', startNodeCeiling]] as const) {
    const server = await start();
    try {
      out[transport] = await load.run({ task: 'enqueue', port: server.port, token: TOKEN, groupId: GROUP, connections: CONNECTIONS, warmupMs: WARMUP_MS, durationMs: CEILING_MS });
    } finally {
      await server.close();
    }
    print({ bench: 'server', transport, phase: 'transport only (fixed answer, no routing, no log)', requestsPerSecond: out[transport]!.perSecond, ...out[transport] });
  }
  return out as { uWS: Measured; baseline: Measured };
}

/** Best of the rounds (the least disturbed by whatever else the machine ran). */
function best(runs: TransportRun[]) {
  const enqueue = runs.reduce((a, b) => (b.enqueue.perSecond > a.enqueue.perSecond ? b : a)).enqueue;
  const roundTrip = runs.reduce((a, b) => (b.roundTrip.p99Ms < a.roundTrip.p99Ms ? b : a)).roundTrip;
  return { enqueue, roundTrip };
}

interface StorageFigures {
  uws: ReturnType<typeof best>;
  base: ReturnType<typeof best>;
  ratios: Record<string, number>;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

const serverCpu = (m: Measured) => (m.cpuMicrosPerOp ? m.cpuMicrosPerOp.serverThread + m.cpuMicrosPerOp.helperThreads : undefined);

function cpuRatio(name: string, base: Measured, uws: Measured): Record<string, number> {
  const b = serverCpu(base);
  const u = serverCpu(uws);
  return b === undefined || u === undefined || u === 0 ? {} : { [name]: ratio(b, u) };
}

function compare(runs: TransportRun[]): StorageFigures {
  const uws = best(runs.filter((r) => r.transport === 'uWS'));
  const base = best(runs.filter((r) => r.transport === 'baseline'));
  return {
    uws,
    base,
    ratios: {
      enqueue: ratio(uws.enqueue.perSecond, base.enqueue.perSecond),
      offerCycles: ratio(uws.roundTrip.perSecond, base.roundTrip.perSecond),
      roundTripP50: ratio(base.roundTrip.p50Ms, uws.roundTrip.p50Ms),
      roundTripP99: ratio(base.roundTrip.p99Ms, uws.roundTrip.p99Ms),
      // Server-thread time per operation, baseline ÷ uWS: the transports' cost whoever limited the rate.
      enqueueServerCost: ratio(base.enqueue.serverMicrosPerOp, uws.enqueue.serverMicrosPerOp),
      offerCycleServerCost: ratio(base.roundTrip.serverMicrosPerOp, uws.roundTrip.serverMicrosPerOp),
      // CPU the server's process spent per enqueue (its thread and helper threads), baseline ÷ uWS.
      ...cpuRatio('enqueueServerCpu', base.enqueue, uws.enqueue),
      ...cpuRatio('offerCycleServerCpu', base.roundTrip, uws.roundTrip),
    },
  };
}

function figures(f: StorageFigures) {
  return {
    enqueuePerSecond: f.uws.enqueue.perSecond,
    enqueueP50Ms: f.uws.enqueue.p50Ms,
    enqueueP99Ms: f.uws.enqueue.p99Ms,
    roundTripP50Ms: f.uws.roundTrip.p50Ms,
    roundTripP99Ms: f.uws.roundTrip.p99Ms,
    offerCyclesPerSecond: f.uws.roundTrip.perSecond,
    serverMicrosPerEnqueue: f.uws.enqueue.serverMicrosPerOp,
    serverMicrosPerOfferCycle: f.uws.roundTrip.serverMicrosPerOp,
    cpuMicrosPerEnqueue: f.uws.enqueue.cpuMicrosPerOp,
    loadGeneratorCpuShare: f.uws.enqueue.loadGeneratorCpuShare,
    ratioVsBaseline: f.ratios.enqueue,
    baseline: {
      transport: 'node:http + ws',
      enqueuePerSecond: f.base.enqueue.perSecond,
      enqueueP50Ms: f.base.enqueue.p50Ms,
      enqueueP99Ms: f.base.enqueue.p99Ms,
      roundTripP50Ms: f.base.roundTrip.p50Ms,
      roundTripP99Ms: f.base.roundTrip.p99Ms,
      offerCyclesPerSecond: f.base.roundTrip.perSecond,
      serverMicrosPerEnqueue: f.base.enqueue.serverMicrosPerOp,
      serverMicrosPerOfferCycle: f.base.roundTrip.serverMicrosPerOp,
      cpuMicrosPerEnqueue: f.base.enqueue.cpuMicrosPerOp,
      loadGeneratorCpuShare: f.base.enqueue.loadGeneratorCpuShare,
    },
    ratios: f.ratios,
  };
}

export async function runServerBench(): Promise<Record<string, unknown>> {
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    shared: true,
    note: 'server (main thread; PGlite in the same thread, or Postgres in its own processes) and load generator (worker thread) share this machine with other work: figures are noisy and bounded by the 2nd core the client needs',
  };
  print({ bench: 'server', machine });
  const only = process.env.ATENDE_BENCH_STORAGE;
  const storages: Storage[] = only === 'pglite' || only === 'postgres' ? [only] : ['postgres', 'pglite'];
  const runs = new Map<Storage, TransportRun[]>(storages.map((s) => [s, []]));
  const load = new LoadWorker();
  let ceiling;
  try {
    for (const storage of storages) {
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate the order so that neither transport always runs on the warmer (or busier) machine.
        const order: Transport[] = round % 2 === 1 ? ['uWS', 'baseline'] : ['baseline', 'uWS'];
        for (const transport of order) runs.get(storage)!.push(await measure(load, transport, round, storage));
      }
    }
    ceiling = await transportCeiling(load);
  } finally {
    await load.close();
  }
  const by = new Map(storages.map((s) => [s, compare(runs.get(s)!)]));
  for (const [storage, f] of by) {
    print({ bench: 'server', storage, ratios: f.ratios, meaning: 'uWS ÷ baseline for throughput; baseline ÷ uWS for latency and server cost (above 1: uWS better)' });
  }
  const transportOnly = {
    uWSPerSecond: ceiling.uWS.perSecond,
    baselinePerSecond: ceiling.baseline.perSecond,
    ratio: ratio(ceiling.uWS.perSecond, ceiling.baseline.perSecond),
    serverCostRatio: ratio(ceiling.baseline.serverMicrosPerOp, ceiling.uWS.serverMicrosPerOp),
    uWSServerMicrosPerRequest: ceiling.uWS.serverMicrosPerOp,
    baselineServerMicrosPerRequest: ceiling.baseline.serverMicrosPerOp,
  };
  // The headline is the production storage (Postgres) when it ran; the embedded one follows.
  const headline = by.get(storages[0]!)!;
  const headlineFigures = figures(headline);
  return {
    bench: 'server',
    storage: storages[0],
    ...headlineFigures,
    ...(by.has('pglite') && storages[0] !== 'pglite' ? { embedded: { storage: 'pglite', ...figures(by.get('pglite')!) } } : {}),
    transportOnly,
    target: { ratioVsBaseline: 2, met: headline.ratios.enqueue! >= 2 },
    persistence: 'events durable before each answer, same storage for both transports; postgres: a throwaway server (or DATABASE_URL) per run; pglite: in memory, in the server thread',
    load: { connections: CONNECTIONS, agents: AGENTS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, rounds: ROUNDS, pick: 'best round per transport' },
    machine: { cores: machine.cores, shared: true, loadAverage1m: machine.loadAverage1m },
  };
}
