// Repositories for the agency's structure: units, business hours with holidays,
// service groups and pause reasons. Upserts have PUT semantics (omitted fields reset).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { columnsExcept, replaceFromExcluded } from './conflict.js';
import { DbError } from './errors.js';
import {
  businessHours,
  groups,
  holidays,
  pauseReasons,
  type RoutingStrategy,
  units,
  type WeeklyHours,
} from './schema/index.js';

export type Unit = typeof units.$inferSelect;
export type BusinessHours = typeof businessHours.$inferSelect;
export type Holiday = typeof holidays.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type PauseReason = typeof pauseReasons.$inferSelect;

export interface TenantFilter {
  /** Defaults to 'default'. */
  tenant?: string;
}

export interface UnitInput {
  id: string;
  tenant?: string;
  name: string;
  timezone?: string;
}

export interface BusinessHoursInput {
  id: string;
  tenant?: string;
  name: string;
  timezone?: string;
  weekly: WeeklyHours[];
  /** When given, replaces the whole holiday list of these hours. */
  holidays?: { date: string; name: string }[];
}

export interface BusinessHoursWithHolidays extends BusinessHours {
  holidays: { date: string; name: string }[];
}

export interface GroupInput {
  id: string;
  tenant?: string;
  name: string;
  tema?: string | null;
  categoria?: string | null;
  level?: 1 | 2 | 3;
  slaSeconds?: number;
  strategy?: RoutingStrategy;
  overflowAfterSeconds?: number | null;
  overflowGroupId?: string | null;
  hoursId?: string | null;
  wrapUpSeconds?: number;
  unitId?: string | null;
}

export interface PauseReasonInput {
  id: string;
  tenant?: string;
  label: string;
}

// Ids are global, so an upsert must not take over a row that belongs to another tenant.
function onlySameTenant(table: typeof units | typeof businessHours | typeof groups | typeof pauseReasons) {
  return eq(table.tenant, sql.raw('excluded."tenant"'));
}

function idTaken(kind: string, id: string): DbError {
  return new DbError('id_taken', `${kind} ${id} belongs to another tenant`);
}

export async function upsertUnit(db: Database, input: UnitInput): Promise<Unit> {
  const [row] = await db
    .insert(units)
    .values(input)
    .onConflictDoUpdate({
      target: units.id,
      set: replaceFromExcluded(units, columnsExcept(units, ['id', 'tenant', 'createdAt'])),
      setWhere: onlySameTenant(units),
    })
    .returning();
  if (!row) throw idTaken('unit', input.id);
  return row;
}

export async function listUnits(db: Database, filter: TenantFilter = {}): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(eq(units.tenant, filter.tenant ?? 'default'))
    .orderBy(asc(units.id));
}

export async function upsertBusinessHours(db: Database, input: BusinessHoursInput): Promise<BusinessHoursWithHolidays> {
  const { holidays: holidayList, ...hours } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(businessHours)
      .values(hours)
      .onConflictDoUpdate({
        target: businessHours.id,
        set: replaceFromExcluded(businessHours, columnsExcept(businessHours, ['id', 'tenant', 'createdAt'])),
        setWhere: onlySameTenant(businessHours),
      })
      .returning();
    if (!row) throw idTaken('business hours', input.id);
    if (holidayList) {
      await tx.delete(holidays).where(eq(holidays.hoursId, row.id));
      if (holidayList.length > 0) {
        await tx.insert(holidays).values(holidayList.map((holiday) => ({ ...holiday, hoursId: row.id })));
      }
    }
    const stored = await tx
      .select({ date: holidays.date, name: holidays.name })
      .from(holidays)
      .where(eq(holidays.hoursId, row.id))
      .orderBy(asc(holidays.date));
    return { ...row, holidays: stored };
  });
}

export async function listBusinessHours(db: Database, filter: TenantFilter = {}): Promise<BusinessHoursWithHolidays[]> {
  const rows = await db
    .select()
    .from(businessHours)
    .where(eq(businessHours.tenant, filter.tenant ?? 'default'))
    .orderBy(asc(businessHours.id));
  if (rows.length === 0) return [];
  const holidayRows = await db
    .select()
    .from(holidays)
    .where(
      inArray(
        holidays.hoursId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(holidays.date));
  return rows.map((row) => ({
    ...row,
    holidays: holidayRows
      .filter((holiday) => holiday.hoursId === row.id)
      .map(({ date, name }) => ({ date, name })),
  }));
}

export async function upsertHoliday(db: Database, holiday: Holiday): Promise<void> {
  await db
    .insert(holidays)
    .values(holiday)
    .onConflictDoUpdate({ target: [holidays.hoursId, holidays.date], set: { name: holiday.name } });
}

export async function deleteHoliday(db: Database, hoursId: string, date: string): Promise<boolean> {
  const deleted = await db
    .delete(holidays)
    .where(and(eq(holidays.hoursId, hoursId), eq(holidays.date, date)))
    .returning({ date: holidays.date });
  return deleted.length > 0;
}

export async function upsertGroup(db: Database, input: GroupInput): Promise<Group> {
  const [row] = await db
    .insert(groups)
    .values(input)
    .onConflictDoUpdate({
      target: groups.id,
      set: replaceFromExcluded(groups, columnsExcept(groups, ['id', 'tenant', 'createdAt'])),
      setWhere: onlySameTenant(groups),
    })
    .returning();
  if (!row) throw idTaken('group', input.id);
  return row;
}

export async function getGroup(db: Database, id: string): Promise<Group | undefined> {
  const [row] = await db.select().from(groups).where(eq(groups.id, id));
  return row;
}

export async function listGroups(db: Database, filter: TenantFilter = {}): Promise<Group[]> {
  return db
    .select()
    .from(groups)
    .where(eq(groups.tenant, filter.tenant ?? 'default'))
    .orderBy(asc(groups.id));
}

export async function upsertPauseReason(db: Database, input: PauseReasonInput): Promise<PauseReason> {
  const [row] = await db
    .insert(pauseReasons)
    .values(input)
    .onConflictDoUpdate({
      target: pauseReasons.id,
      set: replaceFromExcluded(pauseReasons, ['label']),
      setWhere: onlySameTenant(pauseReasons),
    })
    .returning();
  if (!row) throw idTaken('pause reason', input.id);
  return row;
}

export async function listPauseReasons(db: Database, filter: TenantFilter = {}): Promise<PauseReason[]> {
  return db
    .select()
    .from(pauseReasons)
    .where(eq(pauseReasons.tenant, filter.tenant ?? 'default'))
    .orderBy(asc(pauseReasons.id));
}
