// Repository for installation settings: read, write, and "create once" (first writer wins,
// so several nodes starting together agree on one generated value).
import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { settings } from './schema/index.js';

export async function getSetting<T = unknown>(db: Database, key: string): Promise<T | undefined> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row ? (row.value as T) : undefined;
}

export async function putSetting(db: Database, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}

/** Stores `value` unless the key already has one; returns whichever value is stored. */
export async function ensureSetting<T>(db: Database, key: string, value: T): Promise<T> {
  await db.insert(settings).values({ key, value }).onConflictDoNothing({ target: settings.key });
  return (await getSetting<T>(db, key)) as T;
}
