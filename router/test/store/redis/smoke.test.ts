// A first pass through the Redis engine: offers, accept, end with wrap-up, the tick that ends it.
import { describe, expect, it } from 'vitest';
import { RedisEngine, entryEvents, readStream } from '../../../src/store/redis/index.js';
import { Router } from '../../../src/core/index.js';
import { agent, group, T0 } from '../../core/fixtures.js';
import { freshTenant, useRedis } from './redis-server.js';

const server = useRedis();

describe('the Redis engine', () => {
  it('decides a short session exactly as the core does', async () => {
    const engine = await RedisEngine.open({ client: server.client, tenant: freshTenant('smoke'), timers: false });
    const router = new Router();
    const commands = [
      { type: 'configureGroup', group: group('g', { wrapUpSeconds: 10 }) },
      { type: 'configureAgent', agent: agent('a', ['g']) },
      { type: 'setAgentState', agentId: 'a', state: 'available' },
      { type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } },
      { type: 'enqueue', interaction: { id: 's2', channel: 'chat', groupId: 'g' } },
      { type: 'accept', interactionId: 's1', agentId: 'a' },
      { type: 'end', interactionId: 's1' },
      { type: 'end', interactionId: 's1' },
      { type: 'tick' },
      { type: 'accept', interactionId: 's2', agentId: 'nobody' },
    ] as const;
    let now = T0;
    for (const command of commands) {
      now += 6_000;
      const expected = router.decide(structuredClone(command) as never, now);
      const actual = await engine.decide(structuredClone(command) as never, now);
      expect(actual).toEqual(expected);
    }
    expect(await engine.read.interaction('s2')).toEqual(expect.objectContaining({ state: 'offered', agentId: 'a' }));
  });
});

describe('the Redis engine as the server drives it', () => {
  it('persists before acknowledging, publishes in order, and fires deadlines with a real timer', async () => {
    const persisted: string[] = [];
    const published: string[] = [];
    const engine = await RedisEngine.open({
      client: server.client,
      tenant: freshTenant('timers'),
      router: { offerTimeoutSeconds: 0.05 },
      persist: async (events) => {
        await new Promise((r) => setTimeout(r, 5));
        persisted.push(...events.map((e) => e.type));
      },
      streamMaxLength: 1000,
    });
    engine.subscribe((events) => published.push(...events.map((e) => e.type)));
    const expired = new Promise<void>((resolve) => engine.subscribe((events) => events.some((e) => e.type === 'interaction.expired') && resolve()));
    await engine.execute({ type: 'configureGroup', group: group('g') });
    await engine.execute({ type: 'configureAgent', agent: agent('a', ['g']) });
    await engine.execute({ type: 'setAgentState', agentId: 'a', state: 'available' });
    const outcome = await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    expect(persisted).toContain('interaction.offered');
    expect(outcome.events.map((e) => e.type)).toEqual(['interaction.queued', 'interaction.offered']);
    await expired;
    await engine.settled();
    expect(published).toEqual(persisted);
    expect((await engine.read.interaction('s1'))?.state).toBe('queued');
    const stream = await readStream(server.client, engine.key);
    expect(stream.flatMap((entry) => entryEvents(entry).map((e) => e.type))).toEqual(persisted);
    await engine.close();
  });
});
