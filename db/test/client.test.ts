import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, openDatabase, upsertGroup, type Database } from '../src/index.js';
import { createTestLocation, ENGINES, type TestLocation } from './databases.js';

const journal = JSON.parse(readFileSync(new URL('../migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: { tag: string }[];
};

const TABLES = [
  'agent_skills',
  'agent_state_history',
  'agents',
  'attachments',
  'business_hours',
  'contacts',
  'conversations',
  'groups',
  'holidays',
  'interactions',
  'kb_audiences',
  'kb_categories',
  'kb_entries',
  'kb_themes',
  'messages',
  'pause_reasons',
  'routing_events',
  'settings',
  'units',
  'users',
];

async function rows<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

describe.each(ENGINES)('openDatabase on %s', (engine) => {
  let location: TestLocation;

  beforeAll(async () => {
    location = await createTestLocation(engine);
  });
  afterAll(() => location?.dispose());

  it('applies every committed migration and creates every table', async () => {
    const opened = await openDatabase(location.options);
    try {
      expect(opened.kind).toBe(engine);
      const tables = await rows<{ table_name: string }>(
        opened.db,
        sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
      );
      expect(tables.map((table) => table.table_name)).toEqual(TABLES);
      const applied = await rows<{ count: number | string }>(
        opened.db,
        sql`select count(*) as count from drizzle.__drizzle_migrations`,
      );
      expect(Number(applied[0]!.count)).toBe(journal.entries.length);
    } finally {
      await opened.close();
    }
  });

  it('keeps the data and applies nothing twice when opened again', async () => {
    const first = await openDatabase(location.options);
    await upsertGroup(first.db, { id: 'kept', name: 'Kept across restarts' });
    await first.close();

    const second = await openDatabase(location.options);
    try {
      const applied = await rows<{ count: number | string }>(
        second.db,
        sql`select count(*) as count from drizzle.__drizzle_migrations`,
      );
      expect(Number(applied[0]!.count)).toBe(journal.entries.length);
      const kept = await rows<{ name: string }>(second.db, sql`select name from groups where id = 'kept'`);
      expect(kept).toEqual([{ name: 'Kept across restarts' }]);
    } finally {
      await second.close();
    }
  });

  it('refuses to update or delete routing events', async () => {
    const opened = await openDatabase(location.options);
    try {
      await new EventLog(opened.db).append([{ eventId: 'immutable-1', type: 'test', at: 0, payload: {} }]);
      await expect(opened.db.execute(sql`update routing_events set type = 'changed'`)).rejects.toThrow();
      await expect(opened.db.execute(sql`delete from routing_events`)).rejects.toThrow();
      const stored = await rows<{ type: string }>(opened.db, sql`select type from routing_events`);
      expect(stored).toEqual([{ type: 'test' }]);
    } finally {
      await opened.close();
    }
  });
});

describe('openDatabase on postgres with several nodes starting at once', () => {
  it('applies the migrations once when opened concurrently on an empty database', async () => {
    const location = await createTestLocation('postgres');
    try {
      const nodes = await Promise.all([1, 2, 3, 4].map(() => openDatabase(location.options)));
      const applied = await rows<{ count: number | string }>(
        nodes[0]!.db,
        sql`select count(*) as count from drizzle.__drizzle_migrations`,
      );
      expect(Number(applied[0]!.count)).toBe(journal.entries.length);
      await Promise.all(nodes.map((node) => node.close()));
    } finally {
      await location.dispose();
    }
  });
});
