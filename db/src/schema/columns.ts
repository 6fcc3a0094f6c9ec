// Column builders shared by every table: the tenant partition key and millisecond timestamps.
import { text, timestamp } from 'drizzle-orm/pg-core';

/** Every row belongs to one agency (tenant); single-agency installs use 'default'. */
export const tenantColumn = () => text('tenant').notNull().default('default');

/**
 * Timestamps keep millisecond precision so a JS Date round-trips exactly
 * (Postgres would otherwise keep microseconds that a Date cannot represent).
 */
export const msTimestamp = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const createdAt = () => msTimestamp('created_at').notNull().defaultNow();
export const updatedAt = () => msTimestamp('updated_at').notNull().defaultNow();
