// Opens the database: postgres.js against a real server when a URL is given, otherwise
// PGlite (embedded Postgres) on local files; applies the committed migrations on open.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Logger, SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;

/** A drizzle database over either driver; repositories accept this type. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface OpenDatabaseOptions {
  /** Postgres connection URL; when absent the embedded PGlite engine is used. */
  url?: string;
  /** PGlite data directory (default './.atende'); 'memory://' keeps it in memory. */
  dataDir?: string;
  /** Largest postgres.js pool (default 10). Ignored by PGlite, which has one connection. */
  maxConnections?: number;
  /** Called with every SQL statement sent, for debugging and tests. */
  onQuery?: (query: string, params: unknown[]) => void;
}

export interface OpenedDatabase {
  db: Database;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// Resolved from this file so it works from src/ (tests, tsx) and dist/ alike: both sit next to migrations/.
const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

// Any fixed number works; it only has to be the same for every node running migrations.
const MIGRATION_LOCK_KEY = 7_164_252_031;

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const logger: Logger | undefined = options.onQuery ? { logQuery: options.onQuery } : undefined;
  if (options.url) return openPostgres(options.url, options.maxConnections ?? 10, logger);
  return openPglite(options.dataDir ?? './.atende', logger);
}

async function openPostgres(url: string, maxConnections: number, logger: Logger | undefined): Promise<OpenedDatabase> {
  await migratePostgresOnce(url);
  const client = postgres(url, { max: maxConnections, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema, logger });
  return {
    db,
    kind: 'postgres',
    close: () => client.end({ timeout: 5 }),
  };
}

// Several router nodes may start at once: an advisory lock on a dedicated connection makes
// them apply migrations one after another instead of racing on the same DDL.
async function migratePostgresOnce(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function openPglite(dataDir: string, logger: Logger | undefined): Promise<OpenedDatabase> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite({ client, schema, logger });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (error) {
    await client.close();
    throw error;
  }
  return {
    db,
    kind: 'pglite',
    close: () => client.close(),
  };
}

const dialect = new PgDialect();

/**
 * Runs a statement whose text never changes as a named prepared statement: postgres.js then
 * parses it once per connection and sends each later call as one Bind/Execute round trip,
 * where an unnamed parameterised statement costs a Parse/Describe round trip first and a
 * fresh parse and plan in the server every time. PGlite runs in-process and ignores the name.
 */
export async function executePrepared(db: Pick<Database, '_'>, name: string, query: SQL): Promise<void> {
  await db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute();
}
