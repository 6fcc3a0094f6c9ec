// Hand-made sequences for cases random runs seldom reach, each decided by the core and by the
// Redis engine and compared outcome by outcome: timer ties, the day roll, negative and fractional
// times, business hours, and a script lost from Redis's cache.

import { describe, expect, it } from 'vitest';
import { Router, agentView, interactionView, type Command, type RouterOptions } from '../../../src/core/index.js';
import { RedisEngine, RoutingScript } from '../../../src/store/redis/index.js';
import { agent, group, T0 } from '../../core/fixtures.js';
import { freshTenant, useRedis } from './redis-server.js';

const server = useRedis();
const script = new RoutingScript();

/** Feeds [time, command] steps to both; returns the engine and the router for further checks. */
async function compare(steps: [number, Command][], options: Partial<RouterOptions> = {}, using = script): Promise<{ router: Router; engine: RedisEngine }> {
  const router = new Router(options);
  const engine = await RedisEngine.open({ client: server.client, tenant: freshTenant('scenario'), router: options, timers: false, script: using });
  for (const [i, [now, command]] of steps.entries()) {
    const expected = router.decide(structuredClone(command), now);
    expect(await engine.decide(command, now), `step ${i}: ${JSON.stringify(command)}`).toEqual(expected);
  }
  for (const a of router.state.agents.values()) expect(await engine.read.agent(a.config.id)).toEqual(agentView(a));
  for (const s of router.state.interactions.values()) expect(await engine.read.interaction(s.id)).toEqual(interactionView(s));
  return { router, engine };
}

describe('the Redis engine in edge cases', () => {
  it('fires timers due together in queue order, whatever their kinds', async () => {
    // x (older seq) waits for a ring, y (same rank) holds an offer expiring at the same instant.
    await compare(
      [
        [T0, { type: 'configureGroup', group: group('g', { bullseye: { ringSeconds: 10 } }) }],
        [T0, { type: 'configureAgent', agent: agent('a', [{ groupId: 'g', proficiency: 1 }], { capacity: { chat: 1 } }) }],
        [T0, { type: 'setAgentState', agentId: 'a', state: 'available' }],
        [T0, { type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g', minProficiency: 2 } }],
        [T0, { type: 'enqueue', interaction: { id: 'y', channel: 'chat', groupId: 'g' } }],
        [T0 + 10_000, { type: 'tick' }],
      ],
      { offerTimeoutSeconds: 10, maxConsecutiveMisses: 5 },
    );
  });

  it('re-keys free agents at local midnight (equal distribution starts the day even)', async () => {
    // Yesterday a took two sessions and has been idle longest; b and c took one each, later.
    // Re-keyed at midnight (all at zero today) a comes first; with yesterday's keys b would.
    const midnight = Date.UTC(2026, 10, 24, 3, 0, 0);
    const steps: [number, Command][] = [[midnight - 60_000, { type: 'configureGroup', group: group('g') }]];
    for (const id of ['a', 'b', 'c']) steps.push([midnight - 60_000, { type: 'configureAgent', agent: agent(id, ['g'], { capacity: { chat: 1 } }) }]);
    const serve = (id: string, by: string, at: number, becomeAvailable: boolean): void => {
      if (becomeAvailable) steps.push([at, { type: 'setAgentState', agentId: by, state: 'available' }]);
      steps.push([at, { type: 'enqueue', interaction: { id, channel: 'chat', groupId: 'g' } }]);
      steps.push([at, { type: 'accept', interactionId: id, agentId: by }]);
      steps.push([at + 500, { type: 'end', interactionId: id }]);
    };
    serve('d0', 'a', midnight - 50_000, true);
    serve('d1', 'a', midnight - 40_000, false);
    serve('d2', 'b', midnight - 30_000, true);
    serve('d3', 'c', midnight - 20_000, true);
    steps.push([midnight + 1_000, { type: 'enqueue', interaction: { id: 'n1', channel: 'chat', groupId: 'g' } }]);
    steps.push([midnight + 2_000, { type: 'enqueue', interaction: { id: 'n2', channel: 'chat', groupId: 'g' } }]);
    const { router } = await compare(steps);
    expect(router.state.interactions.get('n1')!.agent!.config.id).toBe('a');
  });

  it('orders sessions by negative and fractional ranks exactly', async () => {
    const steps: [number, Command][] = [
      [1.25, { type: 'configureGroup', group: group('g') }],
      [1.25, { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 1 } }) }],
    ];
    for (let i = 0; i < 12; i++) {
      steps.push([1.25 + i / 3, { type: 'enqueue', interaction: { id: `s${i}`, channel: 'chat', groupId: 'g', priority: (i * 7) % 10, legalPriority: i % 5 === 0 } }]);
    }
    steps.push([100.5, { type: 'setAgentState', agentId: 'a', state: 'available' }]);
    for (let i = 0; i < 12; i++) {
      steps.push([200 + i, { type: 'tick' }]);
      steps.push([200.1 + i, { type: 'accept', interactionId: `s${i}`, agentId: 'a' }]);
      steps.push([200.2 + i, { type: 'end', interactionId: `s${i}`, agentId: 'a' }]);
    }
    await compare(steps, { priorityStepSeconds: 0.1, legalPriorityBonusSeconds: 0.7, offerTimeoutSeconds: 0.3 });
  });

  it('answers closed groups with the next opening, and learns reconfigured hours', async () => {
    const hours = { timeZone: 'America/Sao_Paulo', weekly: [{ weekday: 1 as const, open: '09:00', close: '10:30' }], holidays: [] };
    const later = { ...hours, weekly: [{ weekday: 2 as const, open: '08:00', close: '09:00' }] };
    await compare([
      [T0, { type: 'configureGroup', group: group('g', { hours }) }],
      [T0, { type: 'configureGroup', group: group('h') }],
      [T0, { type: 'configureAgent', agent: agent('a', ['g', 'h']) }],
      [T0, { type: 'setAgentState', agentId: 'a', state: 'available' }],
      [T0, { type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } }],
      [T0 + 3_600_000, { type: 'enqueue', interaction: { id: 's2', channel: 'chat', groupId: 'g' } }],
      [T0 + 3_600_000, { type: 'enqueue', interaction: { id: 's3', channel: 'phone', groupId: 'h' } }],
      [T0 + 3_600_000, { type: 'transfer', interactionId: 's3', to: { kind: 'group', groupId: 'g' } }],
      [T0 + 3_600_000, { type: 'configureGroup', group: group('g', { hours: later }) }],
      [T0 + 3_600_001, { type: 'enqueue', interaction: { id: 's4', channel: 'chat', groupId: 'g' } }],
      [T0 + 24 * 3_600_000 - 3_600_000, { type: 'enqueue', interaction: { id: 's5', channel: 'chat', groupId: 'g' } }],
    ]);
  });

  it('overflows a waiting session at its time when its group drops its overflow and takes it back meanwhile', async () => {
    // The overflow deadline must survive the call that touches the session while the group has no
    // overflow (here a bullseye ring widening it): the core drops such a deadline only at the front.
    // s2's ring keeps the front of the deadlines, so the core holds on to s1's overflow deadline.
    const { router } = await compare([
      [T0, { type: 'configureGroup', group: group('h', { bullseye: { ringSeconds: 60 } }) }],
      [T0, { type: 'enqueue', interaction: { id: 's2', channel: 'chat', groupId: 'h', minProficiency: 2 } }],
      [T0, { type: 'configureGroup', group: group('g', { overflow: { afterSeconds: 120, groupId: 'h' }, bullseye: { ringSeconds: 5 } }) }],
      [T0, { type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g', minProficiency: 2 } }],
      [T0 + 1_000, { type: 'configureGroup', group: group('g', { bullseye: { ringSeconds: 5 } }) }],
      [T0 + 6_000, { type: 'tick' }],
      [T0 + 7_000, { type: 'configureGroup', group: group('g', { overflow: { afterSeconds: 120, groupId: 'h' }, bullseye: { ringSeconds: 5 } }) }],
      [T0 + 121_000, { type: 'tick' }],
    ]);
    expect(interactionView(router.state.interactions.get('s1')!).history.map((h) => h.kind)).toContain('overflowed');
  });

  it('reloads the script when Redis lost it (NOSCRIPT: a master restarted without persistence) and goes on', async () => {
    const { router, engine } = await compare([
      [T0, { type: 'configureGroup', group: group('g') }],
      [T0, { type: 'configureAgent', agent: agent('a', ['g']) }],
    ]);
    await server.client.script('FLUSH');
    expect(await server.client.script('EXISTS', script.evalSha)).toEqual([0]);
    const command: Command = { type: 'setAgentState', agentId: 'a', state: 'available' };
    expect(await engine.decide(command, T0 + 1)).toEqual(router.decide(command, T0 + 1));
    expect(await server.client.script('EXISTS', script.evalSha)).toEqual([1]);
  });

  it('runs as a Redis Functions library (FCALL) too, reloading it when Redis lost it', async () => {
    const library = new RoutingScript('fcall');
    const { router, engine } = await compare(
      [
        [T0, { type: 'configureGroup', group: group('g') }],
        [T0, { type: 'configureAgent', agent: agent('a', ['g']) }],
        [T0, { type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } }],
      ],
      {},
      library,
    );
    await server.client.function('FLUSH');
    expect(await server.client.function('LIST', 'LIBRARYNAME', library.library)).toEqual([]);
    const command: Command = { type: 'setAgentState', agentId: 'a', state: 'available' };
    expect(await engine.decide(command, T0 + 1)).toEqual(router.decide(command, T0 + 1));
    const [listed] = (await server.client.function('LIST', 'LIBRARYNAME', library.library)) as unknown[][];
    expect(listed).toContain(library.library);
  });
});
