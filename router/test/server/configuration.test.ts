// Agency configuration over REST: groups, agents, business hours (and group_closed), units,
// pause reasons; validation and the core's refusals mapped to 400/404/409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureBasics, startTestServer, type TestServer } from './helpers.js';

describe('configuration', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    await configureBasics(t);
  });
  afterAll(() => t?.close());

  it('creates and lists groups with their live queue figures', async () => {
    const put = await t.api('PUT', '/api/groups/geral', {
      body: { name: 'Atendimento Geral', tema: 'Geral', categoria: 'Informações', level: 1, slaSeconds: 45, strategy: 'longest-idle' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'geral', level: 1, strategy: 'longest-idle', wrapUpSeconds: 0, queues: [] });
    const list = await t.api('GET', '/api/groups');
    expect(list.body.map((g: { id: string }) => g.id)).toEqual(['ipva-n1', 'ipva-n2', 'itcd-n1', 'geral']);
    const ipva = list.body.find((g: { id: string }) => g.id === 'ipva-n1');
    expect(ipva.queues.map((q: { channel: string }) => q.channel).sort()).toEqual(['chat', 'phone']);
    expect((await t.api('GET', '/api/groups/geral')).body.slaSeconds).toBe(45);
    expect((await t.api('GET', '/api/groups/nope')).status).toBe(404);
  });

  it('validates groups: bad fields are 400, an unknown overflow group is 404', async () => {
    const bad = await t.api('PUT', '/api/groups/x', { body: { name: '', level: 4, slaSeconds: -1, strategy: 'random' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['name', 'level', 'slaSeconds', 'strategy']));
    const overflow = await t.api('PUT', '/api/groups/x', { body: { name: 'X', level: 1, slaSeconds: 10, overflow: { afterSeconds: 30, groupId: 'missing' } } });
    expect(overflow.status).toBe(404);
    expect(overflow.body.error).toMatchObject({ code: 'unknown_group', details: { groupId: 'missing' } });
    const unknownHours = await t.api('PUT', '/api/groups/x', { body: { name: 'X', level: 1, slaSeconds: 10, hours: 'missing' } });
    expect(unknownHours.status).toBe(404);
    expect(unknownHours.body.error.code).toBe('unknown_hours');
  });

  it('configures agents and lists them with live state; refuses capacity below the current load', async () => {
    const put = await t.api('PUT', '/api/agents/diego', { body: { name: 'Diego', groups: [{ groupId: 'itcd-n1', proficiency: 2 }], capacity: { chat: 1 } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'diego', presence: 'offline', capacity: { chat: 1, phone: 0 } });
    expect((await t.api('PUT', '/api/agents/diego', { body: { name: 'Diego', groups: [{ groupId: 'nope', proficiency: 2 }], capacity: {} } })).status).toBe(404);
    expect((await t.api('PUT', '/api/agents/diego', { body: { name: 'Diego', groups: [{ groupId: 'itcd-n1', proficiency: 9 }], capacity: {} } })).status).toBe(400);

    await t.api('PUT', '/api/agents/diego/state', { body: { state: 'available' } });
    const created = await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'itcd-n1' } });
    await t.api('POST', `/api/interactions/${created.body.id}/accept`, { body: { agentId: 'diego' } });
    const shrink = await t.api('PUT', '/api/agents/diego', { body: { name: 'Diego', groups: [{ groupId: 'itcd-n1', proficiency: 2 }], capacity: { chat: 0 } } });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.code).toBe('capacity_below_load');

    const agents = await t.api('GET', '/api/agents');
    expect(agents.body.find((a: { id: string }) => a.id === 'diego')).toMatchObject({ presence: 'available', load: { chat: 1 }, sessions: [created.body.id] });
    expect((await t.api('GET', '/api/agents/nobody')).status).toBe(404);
  });

  it('changes agent presence with a reason, and 404s an unknown agent', async () => {
    const paused = await t.api('PUT', '/api/agents/ana/state', { body: { state: 'paused', reason: 'Almoço' } });
    expect(paused.body).toMatchObject({ presence: 'paused', reason: 'Almoço' });
    expect((await t.api('PUT', '/api/agents/ana/state', { body: { state: 'sleeping' } })).status).toBe(400);
    expect((await t.api('PUT', '/api/agents/nobody/state', { body: { state: 'available' } })).status).toBe(404);
  });

  it('keeps units and pause reasons', async () => {
    expect((await t.api('PUT', '/api/units/centro', { body: { name: 'Agência Centro' } })).status).toBe(200);
    expect((await t.api('GET', '/api/units')).body).toEqual([{ id: 'centro', name: 'Agência Centro', timeZone: 'America/Sao_Paulo' }]);
    expect((await t.api('PUT', '/api/pause-reasons/cafe', { body: { label: 'Café' } })).status).toBe(200);
    expect((await t.api('GET', '/api/pause-reasons')).body).toEqual([{ id: 'cafe', label: 'Café' }]);
    expect((await t.api('PUT', '/api/pause-reasons/x', { body: {} })).status).toBe(400);
    const withUnit = await t.api('PUT', '/api/agents/eva', { body: { name: 'Eva', groups: [], capacity: {}, unitId: 'centro' } });
    expect(withUnit.body.unitId).toBe('centro');
    expect((await t.api('PUT', '/api/agents/eva', { body: { name: 'Eva', groups: [], capacity: {}, unitId: 'lua' } })).status).toBe(404);
  });

  it('answers 409 group_closed with nextOpenAt outside business hours, and opens when hours change', async () => {
    // Open only on the weekday that is not today (in UTC), so "now" is always closed.
    const today = new Date().getUTCDay();
    const other = (today + 3) % 7;
    const hours = await t.api('PUT', '/api/hours/plantao', {
      body: { name: 'Plantão', timeZone: 'UTC', weekly: [{ weekday: other, open: '09:00', close: '10:00' }], holidays: [{ date: '2030-01-01', name: 'Ano-novo' }] },
    });
    expect(hours.status).toBe(200);
    expect((await t.api('PUT', '/api/groups/noturno', { body: { name: 'Plantão', level: 1, slaSeconds: 60, hours: 'plantao' } })).status).toBe(200);
    const closed = await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'noturno' } });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('group_closed');
    const next = new Date(closed.body.error.details.nextOpenAt);
    expect(next.getUTCDay()).toBe(other);
    expect(next.getUTCHours()).toBe(9);

    const always = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, open: '00:00', close: '24:00' }));
    expect((await t.api('PUT', '/api/hours/plantao', { body: { name: 'Plantão', timeZone: 'UTC', weekly: always } })).status).toBe(200);
    expect((await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'noturno' } })).status).toBe(201);
    expect((await t.api('GET', '/api/hours')).body[0]).toMatchObject({ id: 'plantao', timeZone: 'UTC' });
  });

  it('validates business hours', async () => {
    const bad = await t.api('PUT', '/api/hours/x', { body: { name: 'X', timeZone: 'Mars/Olympus', weekly: [{ weekday: 9, open: '18:00', close: '08:00' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['timeZone', 'weekly.0.weekday']));
  });
});
