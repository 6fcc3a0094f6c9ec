import { existsSync, readdirSync } from 'node:fs';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { startPostgres } from '../../src/testing/index.js';

const serverInstalled = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;

async function canConnect(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('startPostgres', () => {
  it.skipIf(!serverInstalled)('spawns a private server that accepts connections until stopped', async () => {
    const server = await startPostgres({ databaseUrl: '' });
    const port = Number(new URL(server.url).port);
    expect(port).toBeGreaterThan(0);
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    const [settings] = await sql<{ fsync: string; user: string }[]>`select current_setting('fsync') as fsync, current_user as user`;
    await sql.end();
    expect(settings).toEqual({ fsync: 'off', user: 'postgres' });

    await server.stop();
    expect(await canConnect(server.url)).toBe(false);
    await server.stop();
  });

  it('creates a distinct empty database per call on an existing server', async () => {
    const first = await startPostgres({ databaseUrl: inject('postgresUrl') });
    const second = await startPostgres({ databaseUrl: inject('postgresUrl') });
    expect(first.url).not.toBe(second.url);
    try {
      const sql = postgres(first.url, { max: 1, onnotice: () => {} });
      await sql`create table only_in_first (id int)`;
      await sql.end();
      const other = postgres(second.url, { max: 1, onnotice: () => {} });
      const tables = await other`select table_name from information_schema.tables where table_schema = 'public'`;
      await other.end();
      expect(tables).toHaveLength(0);
    } finally {
      await first.stop();
      await second.stop();
    }
    expect(await canConnect(first.url)).toBe(false);
  });
});
