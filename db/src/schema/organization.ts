// Agency structure the router is configured with: units, business hours and holidays,
// service groups (queues) and the pause reasons agents may choose.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantColumn, updatedAt } from './columns.js';

/** One opening interval on a weekday (0 = Sunday … 6 = Saturday), local "HH:MM" times. */
export interface WeeklyHours {
  weekday: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  open: string;
  close: string;
}

export type RoutingStrategy = 'equal' | 'longest-idle' | 'least-occupied' | 'round-robin';

export const units = pgTable(
  'units',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull().default('America/Sao_Paulo'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('units_tenant_idx').on(t.tenant)],
);

export const businessHours = pgTable(
  'business_hours',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull().default('America/Sao_Paulo'),
    weekly: jsonb('weekly').$type<WeeklyHours[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('business_hours_tenant_idx').on(t.tenant)],
);

export const holidays = pgTable(
  'holidays',
  {
    hoursId: text('hours_id')
      .notNull()
      .references(() => businessHours.id, { onDelete: 'cascade' }),
    /** Local calendar date 'YYYY-MM-DD' in the business hours' time zone. */
    date: date('date', { mode: 'string' }).notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hoursId, t.date] })],
);

export const groups = pgTable(
  'groups',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    name: text('name').notNull(),
    tema: text('tema'),
    categoria: text('categoria'),
    level: smallint('level').notNull().default(1),
    slaSeconds: integer('sla_seconds').notNull().default(60),
    strategy: text('strategy').$type<RoutingStrategy>().notNull().default('equal'),
    overflowAfterSeconds: integer('overflow_after_seconds'),
    overflowGroupId: text('overflow_group_id').references((): AnyPgColumn => groups.id, {
      onDelete: 'set null',
    }),
    hoursId: text('hours_id').references(() => businessHours.id, { onDelete: 'set null' }),
    wrapUpSeconds: integer('wrap_up_seconds').notNull().default(0),
    unitId: text('unit_id').references(() => units.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('groups_tenant_idx').on(t.tenant),
    check('groups_level_check', sql`${t.level} between 1 and 3`),
    check('groups_sla_seconds_check', sql`${t.slaSeconds} >= 0`),
  ],
);

export const pauseReasons = pgTable(
  'pause_reasons',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    label: text('label').notNull(),
  },
  (t) => [index('pause_reasons_tenant_idx').on(t.tenant)],
);
