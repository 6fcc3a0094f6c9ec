// A throwaway Postgres for tests: a fresh database on DATABASE_URL when set, otherwise a
// private server (initdb + pg_ctl from /usr/lib/postgresql/*/bin) on a free port, removed on stop().
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const execFileAsync = promisify(execFile);

export interface TestPostgres {
  /** Connection URL of an empty database, owned by a superuser. */
  url: string;
  /** Drops the database or stops the server and deletes its files. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Process ids of a server spawned on this machine (backends and background workers), for
   * measuring its CPU; absent for a server given by URL, whose processes may be elsewhere.
   */
  processIds?(): Promise<number[]>;
}

export interface StartPostgresOptions {
  /** Server to create the database on; defaults to env DATABASE_URL. Empty = spawn a server. */
  databaseUrl?: string;
  /** Folder holding initdb and pg_ctl; defaults to env POSTGRES_BIN_DIR, then the newest /usr/lib/postgresql/<v>/bin. */
  binDir?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) return createDatabaseOn(databaseUrl);
  return spawnServer(options.binDir ?? process.env.POSTGRES_BIN_DIR ?? findBinDir());
}

async function createDatabaseOn(serverUrl: string): Promise<TestPostgres> {
  const name = `atende_test_${randomBytes(8).toString('hex')}`;
  await withAdmin(serverUrl, (sql) => sql.unsafe(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let stopped = false;
  return {
    url: url.toString(),
    async stop() {
      if (stopped) return;
      stopped = true;
      // WITH (FORCE) (Postgres 13+) ends sessions a test forgot to close.
      await withAdmin(serverUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdmin(url: string, run: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'No Postgres server found under /usr/lib/postgresql/*/bin: install it (apt-get install postgresql), ' +
        'set POSTGRES_BIN_DIR, or set DATABASE_URL to a server tests may create databases on',
    );
  }
  return join(root, versions[0]!, 'bin');
}

interface SpawnedServer {
  baseDir: string;
  dataDir: string;
  pgCtl: string;
}

const running = new Set<SpawnedServer>();
let exitHookInstalled = false;

async function spawnServer(binDir: string): Promise<TestPostgres> {
  const asPostgres = postgresUserRunner();
  const baseDir = mkdtempSync(join(tmpdir(), 'atende-pg-'));
  const dataDir = join(baseDir, 'data');
  const server: SpawnedServer = { baseDir, dataDir, pgCtl: join(binDir, 'pg_ctl') };
  try {
    asPostgres.chown(baseDir);
    await asPostgres.run(join(binDir, 'initdb'), [
      '-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync',
    ], baseDir);
    // Durability is pointless for a throwaway server; turning it off makes tests much faster.
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${baseDir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    running.add(server);
    installExitHook();
    const port = await startOnFreePort(server, asPostgres);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(url);
    let stopped = false;
    return {
      url,
      async processIds() {
        let pids: number[] = [];
        await withAdmin(url, async (sql) => {
          const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where pid <> pg_backend_pid()`;
          pids = rows.map((row) => Number(row.pid));
        });
        return pids;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await asPostgres.run(server.pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], baseDir).catch(() => {});
        running.delete(server);
        rmSync(baseDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopSync(server);
    throw error;
  }
}

// The port is free when probed but another process may take it before Postgres binds: retry.
async function startOnFreePort(server: SpawnedServer, asPostgres: PostgresUserRunner): Promise<number> {
  const logFile = join(server.baseDir, 'postgres.log');
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    appendFileSync(join(server.dataDir, 'postgresql.conf'), `port = ${port}\n`);
    try {
      await asPostgres.run(server.pgCtl, ['-D', server.dataDir, '-l', logFile, '-w', '-t', '60', 'start'], server.baseDir);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '';
  throw new Error(`Postgres did not start: ${String(lastError)}\n${log}`);
}

async function waitUntilAccepting(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

interface PostgresUserRunner {
  chown(path: string): void;
  run(command: string, args: string[], cwd: string): Promise<void>;
}

// initdb and postgres refuse to run as root, so as root they run as the `postgres` user.
function postgresUserRunner(): PostgresUserRunner {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    return {
      chown: () => {},
      run: async (command, args, cwd) => void (await execFileAsync(command, args, { cwd })),
    };
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return {
    chown: (path) => chownSync(path, uid, gid),
    run: async (command, args, cwd) => {
      await execFileAsync('runuser', ['-u', 'postgres', '--', command, ...args], { cwd, env: { ...process.env, LC_ALL: 'C' } });
    },
  };
}

function stopSync(server: SpawnedServer): void {
  const args = ['-D', server.dataDir, '-m', 'immediate', '-w', 'stop'];
  try {
    if (existsSync(join(server.dataDir, 'postmaster.pid'))) {
      const asRoot = process.getuid?.() === 0;
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', server.pgCtl, ...args], { stdio: 'ignore' });
      else execFileSync(server.pgCtl, args, { stdio: 'ignore' });
    }
  } catch {
    // Already gone.
  }
  running.delete(server);
  rmSync(server.baseDir, { recursive: true, force: true });
}

// A test run that crashes or forgets stop() must not leave servers and temp dirs behind.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of [...running]) stopSync(server);
  });
}
