// WS /ws/board: supervisors only, a snapshot first, then updates coalesced per topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, configureBasics, loginAs, startTestServer, type TestServer } from './helpers.js';
import { TestSocket } from '../../src/testing/socket-client.js';

describe('the board socket', () => {
  let t: TestServer;
  let supervisor: string;
  let agent: string;

  beforeAll(async () => {
    // A long interval makes coalescing observable without depending on how fast requests run.
    t = await startTestServer({ boardIntervalMs: 1_000 });
    await configureBasics(t);
    supervisor = await loginAs(t, 'sup', 'supervisor');
    agent = await loginAs(t, 'ana', 'agent', 'ana');
  });
  afterAll(() => t?.close());

  it('refuses agents (403) and missing tokens (401)', async () => {
    expect((await TestSocket.refusal(`${t.ws}/ws/board`)).status).toBe(401);
    expect((await TestSocket.refusal(`${t.ws}/ws/board?token=${agent}`)).status).toBe(403);
  });

  it('sends a snapshot, then coalesces a burst of changes into few updates per topic', async () => {
    const board = await TestSocket.open(`${t.ws}/ws/board`, { authorization: `Bearer ${supervisor}` });
    const snapshot = await board.nextOfType('snapshot');
    expect(snapshot.queues.find((q: { groupId: string; channel: string }) => q.groupId === 'ipva-n1' && q.channel === 'chat')).toMatchObject({ waiting: 0 });
    expect(snapshot.agents.map((a: { id: string }) => a.id).sort()).toEqual(['ana', 'bruno', 'carla']);

    const burst = 30;
    await Promise.all(
      Array.from({ length: burst }, (_, i) => t.api('POST', '/api/interactions', { body: { id: `b-${i}`, channel: 'chat', groupId: 'ipva-n1' } })),
    );
    const update = await board.next((m) => m.type === 'queues' && m.queues.some((q: { groupId: string; channel: string; waiting: number }) => q.groupId === 'ipva-n1' && q.channel === 'chat' && q.waiting === burst));
    expect(update.at).toEqual(expect.any(String));
    const queueUpdates = board.received.filter((m) => m.type === 'queues').length + 1;
    expect(queueUpdates).toBeLessThan(burst);

    await t.api('PUT', '/api/agents/ana/state', { body: { state: 'available' } });
    const agents = await board.next((m) => m.type === 'agents' && m.agents.some((a: { id: string; presence: string }) => a.id === 'ana' && a.presence === 'available'));
    // Only what changed travels: bruno and carla did not.
    expect(agents.agents.map((a: { id: string }) => a.id)).toEqual(['ana']);
    expect(agents.removed).toEqual([]);
    await board.close();
  });

  it('sends later agents updates with only the agents that changed, and a new board the whole list', async () => {
    const first = await TestSocket.open(`${t.ws}/ws/board?token=${ADMIN}`);
    await first.nextOfType('snapshot');
    await t.api('PUT', '/api/agents/bruno/state', { body: { state: 'paused', reason: 'Almoço' } });
    const paused = await first.next((m) => m.type === 'agents' && m.agents.some((a: { id: string; presence: string }) => a.id === 'bruno' && a.presence === 'paused'));
    expect(paused.agents.map((a: { id: string }) => a.id)).toEqual(['bruno']);
    expect(paused.agents[0]).toMatchObject({ id: 'bruno', presence: 'paused', reason: 'Almoço', name: expect.any(String), groups: expect.any(Array) });

    // A board opened now starts from every agent, with bruno's pause in it.
    const second = await TestSocket.open(`${t.ws}/ws/board?token=${ADMIN}`);
    const snapshot = await second.nextOfType('snapshot');
    expect(snapshot.agents.map((a: { id: string }) => a.id).sort()).toEqual(['ana', 'bruno', 'carla']);
    expect(snapshot.agents.find((a: { id: string }) => a.id === 'bruno')).toMatchObject({ presence: 'paused', reason: 'Almoço' });

    // Both boards then get carla alone; nobody gets bruno again.
    await t.api('PUT', '/api/agents/carla/state', { body: { state: 'available' } });
    for (const board of [first, second]) {
      const update = await board.next((m) => m.type === 'agents' && m.agents.some((a: { id: string }) => a.id === 'carla'));
      expect(update.agents.map((a: { id: string }) => a.id)).toEqual(['carla']);
    }
    // (next() takes the messages it matched: what is left are the other updates.)
    const mentionsBruno = (board: TestSocket) => board.received.some((m) => m.type === 'agents' && m.agents.some((a: { id: string }) => a.id === 'bruno'));
    expect(mentionsBruno(first)).toBe(false);
    expect(mentionsBruno(second)).toBe(false);
    await first.close();
    await second.close();
  });

  it('accepts the admin token as a query parameter', async () => {
    const board = await TestSocket.open(`${t.ws}/ws/board?token=${ADMIN}`);
    expect((await board.nextOfType('snapshot')).type).toBe('snapshot');
    await board.close();
  });
});

describe('agents updates after events that name no agent', () => {
  it('still carry the agent whose offer a citizen abandoned', async () => {
    const t = await startTestServer({ boardIntervalMs: 20 });
    try {
      await configureBasics(t);
      await t.api('PUT', '/api/agents/bruno/state', { body: { state: 'available' } });
      const board = await TestSocket.open(`${t.ws}/ws/board?token=${ADMIN}`);
      await board.nextOfType('snapshot');
      expect((await t.api('POST', '/api/interactions', { body: { id: 'desiste', channel: 'chat', groupId: 'ipva-n1' } })).status).toBe(201);
      const offered = await board.next((m) => m.type === 'agents' && m.agents.some((a: { id: string; offers: string[] }) => a.id === 'bruno' && a.offers.includes('desiste')));
      expect(offered.agents.map((a: { id: string }) => a.id)).toEqual(['bruno']);
      // interaction.abandoned names the session only; bruno's offer is gone all the same.
      expect((await t.api('POST', '/api/interactions/desiste/abandon')).status).toBe(200);
      const abandoned = await board.next((m) => m.type === 'agents' && m.agents.some((a: { id: string; offers: string[] }) => a.id === 'bruno' && a.offers.length === 0));
      expect(abandoned.agents.map((a: { id: string }) => a.id)).toEqual(['bruno']);
      await board.close();
    } finally {
      await t.close();
    }
  });
});

describe('a slow board subscriber', () => {
  it('is dropped once its unsent backlog passes the limit, and the others keep receiving', async () => {
    const t = await startTestServer({ boardIntervalMs: 5, boardBufferLimitBytes: 512 * 1024 });
    try {
      // Agents in a hundred groups are large (~5 KB each), so even updates that carry only the
      // agents that changed add up fast for a reader that stops reading.
      const groups = Array.from({ length: 100 }, (_, g) => ({ groupId: `g${g}`, proficiency: 3 }));
      for (const { groupId } of groups) await t.api('PUT', `/api/groups/${groupId}`, { body: { name: groupId, level: 1, slaSeconds: 60 } });
      const agents = 40;
      for (let i = 0; i < agents; i++) {
        await t.api('PUT', `/api/agents/a${i}`, { body: { name: `Agente ${i} ${'x'.repeat(100)}`, groups, capacity: { chat: 1 } } });
      }
      const slow = await TestSocket.open(`${t.ws}/ws/board?token=${ADMIN}`);
      const healthy = await TestSocket.open(`${t.ws}/ws/board?token=${ADMIN}`);
      await slow.nextOfType('snapshot');
      await healthy.nextOfType('snapshot');
      slow.pause();
      const dropped = async () => Number(/^atende_board_subscribers_dropped_total (\d+)$/m.exec((await t.api('GET', '/metrics', { token: null })).body)?.[1]);
      let i = 0;
      while ((await dropped()) === 0 && i < 2_000) {
        await t.api('PUT', `/api/agents/a${i % agents}/state`, { body: { state: Math.floor(i / agents) % 2 === 0 ? 'available' : 'paused' } });
        i++;
      }
      expect(await dropped()).toBe(1);
      const metrics = await t.api('GET', '/metrics', { token: null });
      expect(metrics.body).toMatch(/^atende_ws_connections\{socket="board"\} 1$/m);
      slow.resume();
      expect((await slow.waitClosed(15_000)).code).toBe(1013);
      await t.api('PUT', '/api/agents/a0/state', { body: { state: 'offline' } });
      expect(await healthy.next((m) => m.type === 'agents' && m.agents.some((a: { id: string; presence: string }) => a.id === 'a0' && a.presence === 'offline'))).toBeTruthy();
      await healthy.close();
    } finally {
      await t.close();
    }
  });
});
