// The system under test: `node router/dist/server/main.js` on a free port, embedded PGlite in a
// throwaway data directory, a fixed admin token; healthy when GET /health answers 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface AtendeOptions {
  serverEntry: string;
  port?: number;
  offerTimeoutSeconds: number;
  /** Server stdout/stderr go here. */
  logFile: string;
  /** Extra environment: DATABASE_URL (empty: embedded PGlite), REDIS_URL (the Redis engine). */
  env?: Record<string, string>;
  keepData?: boolean;
  healthTimeoutMs?: number;
}

export interface RunningAtende {
  url: string;
  port: number;
  pid: number;
  adminToken: string;
  dataDir: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after the grace time; removes the data directory unless kept. */
  stop(graceMs?: number): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startAtende(options: AtendeOptions): Promise<RunningAtende> {
  if (!existsSync(options.serverEntry)) throw new Error(`${options.serverEntry} is missing: build the router first (npm run build)`);
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atende-loadtest-'));
  const adminToken = `loadtest-${randomBytes(18).toString('base64url')}`;
  const log = createWriteStream(options.logFile);
  const child = spawn(process.execPath, [options.serverEntry], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ATENDE_DATA_DIR: dataDir,
      ATENDE_ADMIN_TOKEN: adminToken,
      ATENDE_OFFER_TIMEOUT_SECONDS: String(options.offerTimeoutSeconds),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C at the terminal reaches k6 (which then runs its teardown
    // against this server) but not the server; the runner stops it afterwards.
    detached: true,
  });
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  const url = `http://127.0.0.1:${port}`;
  const running: RunningAtende = {
    url,
    port,
    pid: child.pid!,
    adminToken,
    dataDir,
    process: child,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      const code = await exited;
      process.removeListener('exit', orphanGuard);
      log.end();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
  try {
    await waitHealthy(url, options.healthTimeoutMs ?? 180_000, exited);
  } catch (err) {
    await running.stop(2_000);
    throw err;
  }
  return running;
}

async function waitHealthy(url: string, timeoutMs: number, exited: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`the server exited with ${gone} before it was healthy (see its log)`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server was not healthy within ${Math.round(timeoutMs / 1000)} s`);
}
