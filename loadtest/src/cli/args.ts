// Arguments of `npm run loadtest -- <profile> [--engine memory|redis]` (and `k6`, which only
// installs k6). Pure, so the runner's tests cover every way to get it wrong.
import { isProfileName, parseMix, PROFILE_NAMES, type Mix, type ProfileName } from '../profiles.js';

export type Engine = 'memory' | 'redis';
export const ENGINES: readonly Engine[] = ['memory', 'redis'];
/**
 * Where the server keeps its data: embedded PGlite or a throwaway Postgres. The default is PGlite
 * for the memory engine and Postgres for the Redis engine, whose nodes share one Postgres.
 */
export type Db = 'pglite' | 'postgres';
export const DBS: readonly Db[] = ['pglite', 'postgres'];

export type Invocation =
  | { command: 'run'; profile: ProfileName; engine: Engine; db: Db; port?: number; keepData: boolean; mix?: Mix }
  | { command: 'install-k6' }
  | { command: 'help' };

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = [
  'usage: npm run loadtest -- <profile> [--engine memory|redis] [--db pglite|postgres] [--mix api=70,webchat=20,whatsapp=10] [--port <n>] [--keep-data]',
  '       npm run loadtest -- k6          (only build/reuse bin/k6)',
  `profiles: ${PROFILE_NAMES.join(', ')}`,
].join('\n');

export function parseArgs(argv: readonly string[]): Invocation {
  const positional: string[] = [];
  let engine: Engine = 'memory';
  let db: Db | undefined;
  let port: number | undefined;
  let keepData = false;
  let mix: Mix | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return { command: 'help' };
      case '--engine': {
        const v = value();
        if (!(ENGINES as readonly string[]).includes(v)) throw new UsageError(`unknown engine "${v}" (engines: ${ENGINES.join(', ')})`);
        engine = v as Engine;
        break;
      }
      case '--db': {
        const v = value();
        if (!(DBS as readonly string[]).includes(v)) throw new UsageError(`unknown database "${v}" (databases: ${DBS.join(', ')})`);
        db = v as Db;
        break;
      }
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new UsageError(`--port must be 1..65535, not "${v}"`);
        port = n;
        break;
      }
      case '--mix': {
        const v = value();
        try {
          mix = parseMix(v);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        break;
      }
      case '--keep-data':
        keepData = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        positional.push(arg);
    }
  }
  if (positional.length === 0) throw new UsageError('which profile?');
  if (positional.length > 1) throw new UsageError(`one profile at a time, got: ${positional.join(' ')}`);
  const [name] = positional as [string];
  if (name === 'k6') return { command: 'install-k6' };
  if (!isProfileName(name)) throw new UsageError(`unknown profile "${name}" (profiles: ${PROFILE_NAMES.join(', ')})`);
  return { command: 'run', profile: name, engine, db: db ?? (engine === 'redis' ? 'postgres' : 'pglite'), keepData, ...(port !== undefined ? { port } : {}), ...(mix ? { mix } : {}) };
}
