// The real server as a child process (`node dist/server/main.js`), the way an agency runs it:
// started, killed with SIGKILL, restarted on the same data, stopped with SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const routerDir = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(routerDir, 'dist', 'server', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The crash test runs the built server: `turbo run test` builds it first (router/turbo.json). A
 * direct `vitest run` on a fresh checkout builds it here; an older build than src/ is used with a
 * warning (rebuilding under someone else's half-edited tree would fail for the wrong reason).
 */
export function ensureBuilt(): void {
  if (!existsSync(MAIN)) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: routerDir, stdio: 'inherit' });
  } else if (statSync(MAIN).mtimeMs < newestMtime(join(routerDir, 'src'))) {
    console.warn(`${MAIN} is older than src/: run \`npm run build -w router\` (or \`turbo run test\`, which builds first)`);
  }
}

/**
 * A free port below the kernel's ephemeral range (32768+ on Linux): the restarted server binds it
 * again, and no outgoing connection of this machine can have taken it as its local port meanwhile.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | string | null> = Promise.resolve(null);
  /** Everything the processes printed, for the failure message. */
  output = '';
  starts = 0;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(): void {
    if (this.child) throw new Error('already running');
    const child = spawn(process.execPath, [MAIN], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.starts++;
    const run = this.starts;
    const collect = (chunk: Buffer) => {
      this.output = (this.output + `[run ${run}] ${chunk.toString()}`).slice(-20_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  }

  /** kill -9: no shutdown hook, no final checkpoint, sockets cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  /** SIGTERM: the graceful stop; SIGKILL if it takes too long. */
  async stop(): Promise<number | string | null> {
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const result = await this.exited;
    clearTimeout(timer);
    this.child = undefined;
    return result;
  }
}
