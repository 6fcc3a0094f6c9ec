// Starts one throwaway Postgres for the whole run (or a database on DATABASE_URL) and hands its
// URL to the test files, which create a fresh database on it per suite.
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../src/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
