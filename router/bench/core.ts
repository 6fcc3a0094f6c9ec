// Full-lifecycle benchmark of the routing core (enqueue → offer → accept → end) at agency scale,
// against baselines in the same run: a raw heap push+pop (ceiling), a scanning router, and two
// floors: a lean heap router (the core's data structures with nothing else) and the harness alone.

import { IndexedHeap, Router, type HeapNode, type RoutingEvent } from '../src/core/index.js';
import { LeanRouter } from './lean-router.js';
import { ScanRouter } from './scan-router.js';
import { buildWorkload, rng } from './workload.js';

const GROUPS = 500;
const AGENTS = 10_000;
const BACKLOG = 20_000;
const SEED = 20261123;
const T0 = Date.UTC(2026, 10, 23, 13, 0, 0);

interface Driver {
  enqueue(id: string, groupId: string, channel: string, now: number): void;
  endOne(now: number): void;
  waiting(): number;
}

export let lastRouter: Router | undefined;
export function coreDriver(timed: number[] | undefined): Driver {
  const w = buildWorkload({ groups: GROUPS, agents: AGENTS, seed: SEED });
  const router = new Router();
  lastRouter = router;
  const pickActive = rng(SEED + 1);
  const active: string[] = [];
  const decide = (command: Parameters<Router['decide']>[0], now: number): RoutingEvent[] => {
    if (!timed) return router.decide(command, now).events;
    const start = process.hrtime.bigint();
    const outcome = router.decide(command, now);
    timed.push(Number(process.hrtime.bigint() - start));
    return outcome.events;
  };
  const acceptOffers = (events: RoutingEvent[], now: number): void => {
    for (const e of events) {
      if (e.type !== 'interaction.offered') continue;
      decide({ type: 'accept', interactionId: e.interactionId, agentId: e.agentId }, now);
      active.push(e.interactionId);
    }
  };
  for (const group of w.groups) router.decide({ type: 'configureGroup', group }, T0);
  for (const agent of w.agents) router.decide({ type: 'configureAgent', agent }, T0);
  for (const agent of w.agents) acceptOffers(router.decide({ type: 'setAgentState', agentId: agent.id, state: 'available' }, T0).events, T0);
  let waiting = 0;
  return {
    enqueue(id, groupId, channel, now) {
      const events = decide({ type: 'enqueue', interaction: { id, groupId, channel: channel as 'chat' } }, now);
      if (events.length === 1) waiting++;
      acceptOffers(events, now);
    },
    endOne(now) {
      const i = Math.floor(pickActive() * active.length);
      const id = active[i]!;
      active[i] = active[active.length - 1]!;
      active.pop();
      const events = decide({ type: 'end', interactionId: id }, now);
      for (const e of events) if (e.type === 'interaction.offered') waiting--;
      acceptOffers(events, now);
    },
    waiting: () => waiting,
  };
}

function baselineDriver(kind: 'scan' | 'lean'): Driver {
  const w = buildWorkload({ groups: GROUPS, agents: AGENTS, seed: SEED });
  const router = kind === 'scan' ? new ScanRouter(w.groups, w.agents, T0) : new LeanRouter(w.groups, w.agents, T0);
  const pickActive = rng(SEED + 1);
  const active: string[] = [];
  let waiting = 0;
  for (const agent of w.agents) router.setAvailable(agent.id, T0);
  return {
    enqueue(id, groupId, channel, now) {
      if (router.enqueue(id, groupId, channel as 'chat', now)) active.push(id);
      else waiting++;
    },
    endOne(now) {
      const i = Math.floor(pickActive() * active.length);
      const id = active[i]!;
      active[i] = active[active.length - 1]!;
      active.pop();
      const offers = router.end(id, now);
      waiting -= offers.length;
      active.push(...offers);
    },
    waiting: () => waiting,
  };
}

/**
 * What the harness costs without any routing: the workload's draws, the ids, the driver's list of
 * active sessions and one map of sessions, as a router that decides nothing would need. The first
 * BACKLOG arrivals wait, every later one is taken at once, and an end frees nothing.
 */
function harnessDriver(): Driver {
  const pickActive = rng(SEED + 1);
  const active: string[] = [];
  const sessions = new Map<string, string>();
  let waiting = 0;
  return {
    enqueue(id, groupId) {
      sessions.set(id, groupId);
      if (waiting < BACKLOG) waiting++;
      else active.push(id);
    },
    endOne() {
      const i = Math.floor(pickActive() * active.length);
      const id = active[i]!;
      active[i] = active[active.length - 1]!;
      active.pop();
      sessions.delete(id);
    },
    waiting: () => waiting,
  };
}

/**
 * A full collection before a timed phase (when the bench runs with --expose-gc, as `npm run
 * bench` does): the garbage an earlier phase left — a whole router of the previous round — is
 * not billed to the next one, core or baseline alike.
 */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Fill agents and a standing backlog, then run lifecycles: each step one arrival and one end. */
export function runLifecycles(driver: Driver, lifecycles: number): { seconds: number; waitingAfter: number } {
  const w = buildWorkload({ groups: GROUPS, agents: AGENTS, seed: SEED });
  let n = 0;
  let now = T0 + 1000;
  while (driver.waiting() < BACKLOG) {
    const { groupId, channel } = w.arrival();
    driver.enqueue(`s${n++}`, groupId, channel, now);
  }
  settle();
  const start = process.hrtime.bigint();
  for (let i = 0; i < lifecycles; i++) {
    now += 1;
    const { groupId, channel } = w.arrival();
    driver.enqueue(`s${n++}`, groupId, channel, now);
    driver.endOne(now);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, waitingAfter: driver.waiting() };
}

interface KeyNode extends HeapNode {
  key: number;
}

/** The machine's ceiling for the core's primitive: push+pop pairs on a heap of the backlog's size. */
function heapCeiling(pairs: number): number {
  const random = rng(SEED);
  const heap = new IndexedHeap<KeyNode>((a, b) => a.key < b.key);
  for (let i = 0; i < BACKLOG; i++) heap.push({ key: random(), index: -1 });
  settle();
  const start = process.hrtime.bigint();
  for (let i = 0; i < pairs; i++) {
    const node = heap.pop()!;
    node.key += random();
    heap.push(node);
  }
  return pairs / (Number(process.hrtime.bigint() - start) / 1e9);
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function runCoreBench(): Record<string, unknown> {
  const lifecycles = Number(process.env.BENCH_LIFECYCLES ?? 200_000);
  const rounds = 3;
  const core: number[] = [];
  const scan: number[] = [];
  const ceiling: number[] = [];
  const lean: number[] = [];
  const harness: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c = runLifecycles(coreDriver(undefined), lifecycles);
    core.push(lifecycles / c.seconds);
    const scanLifecycles = Math.max(2_000, Math.floor(lifecycles / 20));
    const s = runLifecycles(baselineDriver('scan'), scanLifecycles);
    scan.push(scanLifecycles / s.seconds);
    ceiling.push(heapCeiling(2_000_000));
    lean.push(lifecycles / runLifecycles(baselineDriver('lean'), lifecycles).seconds);
    harness.push(lifecycles / runLifecycles(harnessDriver(), lifecycles).seconds);
    console.log(
      JSON.stringify({
        round: r + 1,
        coreLifecyclesPerSecond: Math.round(core[r]!),
        scanLifecyclesPerSecond: Math.round(scan[r]!),
        heapPushPopPerSecond: Math.round(ceiling[r]!),
        leanLifecyclesPerSecond: Math.round(lean[r]!),
        harnessLifecyclesPerSecond: Math.round(harness[r]!),
        backlogAfter: c.waitingAfter,
      }),
    );
  }
  const timings: number[] = [];
  runLifecycles(coreDriver(timings), Math.floor(lifecycles / 2));
  const sorted = Float64Array.from(timings).sort();
  const lifecyclesPerSecond = median(core);
  const result = {
    bench: 'core',
    agents: AGENTS,
    groups: GROUPS,
    channels: 5,
    backlog: BACKLOG,
    lifecyclesPerSecond: Math.round(lifecyclesPerSecond),
    decisions: sorted.length,
    p50DecisionMicros: Math.round(percentile(sorted, 50) / 10) / 100,
    p99DecisionMicros: Math.round(percentile(sorted, 99) / 10) / 100,
    heapPushPopPerSecond: Math.round(median(ceiling)),
    scanLifecyclesPerSecond: Math.round(median(scan)),
    ceilingRatio: Math.round((lifecyclesPerSecond / median(ceiling)) * 1000) / 1000,
    scanRatio: Math.round((lifecyclesPerSecond / median(scan)) * 10) / 10,
    // Floors: the core's data structures alone (same decisions, no events, validation, accept or
    // timers), and the harness alone; a lifecycle's time in the core is at least the harness's.
    leanLifecyclesPerSecond: Math.round(median(lean)),
    harnessLifecyclesPerSecond: Math.round(median(harness)),
    leanRatio: Math.round((lifecyclesPerSecond / median(lean)) * 100) / 100,
    leanScanRatio: Math.round((median(lean) / median(scan)) * 10) / 10,
  };
  return result;
}
