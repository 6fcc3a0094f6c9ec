// `npm run bench -w router -- redis`: decisions/s of the Redis engine (full session lifecycles:
// enqueue → offer → accept → end → wrap-up done, at agency scale) against, in the same run on the
// same throwaway redis-server and client process, a no-op script with the same key and the same arguments
// at the same concurrency: the ceiling of one script call per decision. The headline is the engine's
// default call (EVALSHA) against a no-op EVALSHA; the same is measured for the FCALL form (the
// script as a Redis Functions library) against a no-op FCALL.
import { createHash } from 'node:crypto';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Command, GroupConfig, RoutingEvent, StrategyName } from '../src/core/index.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_PIPELINE, RedisEngine, RoutingScript, type RedisClient, type ScriptCall } from '../src/store/redis/index.js';
import { spawnRedis } from '../test/store/redis/redis-server.js';
import { buildWorkload, rng } from './workload.js';

const GROUPS = 80;
const AGENTS = 1_500;
const SEED = 20261123;
const CONCURRENCY = Number(process.env.ATENDE_BENCH_CONCURRENCY ?? 64);
/** Commands per script call at most (the engine's group commit; 1: a call per decision). */
const BATCH_SIZE = Number(process.env.ATENDE_BENCH_BATCH ?? DEFAULT_BATCH_SIZE);
/** Script calls in flight at most (the engine's pipelining; 1: one at a time). */
const PIPELINE = Number(process.env.ATENDE_BENCH_PIPELINE ?? DEFAULT_PIPELINE);
const WARMUP_MS = 1_500;
const DURATION_MS = 5_000;
const CEILING_WARMUP_MS = 500;
const CEILING_MS = 2_500;
const STREAM_MAX_LENGTH = 10_000;
const STRATEGIES: StrategyName[] = ['equal', 'longest-idle', 'least-occupied', 'round-robin'];
/** Argument vectors kept from real decisions, replayed by the no-op script. */
const SAMPLE_EVERY = 50;
const SAMPLES = 200;
/** Arguments per command in a batch (lua/90-main.lua): now, next midnight, hours, checks, command, annotations. */
const COMMAND_ARGS = 6;

const print = (line: object) => console.log(JSON.stringify(line));
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The routing script, keeping a sample of the argument vectors it is called with. */
class SampledScript extends RoutingScript {
  constructor(call: ScriptCall) {
    super(call);
  }

  readonly samples: (string | number)[][] = [];
  private calls = 0;

  /** Keeps, from a batch's arguments, those of its first command as a batch of one: a decision's arguments. */
  override run(client: RedisClient, key: string, args: (string | number)[]): Promise<string[]> {
    if (this.calls++ % SAMPLE_EVERY === 0 && this.samples.length < SAMPLES) this.samples.push([...args.slice(0, 3), 1, ...args.slice(4, 4 + COMMAND_ARGS)]);
    return super.run(client, key, args);
  }
}

// A batch of one decided command, as the routing script replies.
const NOOP_BODY = "return {'1', 'OK', '', '', '[]', '[]', ''}";
const NOOP_LIBRARY = 'atende_bench_noop';
const NOOP_FUNCTION = 'atende_bench_noop';

interface Phase {
  /** Decisions (engine) or no-op calls completed in the window. */
  calls: number;
  perSecond: number;
  /** Script calls in the window (INFO commandstats), and decisions per script call. */
  scriptCalls: number;
  batchSize: number;
  p50Ms: number;
  p99Ms: number;
  /** Redis time per decision (INFO commandstats: usec of EVALSHA / FCALL over the decisions). */
  redisMicrosPerCall: number;
  /** Share of one core the redis-server process used meanwhile (user + sys). */
  redisCpu: number;
  /** Share of one core this (client) process used meanwhile. */
  clientCpu: number;
  errors: number;
  /** Commands Redis ran per decision (INFO commandstats, the script's own redis.call included): calls and µs per decision. */
  commands: Record<string, { calls: number; micros: number }>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Redis CPU time, and calls and time of script commands (EVALSHA + FCALL: a phase runs one kind). */
async function redisCounters(client: Redis): Promise<{ cpu: number; scriptCalls: number; scriptMicros: number; commands: Map<string, [number, number]> }> {
  const info = await client.info('everything');
  const commands = new Map<string, [number, number]>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) commands.set(m[1]!, [Number(m[2]), Number(m[3])]);
  const field = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  let scriptCalls = 0;
  let scriptMicros = 0;
  for (const command of ['evalsha', 'fcall']) {
    const stat = new RegExp(`^cmdstat_${command}:calls=(\\d+),usec=(\\d+)`, 'm').exec(info);
    scriptCalls += Number(stat?.[1] ?? 0);
    scriptMicros += Number(stat?.[2] ?? 0);
  }
  return { cpu: field('used_cpu_user') + field('used_cpu_sys'), scriptCalls, scriptMicros, commands };
}

/**
 * Runs `one` from `concurrency` loops (each keeps one call in flight, so the connection carries
 * that many pipelined) through the warm-up, then counts the calls completed in the measured window.
 */
export async function measure(
  admin: Redis,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  one: () => Promise<boolean>,
  window: { start?: () => void; end?: () => void } = {},
): Promise<Phase> {
  let measuring = false;
  let stop = false;
  let calls = 0;
  let errors = 0;
  const latencies: number[] = [];
  const loop = async (): Promise<void> => {
    while (!stop) {
      const start = performance.now();
      const ok = await one();
      if (!measuring) continue;
      latencies.push(performance.now() - start);
      calls++;
      if (!ok) errors++;
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await new Promise((r) => setTimeout(r, warmupMs));
  const before = await redisCounters(admin);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  measuring = true;
  window.start?.();
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  window.end?.();
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const after = await redisCounters(admin);
  stop = true;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  const scriptCalls = after.scriptCalls - before.scriptCalls;
  const decided = calls;
  const commands: Phase['commands'] = {};
  for (const [name, [calls, micros]] of after.commands) {
    const [calls0, micros0] = before.commands.get(name) ?? [0, 0];
    // INFO itself (the admin connection reads it) is no part of the phase.
    if (calls > calls0 && name !== 'info' && decided > 0) commands[name] = { calls: round((calls - calls0) / decided, 3), micros: round((micros - micros0) / decided, 2) };
  }
  return {
    calls,
    perSecond: round((calls * 1000) / elapsed),
    scriptCalls,
    batchSize: scriptCalls === 0 ? NaN : round(calls / scriptCalls, 2),
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
    redisMicrosPerCall: calls === 0 ? NaN : round((after.scriptMicros - before.scriptMicros) / calls, 2),
    redisCpu: round((after.cpu - before.cpu) / (elapsed / 1000), 2),
    clientCpu: round((cpu.user + cpu.system) / 1000 / elapsed, 2),
    errors,
    commands,
  };
}

/** The tenant: groups with mixed strategies, wrap-up, some with overflow; agents in 1–5 groups, all available. */
export async function loadTenant(engine: RedisEngine): Promise<{ arrival: () => { groupId: string; channel: string } }> {
  const w = buildWorkload({ groups: GROUPS, agents: AGENTS, seed: SEED });
  const groups: GroupConfig[] = w.groups.map((g, i) => ({
    ...g,
    strategy: STRATEGIES[i % STRATEGIES.length]!,
    wrapUpSeconds: 30,
    ...(i % 5 === 4 ? { overflow: { afterSeconds: 120, groupId: `g${i - 1}` } } : {}),
  }));
  const now = Date.now();
  const all = async (commands: Command[], concurrency = 16): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < commands.length) {
        const outcome = await engine.decide(commands[next++]!, now);
        if (!outcome.ok) throw new Error(`setup failed: ${JSON.stringify(outcome.error)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  // In order: a group's overflow target exists before it.
  await all(groups.map((group) => ({ type: 'configureGroup', group })), 1);
  await all(w.agents.map((agent) => ({ type: 'configureAgent', agent })));
  await all(w.agents.map((agent) => ({ type: 'setAgentState', agentId: agent.id, state: 'available' })));
  return { arrival: w.arrival };
}

/** Session lifecycles: follow-up commands (accept, end, complete wrap-up) first, else a new citizen arrives. */
export function lifecycleDriver(first: RedisEngine, arrival: () => { groupId: string; channel: string }) {
  let engine = first;
  const pending: Command[] = [];
  const random = rng(SEED + 7);
  let sessions = 0;
  let lifecycles = 0;
  const follow = (events: RoutingEvent[]): void => {
    for (const e of events) {
      if (e.type === 'interaction.offered') pending.push({ type: 'accept', interactionId: e.interactionId, agentId: e.agentId });
      else if (e.type === 'interaction.accepted') pending.push({ type: 'end', interactionId: e.interactionId, agentId: e.agentId });
      else if (e.type === 'interaction.ended' && e.wrapUpUntil !== undefined) pending.push({ type: 'completeWrapUp', interactionId: e.interactionId, agentId: e.agentId });
      else if (e.type === 'interaction.wrapped_up' || e.type === 'interaction.ended') lifecycles++;
    }
  };
  const nextCommand = (): Command => {
    const follow = pending.shift();
    if (follow) return follow;
    const { groupId, channel } = arrival();
    const priority = random() < 0.1 ? 1 : 0;
    return { type: 'enqueue', interaction: { id: `s${++sessions}`, groupId, channel: channel as 'chat', priority, legalPriority: random() < 0.05 } };
  };
  return {
    one: async (): Promise<boolean> => {
      const outcome = await engine.decide(nextCommand(), Date.now());
      follow(outcome.events);
      return outcome.ok;
    },
    lifecycles: () => lifecycles,
    /** Goes on with the same sessions through another engine (the same tenant, another script call). */
    use: (next: RedisEngine): void => {
      engine = next;
    },
  };
}

export async function runRedisBench(): Promise<Record<string, unknown>> {
  const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model, loadAverage1m: round(loadavg()[0]!, 2), shared: true };
  const server = await spawnRedis();
  const url = `redis://127.0.0.1:${server.port}`;
  // The engines' connection is configured as the server configures it (engines.ts: a call is
  // written at once). The no-op ceiling's calls share one auto-pipelined connection, which sends
  // the calls made in one turn of the event loop in one write: the faster ceiling. A third
  // connection reads INFO.
  const engineClient = new Redis(url);
  const client = new Redis(url, { enableAutoPipelining: true });
  const admin = new Redis(url);
  try {
    const version = /^redis_version:(\S+)/m.exec(await admin.info('server'))?.[1];
    print({ bench: 'redis', machine, redisVersion: version, concurrency: CONCURRENCY, batchSizeCap: BATCH_SIZE, pipeline: PIPELINE });
    const script = new SampledScript('evalsha');
    const engine = await RedisEngine.open({ client: engineClient, tenant: 'bench', script, timers: false, streamMaxLength: STREAM_MAX_LENGTH, batchSize: BATCH_SIZE, pipeline: PIPELINE });
    const library = new SampledScript('fcall');
    const libraryEngine = await RedisEngine.open({ client: engineClient, tenant: 'bench', script: library, timers: false, streamMaxLength: STREAM_MAX_LENGTH, batchSize: BATCH_SIZE, pipeline: PIPELINE });
    const setupStart = performance.now();
    const { arrival } = await loadTenant(engine);
    print({ bench: 'redis', phase: 'tenant loaded', groups: GROUPS, agents: AGENTS, setupMs: round(performance.now() - setupStart) });
    script.samples.length = 0;

    const noopSha = createHash('sha1').update(NOOP_BODY).digest('hex');
    await admin.script('LOAD', NOOP_BODY);
    await admin.function('LOAD', 'REPLACE', `#!lua name=${NOOP_LIBRARY}\nredis.register_function('${NOOP_FUNCTION}', function() ${NOOP_BODY} end)`);
    const ceilingRun = async (kind: 'EVALSHA' | 'FCALL', label: string): Promise<Phase> => {
      const samples = script.samples;
      let i = 0;
      const phase = await measure(admin, CONCURRENCY, CEILING_WARMUP_MS, CEILING_MS, async () => {
        const args = samples[i++ % samples.length]!;
        const reply = (kind === 'EVALSHA' ? await client.evalsha(noopSha, 1, engine.key, ...args) : await client.fcall(NOOP_FUNCTION, 1, engine.key, ...args)) as string[];
        return reply[1] === 'OK';
      });
      print({ bench: 'redis', phase: label, ...phase });
      return phase;
    };

    // The same sessions go on through both forms of the call, one after the other.
    const driver = lifecycleDriver(engine, arrival);
    const engineRun = async (label: string): Promise<Phase & { lifecycles: number }> => {
      let lifecycles = 0;
      const phase = await measure(admin, CONCURRENCY, WARMUP_MS, DURATION_MS, driver.one, {
        start: () => (lifecycles = -driver.lifecycles()),
        end: () => (lifecycles += driver.lifecycles()),
      });
      print({ bench: 'redis', phase: label, ...phase, lifecyclesCompleted: lifecycles });
      return { ...phase, lifecycles };
    };
    const evalRun = await engineRun('engine lifecycles (EVALSHA)');
    driver.use(libraryEngine);
    const fcallRun = await engineRun('engine lifecycles (FCALL)');
    const argumentBytes = script.samples.reduce((sum, args) => sum + args.reduce<number>((n, a) => n + String(a).length, 0), 0) / script.samples.length;
    // The ceilings after the engine, so they replay real argument samples; the faster of two runs counts.
    const best = (a: Phase, b: Phase): Phase => (b.perSecond > a.perSecond ? b : a);
    const evalCeiling = best(await ceilingRun('EVALSHA', 'no-op EVALSHA ceiling'), await ceilingRun('EVALSHA', 'no-op EVALSHA ceiling (again)'));
    const fcallCeiling = best(await ceilingRun('FCALL', 'no-op FCALL ceiling'), await ceilingRun('FCALL', 'no-op FCALL ceiling (again)'));
    await engine.close();
    await libraryEngine.close();
    const run = evalRun;
    const ceiling = evalCeiling;
    const lifecycles = evalRun.lifecycles;
    const ceilingRatio = round(run.perSecond / ceiling.perSecond, 3);
    return {
      bench: 'redis',
      decisionsPerSecond: run.perSecond,
      ceilingPerSecond: ceiling.perSecond,
      ceilingRatio,
      p50Ms: run.p50Ms,
      p99Ms: run.p99Ms,
      concurrency: CONCURRENCY,
      batchSizeCap: BATCH_SIZE,
      pipeline: PIPELINE,
      // Group commit: decisions per script call (the ceiling makes one call per no-op decision).
      batchSize: run.batchSize,
      // Redis commands run per decision (INFO commandstats; the script call and its redis.call).
      commandsPerDecision: run.commands,
      // Redis time per call as Redis counts it (commandstats: wall time inside the command, so it
      // includes the time the redis-server thread was descheduled on a busy machine).
      redisMicrosPerDecision: run.redisMicrosPerCall,
      redisMicrosPerNoop: ceiling.redisMicrosPerCall,
      // Redis CPU time per decision (user + sys of the redis-server process over the window).
      redisCpuMicrosPerDecision: round((run.redisCpu * 1e6) / run.perSecond, 1),
      // What one Redis core fully given to the engine would decide at that cost: 1e6 / CPU µs per decision.
      redisCoreDecisionsPerSecond: round(run.perSecond / run.redisCpu),
      redisCpu: run.redisCpu,
      clientCpu: run.clientCpu,
      lifecyclesPerSecond: round((lifecycles * 1000) / DURATION_MS),
      errors: run.errors + fcallRun.errors,
      argumentBytes: round(argumentBytes),
      fcall: {
        decisionsPerSecond: fcallRun.perSecond,
        ceilingPerSecond: fcallCeiling.perSecond,
        ceilingRatio: round(fcallRun.perSecond / fcallCeiling.perSecond, 3),
        p99Ms: fcallRun.p99Ms,
        batchSize: fcallRun.batchSize,
        redisCpuMicrosPerDecision: round((fcallRun.redisCpu * 1e6) / fcallRun.perSecond, 1),
        lifecyclesPerSecond: round((fcallRun.lifecycles * 1000) / DURATION_MS),
      },
      workload: { groups: GROUPS, agents: AGENTS, agentGroups: '1–5', channels: 5, wrapUpSeconds: 30, streamMaxLength: STREAM_MAX_LENGTH, durationMs: DURATION_MS },
      target: { ceilingRatio: 0.3, decisionsPerSecond: 20_000, met: ceilingRatio >= 0.3 && run.perSecond >= 20_000 },
      machine: { cores: machine.cores, shared: true, loadAverage1m: machine.loadAverage1m },
    };
  } finally {
    client.disconnect();
    engineClient.disconnect();
    admin.disconnect();
    await server.stop();
  }
}
