// Fresh databases on either engine for test suites, with a log of the SQL each one receives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from '../src/index.js';
import { startPostgres } from '../src/testing/index.js';

export type Engine = 'postgres' | 'pglite';
export const ENGINES: Engine[] = ['postgres', 'pglite'];

/** Where an empty database lives: a fresh Postgres database or a fresh PGlite directory. */
export interface TestLocation {
  options: Pick<OpenDatabaseOptions, 'url' | 'dataDir'>;
  dispose(): Promise<void>;
}

export async function createTestLocation(engine: Engine): Promise<TestLocation> {
  if (engine === 'postgres') {
    const server = await startPostgres({ databaseUrl: inject('postgresUrl') });
    return { options: { url: server.url }, dispose: () => server.stop() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'atende-pglite-'));
  return {
    options: { dataDir },
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export interface TestDatabase extends OpenedDatabase {
  /** Every statement sent through `db`, in order. */
  queries: string[];
  dispose(): Promise<void>;
}

export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  const location = await createTestLocation(engine);
  const queries: string[] = [];
  const opened = await openDatabase({ ...location.options, onQuery: (query) => void queries.push(query) });
  return {
    ...opened,
    queries,
    async dispose() {
      await opened.close();
      await location.dispose();
    },
  };
}

let counter = 0;
/** A tenant no other test uses, so tests sharing a database do not see each other's rows. */
export function uniqueTenant(): string {
  counter += 1;
  return `t${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
