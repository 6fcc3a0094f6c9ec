// The differential runner shared by the single-server and cluster tests: the same world, commands and
// times fed to the pure Router and to a Redis engine, every outcome and the views compared.

import { expect } from 'vitest';
import { Router, agentView, fairness, interactionView, queueFigures, type Command } from '../../../src/core/index.js';
import { RedisEngine, RoutingScript, type RedisClient } from '../../../src/store/redis/index.js';
import { freshTenant } from './redis-server.js';
import { MIDNIGHT, agentConfig, groupConfig, routerOptions, toCommand, type Action, type World } from './world.js';

// Both ways of calling the script (EVALSHA, FCALL) decide every other world.
const scripts = [new RoutingScript('evalsha'), new RoutingScript('fcall')];
let worlds = 0;

const byId = <T extends { id: string }>(items: T[]): T[] => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export async function expectSameViews(router: Router, engine: RedisEngine, now: number, groupIds: string[], where: string): Promise<void> {
  const st = router.state;
  expect(byId(await engine.read.interactions()), `${where}: interactions`).toEqual(byId([...st.interactions.values()].map(interactionView)));
  expect(byId(await engine.read.agents()), `${where}: agents`).toEqual(byId([...st.agents.values()].map(agentView)));
  expect(await engine.read.queues(), `${where}: queues`).toEqual(queueFigures(st, now));
  for (const g of groupIds) expect(await engine.read.fairness(g), `${where}: fairness ${g}`).toEqual(fairness(st, g));
  expect(await engine.read.totals(), `${where}: totals`).toEqual({ ended: st.ended, abandoned: st.abandoned });
}

export interface RunStats {
  commands: number;
  events: number;
  /** enqueue answered "closed" (business hours), and local midnights crossed. */
  closed: number;
  midnights: number;
  errors: Set<string>;
  eventTypes: Set<string>;
  /** Script calls the engines made. */
  calls: number;
}

/**
 * `burst` > 1: that many commands are handed to the engine before their outcomes are awaited
 * (the core decides them one by one, in the same order), so the engine decides them in batches
 * (group commit); `stats.calls` then counts its script calls.
 */
export async function differential(client: RedisClient, world: World, actions: Action[], stats: RunStats, checkpoints: number, tenant = freshTenant('diff'), burst = 1): Promise<void> {
  const options = routerOptions(world);
  const router = new Router(options);
  let now = MIDNIGHT + world.startMinute * 60_000;
  const engine = await RedisEngine.open({ client, tenant, router: options, timers: false, clock: () => now, script: scripts[worlds++ % 2] });
  let pending: Promise<void>[] = [];
  const settle = async (): Promise<void> => {
    const all = pending;
    pending = [];
    await Promise.all(all);
  };
  const run = async (command: Command, where: string): Promise<void> => {
    const expected = router.decide(structuredClone(command), now);
    const decided = engine.decide(command, now);
    stats.commands++;
    stats.events += expected.events.length;
    if (!expected.ok) stats.errors.add(expected.error.code);
    if (expected.ok && expected.closed) stats.closed++;
    for (const e of expected.events) stats.eventTypes.add(e.type);
    pending.push(decided.then((actual) => expect(actual, `${where}: ${JSON.stringify(command)}`).toEqual(expected)));
    if (pending.length >= burst) await settle();
  };
  const groups = world.groups.map((g, i) => groupConfig(i, g, world.groups.length));
  const agents = world.agents.map((a, i) => agentConfig(i, a));
  for (const group of groups) await run({ type: 'configureGroup', group }, 'setup');
  for (const agent of agents) await run({ type: 'configureAgent', agent }, 'setup');
  for (const agent of agents) await run({ type: 'setAgentState', agentId: agent.id, state: 'available' }, 'setup');
  const counter = { n: 0 };
  const every = Math.max(1, Math.floor(actions.length / checkpoints));
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i]!;
    if (action.kind === 'advance' || action.kind === 'drift') now += action.seconds * 1000;
    if (action.kind === 'jump') now += action.minutes * 60_000;
    const command = toCommand(router, world, action, counter, now);
    if (command) await run(command, `action ${i}`);
    if ((i + 1) % every === 0) await settle();
    if ((i + 1) % every === 0) await expectSameViews(router, engine, now, groups.map((g) => g.id), `after action ${i}`);
  }
  // Drain: everything still live ends (or is abandoned), through both engines.
  for (let round = 0; round < 200 && router.state.interactions.size > 0; round++) {
    for (const a of agents) if (router.state.agents.get(a.id)!.presence !== 'available') await run({ type: 'setAgentState', agentId: a.id, state: 'available' }, 'drain');
    for (const s of [...router.state.interactions.values()]) {
      if (s.state === 'offered') await run({ type: 'accept', interactionId: s.id, agentId: s.agent!.config.id }, 'drain');
      else if (s.state === 'active') await run({ type: 'end', interactionId: s.id }, 'drain');
      else if (s.state === 'wrapup') await run({ type: 'completeWrapUp', interactionId: s.id }, 'drain');
    }
    now += 30_000;
    await run({ type: 'tick' }, 'drain');
  }
  await settle();
  await expectSameViews(router, engine, now, groups.map((g) => g.id), 'after drain');
  for (const s of [...router.state.interactions.values()]) await run({ type: 'abandon', interactionId: s.id }, 'final');
  await settle();
  await expectSameViews(router, engine, now, groups.map((g) => g.id), 'at the end');
  stats.calls += engine.batching.calls;
  stats.midnights += Math.floor((now - MIDNIGHT) / 86_400_000) - Math.floor(world.startMinute / 1440);
}

export const newStats = (): RunStats => ({ commands: 0, events: 0, closed: 0, midnights: 0, errors: new Set(), eventTypes: new Set(), calls: 0 });

export function report(name: string, stats: RunStats, started: number): void {
  console.log(
    `${name}: ${stats.commands} commands (${stats.calls} script calls), ${stats.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${stats.closed} closed answers, ${stats.midnights} midnights crossed; ` +
      `event types ${stats.eventTypes.size}: ${[...stats.eventTypes].sort().join(' ')}; errors: ${[...stats.errors].sort().join(' ')}`,
  );
}

