// Sessions over REST: idempotent create, the offer → accept → end → wrap-up flow with a
// tabulation, reject, abandon, transfer and escalation, listing, and every conflict answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configureBasics, loginAs, setAvailable, startTestServer, type TestServer } from './helpers.js';

describe('sessions', () => {
  let t: TestServer;
  let ana: string;
  let bruno: string;
  let supervisor: string;
  let n = 0;
  const id = () => `s-${++n}`;

  beforeAll(async () => {
    t = await startTestServer();
    await configureBasics(t, { wrapUpSeconds: 600 });
    ana = await loginAs(t, 'ana', 'agent', 'ana');
    bruno = await loginAs(t, 'bruno', 'agent', 'bruno');
    supervisor = await loginAs(t, 'sup', 'supervisor');
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    // Every test starts with agents offline and nothing waiting or in service, so offers go where it says.
    for (const agent of ['ana', 'bruno', 'carla']) await t.api('PUT', `/api/agents/${agent}/state`, { body: { state: 'offline' } });
    for (const [state, command] of [['queued', 'abandon'], ['active', 'end'], ['wrapup', 'wrapup']] as const) {
      const page = await t.api('GET', `/api/interactions?state=${state}&limit=500`);
      for (const item of page.body.items) await t.api('POST', `/api/interactions/${item.id}/${command}`);
    }
  });

  it('creates a queued session with its contact and data, and reads it back', async () => {
    const created = await t.api('POST', '/api/interactions', {
      body: { id: 'contato-1', channel: 'whatsapp', groupId: 'ipva-n1', priority: 2, contact: { name: 'José Silva', cpf: '12345678909' }, data: { placa: 'ABC1D23' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'contato-1', state: 'queued', channel: 'whatsapp', groupId: 'ipva-n1', priority: 2, data: { placa: 'ABC1D23' } });
    expect(created.body.contactId).toEqual(expect.any(String));
    expect(Date.parse(created.body.waitingSince)).not.toBeNaN();
    const read = await t.api('GET', '/api/interactions/contato-1');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'contato-1', state: 'queued', waitingSince: created.body.waitingSince, waitSeconds: expect.any(Number) });
  });

  it('generates an id when none is given', async () => {
    const created = await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'itcd-n1' } });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 200 with the existing session when the same id is created again, even concurrently', async () => {
    const sid = id();
    const [a, b] = await Promise.all([
      t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'ipva-n1' } }),
      t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'ipva-n1' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const again = await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'phone', groupId: 'itcd-n1' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: sid, channel: 'chat', groupId: 'ipva-n1' });
  });

  it('runs offer → accept → end → wrap-up with a tabulation, and keeps the finished session readable', async () => {
    await setAvailable(t, 'ana');
    const sid = id();
    const created = await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'ipva-n1' } });
    expect(created.body).toMatchObject({ state: 'offered', agentId: 'ana', offerExpiresAt: expect.any(String) });

    const accepted = await t.api('POST', `/api/interactions/${sid}/accept`, { token: ana });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'active', agentId: 'ana', acceptedAt: expect.any(String) });

    const ended = await t.api('POST', `/api/interactions/${sid}/end`, { token: ana });
    expect(ended.body).toMatchObject({ state: 'wrapup', wrapUpUntil: expect.any(String) });

    const tabulation = { tema: 'IPVA', categoria: 'Pagamento', outcome: 'Resolvido' };
    const wrapped = await t.api('POST', `/api/interactions/${sid}/wrapup`, { token: ana, body: tabulation });
    expect(wrapped.status).toBe(200);
    expect(wrapped.body).toMatchObject({ state: 'ended', agentId: 'ana', tabulation, endedAt: expect.any(String) });

    const read = await t.api('GET', `/api/interactions/${sid}`, { token: supervisor });
    expect(read.body).toMatchObject({ state: 'ended', tabulation, waitSeconds: expect.any(Number) });
    expect((await t.api('GET', '/api/agents/ana')).body.load.chat).toBe(0);
  });

  it('refuses commands on a session in the wrong state with 409', async () => {
    await setAvailable(t, 'ana');
    const sid = id();
    await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'itcd-n1' } });
    const endOffered = await t.api('POST', `/api/interactions/${sid}/end`, { token: ana });
    expect(endOffered.status).toBe(409);
    expect(endOffered.body.error.code).toBe('invalid_state');
    expect((await t.api('POST', `/api/interactions/${sid}/wrapup`, { token: ana })).body.error.code).toBe('invalid_state');
    await t.api('POST', `/api/interactions/${sid}/accept`, { token: ana });
    const again = await t.api('POST', `/api/interactions/${sid}/accept`, { token: ana });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('no_offer');
    await t.api('POST', `/api/interactions/${sid}/end`, { token: ana });
    await t.api('POST', `/api/interactions/${sid}/wrapup`, { token: ana });
    const finished = await t.api('POST', `/api/interactions/${sid}/end`, { token: ana });
    expect(finished.status).toBe(409);
    expect(finished.body.error.details.state).toBe('ended');
    const late = await t.api('POST', `/api/interactions/${sid}/wrapup`, { token: ana, body: { outcome: 'Tabulado depois' } });
    expect(late.status).toBe(200);
    expect(late.body.tabulation).toEqual({ outcome: 'Tabulado depois' });
  });

  it('answers 404 for unknown sessions on every command', async () => {
    for (const command of ['accept', 'reject', 'end', 'wrapup', 'abandon', 'transfer']) {
      const answer = await t.api('POST', `/api/interactions/nope/${command}`, { body: command === 'transfer' ? { groupId: 'ipva-n2' } : undefined });
      expect(answer.status, command).toBe(404);
      expect(answer.body.error.code).toBe('unknown_interaction');
    }
    expect((await t.api('GET', '/api/interactions/nope')).status).toBe(404);
    expect((await t.api('GET', '/api/interactions/nope/messages')).status).toBe(404);
    expect((await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'nope' } })).status).toBe(404);
  });

  it('lets only the offered agent accept (403 for another agent, 409 no_offer for the admin naming one)', async () => {
    await setAvailable(t, 'ana');
    const sid = id();
    await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'itcd-n1' } });
    const stolen = await t.api('POST', `/api/interactions/${sid}/accept`, { token: bruno });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.code).toBe('no_offer');
    const asOther = await t.api('POST', `/api/interactions/${sid}/accept`, { token: bruno, body: { agentId: 'ana' } });
    expect(asOther.status).toBe(403);
    expect((await t.api('POST', `/api/interactions/${sid}/accept`, { token: supervisor })).status).toBe(403);
    expect((await t.api('GET', `/api/interactions/${sid}`, { token: bruno })).status).toBe(403);
    expect((await t.api('GET', `/api/interactions/${sid}`, { token: ana })).status).toBe(200);
    // The admin acts as the agent holding the offer when it names none.
    expect((await t.api('POST', `/api/interactions/${sid}/accept`)).body).toMatchObject({ state: 'active', agentId: 'ana' });
    const notYours = await t.api('POST', `/api/interactions/${sid}/end`, { token: bruno });
    expect(notYours.status).toBe(403);
    expect(notYours.body.error.code).toBe('not_your_session');
  });

  it('puts a rejected session back in the queue and offers it to the next agent', async () => {
    await setAvailable(t, 'ana');
    const sid = id();
    await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'ipva-n1' } });
    await setAvailable(t, 'bruno');
    const rejected = await t.api('POST', `/api/interactions/${sid}/reject`, { token: ana });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ state: 'offered', agentId: 'bruno' });
  });

  it('abandons a waiting session (admin only) and refuses to abandon an active one', async () => {
    const sid = id();
    await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'phone', groupId: 'ipva-n1' } });
    expect((await t.api('POST', `/api/interactions/${sid}/abandon`, { token: ana })).status).toBe(403);
    const abandoned = await t.api('POST', `/api/interactions/${sid}/abandon`);
    expect(abandoned.body).toMatchObject({ state: 'abandoned', waitSeconds: expect.any(Number) });
    expect((await t.api('GET', `/api/interactions/${sid}`)).body.state).toBe('abandoned');

    await setAvailable(t, 'carla');
    const active = id();
    await t.api('POST', '/api/interactions', { body: { id: active, channel: 'phone', groupId: 'ipva-n1' } });
    await t.api('POST', `/api/interactions/${active}/accept`);
    const refused = await t.api('POST', `/api/interactions/${active}/abandon`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_state');
    await t.api('POST', `/api/interactions/${active}/end`);
  });

  it('escalates to the next level, transfers to a group or an agent, and refuses bad targets', async () => {
    await setAvailable(t, 'ana');
    const sid = id();
    await t.api('POST', '/api/interactions', { body: { id: sid, channel: 'chat', groupId: 'ipva-n1' } });
    await t.api('POST', `/api/interactions/${sid}/accept`, { token: ana });
    expect((await t.api('POST', `/api/interactions/${sid}/transfer`, { token: ana, body: {} })).status).toBe(400);
    expect((await t.api('POST', `/api/interactions/${sid}/transfer`, { token: ana, body: { groupId: 'a', agentId: 'b' } })).status).toBe(400);
    expect((await t.api('POST', `/api/interactions/${sid}/transfer`, { token: bruno, body: { nextLevel: true } })).status).toBe(403);
    const escalated = await t.api('POST', `/api/interactions/${sid}/transfer`, { token: ana, body: { nextLevel: true } });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({ groupId: 'ipva-n2', state: 'queued' });
    const top = await t.api('POST', `/api/interactions/${sid}/transfer`, { body: { nextLevel: true } });
    expect(top.status).toBe(409);
    expect(top.body.error.code).toBe('no_next_level');
    const offline = await t.api('POST', `/api/interactions/${sid}/transfer`, { body: { agentId: 'carla' } });
    expect(offline.status).toBe(409);
    expect(offline.body.error.code).toBe('agent_unavailable');
    expect((await t.api('POST', `/api/interactions/${sid}/transfer`, { body: { groupId: 'nope' } })).status).toBe(404);
    const moved = await t.api('POST', `/api/interactions/${sid}/transfer`, { body: { groupId: 'itcd-n1' } });
    expect(moved.body).toMatchObject({ groupId: 'itcd-n1' });
  });

  it('lists sessions newest first with filters and a cursor, finished ones included', async () => {
    const page1 = await t.api('GET', '/api/interactions?limit=2', { token: supervisor });
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t.api('GET', `/api/interactions?limit=2&cursor=${page1.body.nextCursor}`, { token: supervisor });
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const ended = await t.api('GET', '/api/interactions?state=ended', { token: supervisor });
    expect(ended.body.items.length).toBeGreaterThan(0);
    expect(ended.body.items.every((i: { state: string }) => i.state === 'ended')).toBe(true);
    const phone = await t.api('GET', '/api/interactions?channel=phone&groupId=ipva-n1', { token: supervisor });
    expect(phone.body.items.every((i: { channel: string }) => i.channel === 'phone')).toBe(true);
    // An agent lists only its own sessions.
    const own = await t.api('GET', '/api/interactions', { token: ana });
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((i: { agentId?: string }) => i.agentId === 'ana')).toBe(true);
    expect((await t.api('GET', '/api/interactions?agentId=bruno', { token: ana })).status).toBe(403);
  });

  it('reports queues and fairness', async () => {
    const queues = await t.api('GET', '/api/queues');
    const phone = queues.body.find((q: { groupId: string; channel: string }) => q.groupId === 'ipva-n1' && q.channel === 'phone');
    expect(phone).toMatchObject({ waiting: 0, handled: 1, agents: { available: 0, busy: 0, paused: 0, offline: 1 } });
    expect(phone.abandoned).toBeGreaterThanOrEqual(1);
    expect((await t.api('GET', '/api/queues?groupId=nope')).status).toBe(404);
    const fairness = await t.api('GET', '/api/fairness?groupId=ipva-n1');
    expect(fairness.body).toMatchObject({ groupId: 'ipva-n1', sessionsPerAgent: { ana: expect.any(Number) }, gini: expect.any(Number) });
    expect((await t.api('GET', '/api/fairness')).body).toHaveLength(3);
    expect((await t.api('GET', '/api/fairness?groupId=nope')).status).toBe(404);
  });
});
