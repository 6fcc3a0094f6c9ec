// One run of the scenario against a server (in-process or a spawned process): configure the
// agency, connect the 16 agents, post the 400 sessions at a steady pace, wait until all ended;
// then the checks every run must pass, from the server's listing, views and routing log.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { RoutingEvent } from '../../src/core/index.js';
import { AGENTS, configureAgency, planSessions, SESSION_COUNT, type PlannedSession } from './agency.js';
import { Observations, SimulatedAgent, type Behaviour } from './agents.js';
import { AgentViewSampler, auditLog, type LogAudit } from './audit.js';
import { ApiClient, SessionCreator } from './http.js';

export const ADMIN_TOKEN = 'scenario-admin-token-0123456789abcdef';

/** Fast enough to finish well under a minute, slow enough that most offers find free agents. */
export const BEHAVIOUR: Behaviour = { rejectProbability: 0.05, handleMs: [200, 800] };
export const CREATE_INTERVAL_MS = 50;
/** Offers expire after this (config); think times stay far below it, so only a lost agent misses one. */
export const OFFER_TIMEOUT_SECONDS = 2;

/** The environment of a scenario server process on `port`, with the storage (and engine) variables given. */
export function scenarioEnv(port: number, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ATENDE_ADMIN_TOKEN: ADMIN_TOKEN,
    ATENDE_OFFER_TIMEOUT_SECONDS: String(OFFER_TIMEOUT_SECONDS),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export interface ScenarioRun {
  plan: PlannedSession[];
  creator: SessionCreator;
  seen: Observations;
  sampler: AgentViewSampler;
  api: ApiClient;
  durationMs: number;
}

export interface ScenarioOptions {
  seed: number;
  /** Called after each acknowledged create, with the count so far (the crash test kills from here). */
  onAcknowledged?: (count: number, run: { creator: SessionCreator; seen: Observations }) => void;
  /** Longest wait for the last sessions to end once every create was acknowledged. */
  settleTimeoutMs?: number;
  /** Several nodes: where agent `index` (re)connects and where each API call goes, at that moment. */
  nodes?: { agentBase(index: number): string; apiBase(): string };
}

/** Runs the scenario against the server at `base` (http://host:port; a restarted one keeps the port). */
export async function runScenario(base: string, options: ScenarioOptions): Promise<ScenarioRun> {
  const nodes = options.nodes;
  const api = new ApiClient(nodes ? () => nodes.apiBase() : base, ADMIN_TOKEN);
  const plan = planSessions(options.seed);
  await configureAgency(api);
  const seen = new Observations();
  const wsUrl = (agentId: string, at: string) => `${at.replace(/^http/, 'ws')}/ws/agent?agentId=${agentId}&token=${ADMIN_TOKEN}`;
  const agents = AGENTS.map(
    (spec, i) => new SimulatedAgent(spec, () => wsUrl(spec.id, nodes ? nodes.agentBase(i) : base), BEHAVIOUR, seen, options.seed * 100 + i),
  );
  await Promise.all(agents.map((a) => a.start()));
  const sampler = new AgentViewSampler(api);
  sampler.start();
  const started = Date.now();
  const onAcknowledged = options.onAcknowledged;
  const creator: SessionCreator = new SessionCreator(api, {
    intervalMs: CREATE_INTERVAL_MS,
    onAcknowledged: onAcknowledged && ((count) => onAcknowledged(count, { creator, seen })),
  });
  try {
    await creator.run(plan);
    await waitAllEnded(api, plan.length, options.settleTimeoutMs ?? 30_000);
  } finally {
    await sampler.stop();
    await Promise.all(agents.map((a) => a.stop()));
  }
  return { plan, creator, seen, sampler, api, durationMs: Date.now() - started };
}

async function waitAllEnded(api: ApiClient, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await api.expect('GET', '/api/interactions?state=ended&limit=500', 200);
    if (page.items.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${page.items.length} of ${count} sessions ended within ${timeoutMs} ms after the last create`);
    await sleep(250);
  }
}

/**
 * What every run must show in the server's views and listing: nothing lost (each planned id was
 * acknowledged, is listed and ended, with the createdAt of its acknowledgement), each ended by a
 * member of its group; nothing left waiting or held; and what the clients and the sampled agent
 * views saw: nobody over capacity, no session offered outside its group or active with two agents.
 */
export async function expectServerViews(run: ScenarioRun): Promise<void> {
  const { api, plan, creator, seen, sampler } = run;
  const planned = plan.map((p) => p.id).sort();
  expect([...creator.acknowledged.keys()].sort()).toEqual(planned);

  const listed = await api.allInteractions();
  expect(listed.map((i) => i.id).sort()).toEqual(planned);
  const byId = new Map(plan.map((p) => [p.id, p]));
  for (const item of listed) {
    const ack = creator.acknowledged.get(item.id)!;
    expect(item, item.id).toMatchObject({ state: 'ended', groupId: byId.get(item.id)!.groupId, channel: byId.get(item.id)!.channel, createdAt: ack.createdAt });
    expect(AGENTS.find((a) => a.id === item.agentId)?.groups.some((g) => g.groupId === item.groupId), `${item.id} ended by ${item.agentId}`).toBe(true);
  }

  expect(seen.violations).toEqual([]);
  expect(sampler.violations).toEqual([]);
  expect(sampler.samples).toBeGreaterThan(0);
  expect(seen.activeHolder.size).toBe(0);

  const agents: any[] = await api.expect('GET', '/api/agents', 200);
  for (const a of agents) {
    const load = Object.values(a.load as Record<string, number>).reduce((s, n) => s + n, 0);
    expect({ id: a.id, offers: a.offers, sessions: a.sessions, load }).toEqual({ id: a.id, offers: [], sessions: [], load: 0 });
  }
  // Every session counted once, for the agent that kept it: misses were given back.
  expect(agents.reduce((s, a) => s + a.sessionsToday, 0)).toBe(SESSION_COUNT);
  const queues: any[] = await api.expect('GET', '/api/queues', 200);
  expect(queues.reduce((s, q) => s + q.waiting, 0)).toBe(0);
}

/**
 * What the durable routing log must show, replayed by auditLog: each planned session queued once
 * and ended; every offer to a member of its group, to nobody else's session, within capacity, and
 * each strategy choice to a free agent with the fewest sessions today.
 */
export function expectLog(run: ScenarioRun, events: RoutingEvent[]): LogAudit {
  const audit = auditLog(events);
  expect(audit.violations).toEqual([]);
  expect([...audit.states.keys()].sort()).toEqual(run.plan.map((p) => p.id).sort());
  expect(new Set(audit.states.values())).toEqual(new Set(['ended']));
  return audit;
}
