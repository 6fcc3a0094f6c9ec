// `--db postgres`: a throwaway Postgres for the server instead of embedded PGlite (a fresh
// database on DATABASE_URL when set, else a private initdb server — @atende/db's test helper,
// durability off). Its CPU is read from the postmaster and its backends.
import { startPostgres } from '@atende/db/testing';
import postgres from 'postgres';
import { readFileSync } from 'node:fs';
import { processTreeReader, type CpuReader } from './cpu.js';

export interface RunningPostgres {
  url: string;
  /** The postmaster's pid when it runs on this machine (its tree is the database's CPU). */
  postmasterPid: number | undefined;
  cpu: CpuReader | undefined;
  stop(): Promise<void>;
}

export async function startDatabase(): Promise<RunningPostgres> {
  const pg = await startPostgres();
  const postmasterPid = await findPostmaster(pg.url).catch(() => undefined);
  return {
    url: pg.url,
    postmasterPid,
    cpu: postmasterPid === undefined ? undefined : processTreeReader(postmasterPid),
    stop: () => pg.stop(),
  };
}

/** The parent of this connection's backend, when that backend is a process of this machine. */
async function findPostmaster(url: string): Promise<number | undefined> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const stat = readFileSync(`/proc/${row!.pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } finally {
    await sql.end({ timeout: 2 });
  }
}
