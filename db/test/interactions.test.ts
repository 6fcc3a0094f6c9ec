import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DbError,
  getContact,
  getInteraction,
  listInteractions,
  upsertContact,
  upsertInteraction,
  upsertInteractions,
  type Channel,
  type InteractionState,
} from '../src/index.js';
import { ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

describe.each(ENGINES)('interaction repositories on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('inserts an interaction and patches only the fields given on later upserts', async () => {
    const tenant = uniqueTenant();
    const id = `${tenant}-i1`;
    const createdAt = new Date('2025-05-01T10:00:00.123Z');
    const inserted = await upsertInteraction(database.db, {
      id,
      tenant,
      channel: 'whatsapp',
      groupId: 'g1',
      state: 'queued',
      priority: 3,
      legalPriority: true,
      data: { menu: '2' },
      createdAt,
    });
    expect(inserted).toMatchObject({ state: 'queued', agentId: null, priority: 3, legalPriority: true, createdAt });

    const offeredAt = new Date('2025-05-01T10:00:30.456Z');
    await upsertInteraction(database.db, { id, channel: 'whatsapp', groupId: 'g1', state: 'offered', agentId: 'a1', offeredAt, tenant });
    const endedAt = new Date('2025-05-01T10:10:00.000Z');
    await upsertInteraction(database.db, {
      id,
      tenant,
      channel: 'whatsapp',
      groupId: 'g1',
      state: 'ended',
      endedAt,
      waitSeconds: 30,
      tabulation: { motivo: 'informação' },
      createdAt: new Date(0),
    });

    const stored = await getInteraction(database.db, id);
    expect(stored).toMatchObject({
      state: 'ended',
      agentId: 'a1',
      priority: 3,
      legalPriority: true,
      data: { menu: '2' },
      createdAt,
      offeredAt,
      acceptedAt: null,
      endedAt,
      waitSeconds: 30,
      tabulation: { motivo: 'informação' },
    });
    expect(await getInteraction(database.db, `${tenant}-missing`)).toBeUndefined();
  });

  it("refuses to overwrite another tenant's interaction", async () => {
    const owner = uniqueTenant();
    const id = `${owner}-mine`;
    await upsertInteraction(database.db, { id, tenant: owner, channel: 'chat', groupId: 'g', state: 'queued' });
    await expect(
      upsertInteraction(database.db, { id, tenant: uniqueTenant(), channel: 'chat', groupId: 'g', state: 'ended' }),
    ).rejects.toBeInstanceOf(DbError);
    expect((await getInteraction(database.db, id))!.state).toBe('queued');
  });

  describe('listing', () => {
    const tenant = uniqueTenant();
    const channels: Channel[] = ['chat', 'whatsapp', 'phone'];
    const states: InteractionState[] = ['queued', 'active', 'ended'];
    const base = Date.UTC(2025, 5, 1);
    // 30 interactions; pairs share a created_at so the id must break ties.
    const all = Array.from({ length: 30 }, (_, index) => ({
      id: `${tenant}-${String(index).padStart(2, '0')}`,
      tenant,
      channel: channels[index % 3]!,
      state: states[Math.floor(index / 10)]!,
      groupId: index % 2 === 0 ? 'even' : 'odd',
      createdAt: new Date(base + Math.floor(index / 2) * 1_000),
    }));
    const newestFirst = [...all].reverse().map((interaction) => interaction.id);

    beforeAll(async () => {
      for (const interaction of all) await upsertInteraction(database.db, interaction);
      await upsertInteraction(database.db, { ...all[0]!, id: `${uniqueTenant()}-other`, tenant: uniqueTenant() });
    });

    it('lists newest first and walks every page with the cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listInteractions(database.db, { tenant, limit: 7, cursor });
        seen.push(...page.items.map((interaction) => interaction.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(seen).toEqual(newestFirst);
      expect(pages).toBe(5);
    });

    it('filters by state, channel and group together with the cursor', async () => {
      const expected = all
        .filter((interaction) => interaction.state === 'ended' && interaction.channel === 'chat')
        .reverse()
        .map((interaction) => interaction.id);
      const first = await listInteractions(database.db, { tenant, state: 'ended', channel: 'chat', limit: 2 });
      expect(first.items.map((interaction) => interaction.id)).toEqual(expected.slice(0, 2));
      const second = await listInteractions(database.db, {
        tenant,
        state: 'ended',
        channel: 'chat',
        limit: 2,
        cursor: first.nextCursor!,
      });
      expect([...first.items, ...second.items].map((interaction) => interaction.id)).toEqual(expected);
      expect(second.nextCursor).toBeNull();

      const odd = await listInteractions(database.db, { tenant, groupId: 'odd', limit: 100 });
      expect(odd.items.map((interaction) => interaction.id)).toEqual(
        all.filter((interaction) => interaction.groupId === 'odd').reverse().map((interaction) => interaction.id),
      );
      expect(odd.nextCursor).toBeNull();
    });

    it('returns an empty page for an unknown cursor and clamps the page size', async () => {
      expect((await listInteractions(database.db, { tenant, cursor: 'no-such-id' })).items).toEqual([]);
      expect((await listInteractions(database.db, { tenant, limit: 0 })).items).toHaveLength(1);
      expect((await listInteractions(database.db, { tenant })).items).toHaveLength(30);
    });
  });

  it('round-trips contacts, clearing omitted fields on upsert', async () => {
    const tenant = uniqueTenant();
    const created = await upsertContact(database.db, {
      tenant,
      name: 'José',
      cpf: '12345678909',
      phone: '+5561999990000',
    });
    expect(await getContact(database.db, created.id)).toMatchObject({ name: 'José', cpf: '12345678909', email: null });
    const updated = await upsertContact(database.db, { id: created.id, tenant, email: 'jose@example.org' });
    expect(updated).toMatchObject({ name: null, cpf: null, phone: null, email: 'jose@example.org' });
  });

  it('writes many whole rows in one statement, replacing all but the identity and creation time', async () => {
    const tenant = uniqueTenant();
    const createdAt = new Date('2025-06-01T12:00:00.000Z');
    const row = (id: string, state: InteractionState, agentId: string | null) => ({
      id: `${tenant}-${id}`,
      tenant,
      channel: 'chat' as Channel,
      groupId: 'g1',
      state,
      agentId,
      priority: 0,
      legalPriority: false,
      contactId: null,
      data: {},
      createdAt,
      offeredAt: null,
      acceptedAt: null,
      endedAt: null,
      waitSeconds: null,
      tabulation: null,
    });
    await upsertInteractions(database.db, [row('x', 'queued', null), row('y', 'queued', null)]);
    await upsertInteractions(database.db, [
      { ...row('x', 'active', 'a1'), createdAt: new Date('2030-01-01T00:00:00.000Z'), waitSeconds: 12 },
      { ...row('y', 'ended', 'a2'), tabulation: { tema: 'IPVA' } },
    ]);
    expect(await getInteraction(database.db, `${tenant}-x`)).toMatchObject({ state: 'active', agentId: 'a1', waitSeconds: 12, createdAt });
    expect(await getInteraction(database.db, `${tenant}-y`)).toMatchObject({ state: 'ended', tabulation: { tema: 'IPVA' } });
    await upsertInteractions(database.db, []);
  });
});
