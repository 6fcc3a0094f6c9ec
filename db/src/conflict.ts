// Builders for INSERT … ON CONFLICT DO UPDATE: copy the proposed row ("excluded") onto the stored one.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * A `set` clause taking every listed column from the proposed row. Columns the caller left
 * undefined were inserted as DEFAULT, so copying them resets them to the default: PUT semantics.
 */
export function replaceFromExcluded<T extends PgTable>(
  table: T,
  keys: readonly (keyof T['$inferInsert'] & string)[],
): Record<string, SQL> {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const set: Record<string, SQL> = {};
  for (const key of keys) {
    const column = columns[key];
    if (!column) throw new Error(`unknown column ${key}`);
    set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/** Every column of the table except the listed ones (identity and creation time, typically). */
export function columnsExcept<T extends PgTable>(
  table: T,
  skip: readonly (keyof T['$inferInsert'] & string)[],
): (keyof T['$inferInsert'] & string)[] {
  return Object.keys(getTableColumns(table)).filter(
    (key) => !skip.includes(key as keyof T['$inferInsert'] & string),
  ) as (keyof T['$inferInsert'] & string)[];
}
