import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getAgent,
  listAgents,
  listAgentStateHistory,
  recordAgentState,
  upsertAgent,
  upsertGroup,
} from '../src/index.js';
import { ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

describe.each(ENGINES)('agent repositories on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  async function groupsFor(tenant: string) {
    for (const name of ['a', 'b', 'c']) await upsertGroup(database.db, { id: `${tenant}-${name}`, tenant, name });
    return { a: `${tenant}-a`, b: `${tenant}-b`, c: `${tenant}-c` };
  }

  it('round-trips an agent with capacity and skills', async () => {
    const tenant = uniqueTenant();
    const group = await groupsFor(tenant);
    const saved = await upsertAgent(database.db, {
      id: `${tenant}-maria`,
      tenant,
      name: 'Maria',
      capacity: { chat: 3, whatsapp: 3, phone: 1 },
      voiceExcludesChat: true,
      skills: [
        { groupId: group.b, proficiency: 2 },
        { groupId: group.a, proficiency: 5 },
      ],
    });
    expect(saved.skills).toEqual([
      { groupId: group.a, proficiency: 5 },
      { groupId: group.b, proficiency: 2 },
    ]);

    const stored = await getAgent(database.db, `${tenant}-maria`);
    expect(stored).toMatchObject({
      name: 'Maria',
      capacity: { chat: 3, whatsapp: 3, phone: 1 },
      voiceExcludesChat: true,
      skills: saved.skills,
    });
  });

  it('replaces the whole skill set on upsert and lists agents with their skills', async () => {
    const tenant = uniqueTenant();
    const group = await groupsFor(tenant);
    await upsertAgent(database.db, {
      id: `${tenant}-joao`,
      tenant,
      name: 'João',
      capacity: { chat: 2 },
      skills: [
        { groupId: group.a, proficiency: 3 },
        { groupId: group.b, proficiency: 3 },
      ],
    });
    await upsertAgent(database.db, {
      id: `${tenant}-joao`,
      tenant,
      name: 'João Silva',
      capacity: { presencial: 1 },
      skills: [{ groupId: group.c, proficiency: 4 }],
    });
    await upsertAgent(database.db, { id: `${tenant}-ana`, tenant, name: 'Ana', capacity: {}, skills: [] });

    const agents = await listAgents(database.db, { tenant });
    expect(agents.map(({ id, name, capacity, voiceExcludesChat, skills }) => ({ id, name, capacity, voiceExcludesChat, skills }))).toEqual([
      { id: `${tenant}-ana`, name: 'Ana', capacity: {}, voiceExcludesChat: false, skills: [] },
      {
        id: `${tenant}-joao`,
        name: 'João Silva',
        capacity: { presencial: 1 },
        voiceExcludesChat: false,
        skills: [{ groupId: group.c, proficiency: 4 }],
      },
    ]);
  });

  it('rejects a proficiency outside 1..5 and keeps the previous skills', async () => {
    const tenant = uniqueTenant();
    const group = await groupsFor(tenant);
    const id = `${tenant}-x`;
    await upsertAgent(database.db, { id, tenant, name: 'X', capacity: {}, skills: [{ groupId: group.a, proficiency: 1 }] });
    await expect(
      upsertAgent(database.db, { id, tenant, name: 'X2', capacity: {}, skills: [{ groupId: group.b, proficiency: 6 }] }),
    ).rejects.toThrow();
    const stored = await getAgent(database.db, id);
    expect(stored).toMatchObject({ name: 'X', skills: [{ groupId: group.a, proficiency: 1 }] });
  });

  it('returns undefined for an unknown agent', async () => {
    expect(await getAgent(database.db, 'nobody')).toBeUndefined();
  });

  it('records agent states and lists them newest first', async () => {
    const tenant = uniqueTenant();
    const agentId = `${tenant}-a1`;
    const start = Date.UTC(2025, 0, 1, 12);
    await recordAgentState(database.db, { agentId, tenant, state: 'available', at: start });
    await recordAgentState(database.db, { agentId, tenant, state: 'paused', reason: 'almoco', at: start + 60_000 });
    await recordAgentState(database.db, { agentId, tenant, state: 'available', at: new Date(start + 120_000) });

    const history = await listAgentStateHistory(database.db, agentId);
    expect(history.map(({ state, reason, at }) => ({ state, reason, at: at.getTime() }))).toEqual([
      { state: 'available', reason: null, at: start + 120_000 },
      { state: 'paused', reason: 'almoco', at: start + 60_000 },
      { state: 'available', reason: null, at: start },
    ]);
    const recent = await listAgentStateHistory(database.db, agentId, { since: new Date(start + 60_000), limit: 1 });
    expect(recent.map((record) => record.state)).toEqual(['available']);
  });
});
