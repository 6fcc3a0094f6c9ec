// Several router nodes (engines on their own connections) over one tenant: due deadlines are
// claimed atomically (none fires twice), and the stream every node reads replays to the state in Redis.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, agentView, interactionView, type RoutingEvent } from '../../../src/core/index.js';
import { RedisEngine, RoutingScript, entryEvents, readStream } from '../../../src/store/redis/index.js';
import { agent, group, T0 } from '../../core/fixtures.js';
import { freshTenant, startRedis, type TestRedis } from './redis-server.js';

let redis: TestRedis;
const clients: Redis[] = [];
const script = new RoutingScript();
beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 3; i++) clients.push(redis.connect());
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

const options = { offerTimeoutSeconds: 5, maxConsecutiveMisses: 10 };

async function nodes(tenant: string): Promise<RedisEngine[]> {
  return Promise.all(clients.map((client) => RedisEngine.open({ client, tenant, router: options, timers: false, streamMaxLength: 100_000, script })));
}

const byId = <T extends { id: string }>(items: T[]): T[] => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('many router nodes on one Redis', () => {
  it('fire each due deadline exactly once when every node ticks at the same moment', async () => {
    const [first, ...others] = await nodes(freshTenant('ticks'));
    await first!.decide({ type: 'configureGroup', group: group('g') }, T0);
    for (let i = 0; i < 60; i++) {
      await first!.decide({ type: 'configureAgent', agent: agent(`a${i}`, ['g'], { capacity: { chat: 1 } }) }, T0);
      await first!.decide({ type: 'setAgentState', agentId: `a${i}`, state: 'available' }, T0);
    }
    for (let i = 0; i < 60; i++) await first!.decide({ type: 'enqueue', interaction: { id: `s${i}`, channel: 'chat', groupId: 'g' } }, T0 + i);
    const outcomes = await Promise.all([first!, ...others, first!, ...others].map((engine) => engine.decide({ type: 'tick' }, T0 + 60_000)));
    const expired = outcomes.flatMap((o) => o.events).filter((e) => e.type === 'interaction.expired');
    expect(expired).toHaveLength(60);
    expect(new Set(expired.map((e) => (e as Extract<RoutingEvent, { type: 'interaction.expired' }>).interactionId)).size).toBe(60);
  });

  it('decide concurrently into one total order that the stream replays to the state in Redis', async () => {
    const tenant = freshTenant('replay');
    const engines = await nodes(tenant);
    let now = T0;
    await engines[0]!.decide({ type: 'configureGroup', group: group('g', { wrapUpSeconds: 5 }) }, now);
    await engines[0]!.decide({ type: 'configureGroup', group: group('h', { strategy: 'round-robin', overflow: { afterSeconds: 10, groupId: 'g' } }) }, now);
    for (let i = 0; i < 30; i++) {
      await engines[i % 3]!.decide({ type: 'configureAgent', agent: agent(`a${i}`, i % 2 ? ['g'] : ['g', 'h'], { capacity: { chat: 2, phone: 1 } }) }, now);
      await engines[i % 3]!.decide({ type: 'setAgentState', agentId: `a${i}`, state: 'available' }, now);
    }
    // Each node enqueues its own citizens and answers the offers it learns about, all at once.
    const offered: { id: string; agentId: string }[] = [];
    const active: string[] = [];
    const collect = (events: RoutingEvent[]): void => {
      for (const e of events) if (e.type === 'interaction.offered') offered.push({ id: e.interactionId, agentId: e.agentId });
    };
    for (let round = 0; round < 40; round++) {
      now += 1_000;
      const batch = engines.flatMap((engine, n) => [
        engine.decide({ type: 'enqueue', interaction: { id: `r${round}n${n}`, channel: round % 4 ? 'chat' : 'phone', groupId: n ? 'g' : 'h' } }, now),
        ...offered.splice(0, 2).map((o) => engine.decide({ type: round % 5 ? 'accept' : 'reject', interactionId: o.id, agentId: o.agentId }, now).then((x) => (x.ok && round % 5 && active.push(o.id), x))),
        ...active.splice(0, 2).map((id) => engine.decide({ type: 'end', interactionId: id }, now)),
        engine.decide({ type: 'tick' }, now),
      ]);
      for (const outcome of await Promise.all(batch)) collect(outcome.events);
    }
    const log = (await readStream(clients[0]!, engines[0]!.key, '-', 100_000)).flatMap(entryEvents);
    const replayed = Router.replay(log, options).state;
    const read = engines[1]!.read;
    expect(byId(await read.interactions())).toEqual(byId([...replayed.interactions.values()].map(interactionView)));
    expect(byId(await read.agents())).toEqual(byId([...replayed.agents.values()].map(agentView)));
    expect(await read.totals()).toEqual({ ended: replayed.ended, abandoned: replayed.abandoned });
    expect(log.filter((e) => e.type === 'interaction.accepted').length).toBeGreaterThan(20);
  });
});
