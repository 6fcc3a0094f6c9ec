import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DbError,
  deleteHoliday,
  getGroup,
  listBusinessHours,
  listGroups,
  listPauseReasons,
  listUnits,
  upsertBusinessHours,
  upsertGroup,
  upsertHoliday,
  upsertPauseReason,
  upsertUnit,
} from '../src/index.js';
import { ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

describe.each(ENGINES)('organization repositories on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('round-trips units with the default time zone', async () => {
    const tenant = uniqueTenant();
    await upsertUnit(database.db, { id: `${tenant}-centro`, tenant, name: 'Centro' });
    await upsertUnit(database.db, { id: `${tenant}-norte`, tenant, name: 'Norte', timezone: 'America/Manaus' });
    await upsertUnit(database.db, { id: `${tenant}-centro`, tenant, name: 'Centro (novo)' });

    const stored = await listUnits(database.db, { tenant });
    expect(stored.map(({ id, name, timezone }) => ({ id, name, timezone }))).toEqual([
      { id: `${tenant}-centro`, name: 'Centro (novo)', timezone: 'America/Sao_Paulo' },
      { id: `${tenant}-norte`, name: 'Norte', timezone: 'America/Manaus' },
    ]);
  });

  it('round-trips business hours with their weekly schedule and holidays', async () => {
    const tenant = uniqueTenant();
    const id = `${tenant}-comercial`;
    const weekly = [
      { weekday: 1 as const, open: '08:00', close: '12:00' },
      { weekday: 1 as const, open: '13:00', close: '18:00' },
      { weekday: 5 as const, open: '08:00', close: '14:00' },
    ];
    const saved = await upsertBusinessHours(database.db, {
      id,
      tenant,
      name: 'Horário comercial',
      weekly,
      holidays: [
        { date: '2025-12-25', name: 'Natal' },
        { date: '2025-01-01', name: 'Confraternização Universal' },
      ],
    });
    expect(saved.timezone).toBe('America/Sao_Paulo');
    expect(saved.holidays.map((holiday) => holiday.date)).toEqual(['2025-01-01', '2025-12-25']);

    await upsertHoliday(database.db, { hoursId: id, date: '2025-11-20', name: 'Consciência Negra' });
    await upsertHoliday(database.db, { hoursId: id, date: '2025-12-25', name: 'Natal (renamed)' });
    expect(await deleteHoliday(database.db, id, '2025-01-01')).toBe(true);
    expect(await deleteHoliday(database.db, id, '2025-01-01')).toBe(false);

    const [stored] = await listBusinessHours(database.db, { tenant });
    expect(stored).toMatchObject({ id, name: 'Horário comercial', weekly });
    expect(stored!.holidays).toEqual([
      { date: '2025-11-20', name: 'Consciência Negra' },
      { date: '2025-12-25', name: 'Natal (renamed)' },
    ]);

    // Upserting without `holidays` keeps them; an empty list clears them.
    await upsertBusinessHours(database.db, { id, tenant, name: 'Comercial', weekly: [] });
    expect((await listBusinessHours(database.db, { tenant }))[0]!.holidays).toHaveLength(2);
    const cleared = await upsertBusinessHours(database.db, { id, tenant, name: 'Comercial', weekly: [], holidays: [] });
    expect(cleared.holidays).toEqual([]);
  });

  it('round-trips groups, resetting omitted fields to their defaults on upsert', async () => {
    const tenant = uniqueTenant();
    await upsertBusinessHours(database.db, { id: `${tenant}-h`, tenant, name: 'H', weekly: [] });
    await upsertUnit(database.db, { id: `${tenant}-u`, tenant, name: 'U' });
    await upsertGroup(database.db, { id: `${tenant}-n2`, tenant, name: 'Suporte N2', level: 2 });
    const full = await upsertGroup(database.db, {
      id: `${tenant}-n1`,
      tenant,
      name: 'Suporte N1',
      tema: 'Saúde',
      categoria: 'Agendamento',
      level: 1,
      slaSeconds: 120,
      strategy: 'longest-idle',
      overflowAfterSeconds: 300,
      overflowGroupId: `${tenant}-n2`,
      hoursId: `${tenant}-h`,
      wrapUpSeconds: 30,
      unitId: `${tenant}-u`,
    });
    expect(full).toMatchObject({ tema: 'Saúde', strategy: 'longest-idle', overflowGroupId: `${tenant}-n2` });
    expect(full.createdAt).toBeInstanceOf(Date);

    const replaced = await upsertGroup(database.db, { id: `${tenant}-n1`, tenant, name: 'Suporte N1' });
    expect(replaced).toMatchObject({
      name: 'Suporte N1',
      tema: null,
      level: 1,
      slaSeconds: 60,
      strategy: 'equal',
      overflowGroupId: null,
      hoursId: null,
      wrapUpSeconds: 0,
    });
    expect(replaced.createdAt).toEqual(full.createdAt);
    expect(await getGroup(database.db, `${tenant}-n1`)).toEqual(replaced);
    expect((await listGroups(database.db, { tenant })).map((group) => group.id)).toEqual([
      `${tenant}-n1`,
      `${tenant}-n2`,
    ]);
    expect(await listGroups(database.db, { tenant: uniqueTenant() })).toEqual([]);
  });

  it('rejects a group level outside 1..3', async () => {
    const tenant = uniqueTenant();
    await expect(
      upsertGroup(database.db, { id: `${tenant}-bad`, tenant, name: 'Bad', level: 4 as 1 }),
    ).rejects.toThrow();
  });

  it("refuses to take over another tenant's group id", async () => {
    const owner = uniqueTenant();
    await upsertGroup(database.db, { id: `${owner}-shared`, tenant: owner, name: 'Mine' });
    const attempt = upsertGroup(database.db, { id: `${owner}-shared`, tenant: uniqueTenant(), name: 'Theirs' });
    await expect(attempt).rejects.toBeInstanceOf(DbError);
    await expect(attempt).rejects.toMatchObject({ code: 'id_taken' });
    expect((await getGroup(database.db, `${owner}-shared`))!.name).toBe('Mine');
  });

  it('round-trips pause reasons', async () => {
    const tenant = uniqueTenant();
    await upsertPauseReason(database.db, { id: `${tenant}-almoco`, tenant, label: 'Almoço' });
    await upsertPauseReason(database.db, { id: `${tenant}-treino`, tenant, label: 'Treinamento' });
    await upsertPauseReason(database.db, { id: `${tenant}-almoco`, tenant, label: 'Intervalo de almoço' });
    expect(await listPauseReasons(database.db, { tenant })).toEqual([
      { id: `${tenant}-almoco`, tenant, label: 'Intervalo de almoço' },
      { id: `${tenant}-treino`, tenant, label: 'Treinamento' },
    ]);
  });
});
