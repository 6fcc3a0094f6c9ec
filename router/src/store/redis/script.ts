// The routing script: the Lua parts under ./lua concatenated into one chunk, loaded on every master
// at start and loaded again by a node that finds it missing (a restarted master without
// persistence). Each decision is one atomic call of it, in one of two forms:
// - `evalsha` (the default): SCRIPT LOAD at start, EVALSHA per decision, reloaded on NOSCRIPT. The
//   chunk's top level (its local functions) runs on every call.
// - `fcall`: the same chunk as a Redis Functions library (Redis ≥ 7; FUNCTION LOAD at start, FCALL
//   per decision, reloaded on "function not found"). The chunk runs once per library load, so a
//   call skips it and keeps per-text caches (options, parsed numbers) from call to call: ~10 % fewer
//   Redis instructions per decision (see README, "Performance").
// Library and function names carry the source's hash, so nodes running different versions of the
// script never call each other's code (an EVALSHA's hash is its code's by definition).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import { luaCodecSource } from './layout.js';

export type RedisClient = Redis | Cluster;

/** How a decision calls the script: EVALSHA of a loaded script, or FCALL of a loaded library. */
export type ScriptCall = 'evalsha' | 'fcall';
export const SCRIPT_CALLS: readonly ScriptCall[] = ['evalsha', 'fcall'];

/** The .lua files sit next to this module in src/; the build copies them to dist/, else read them from src/. */
function luaDirectory(): string {
  const here = fileURLToPath(new URL('./lua/', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../../src/store/redis/lua/', import.meta.url));
}

/** The part whose file-level locals the others share (module tables, per-call state, `main`). */
const SHARED = /^05-/;

/** The parts in order: lua/*.lua sorted, with the packed-record codec generated from layout.ts as part 15. */
export function routingScriptSource(dir = luaDirectory()): string {
  const parts = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => ({ name: f, text: readFileSync(dir + f, 'utf8') }));
  parts.push({ name: '15-layout.lua (generated)', text: luaCodecSource() });
  parts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // One chunk: the parts share the file-level locals of part 05 (module tables C, K, L, S, A, R,
  // per-call state, `main`). Every other part runs as a function of its own: its functions reach
  // the shared locals through that function's upvalues, which costs much less to capture than the
  // chunk's own locals (an EVALSHA script creates every function again on each call).
  return parts.map((p) => (SHARED.test(p.name) ? `-- ${p.name}\n${p.text}` : `-- ${p.name}\n;(function()\n${p.text}\nend)()`)).join('\n');
}

const isCluster = (client: RedisClient): client is Cluster => 'nodes' in client && typeof client.nodes === 'function';

/** The script is not on that master (EVALSHA: NOSCRIPT; FCALL: function not found). */
const isMissing = (err: unknown): boolean => err instanceof Error && /^NOSCRIPT|function not found/i.test(err.message);
const isLoaded = (err: unknown): boolean => err instanceof Error && /already exists/i.test(err.message);

export class RoutingScript {
  /** The Lua parts; the library is this plus its header and the registration of `main`. */
  readonly source: string;
  readonly sha: string;
  /** Library and function name (Redis Functions), versioned by the source's hash. */
  readonly library: string;
  readonly function: string;
  /** The library (FUNCTION LOAD). */
  readonly code: string;
  /** The script (SCRIPT LOAD) and its SHA-1 (EVALSHA). */
  readonly evalCode: string;
  readonly evalSha: string;

  constructor(
    readonly call: ScriptCall = 'evalsha',
    source = routingScriptSource(),
  ) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
    this.library = `atende_${this.sha}`;
    this.function = `atende_decide_${this.sha}`;
    // At load time a library may touch nothing but `redis` (no string, table, cjson...): the parts
    // run as the body of `init` on the first call instead, and their functions live on as upvalues.
    this.code = [
      `#!lua name=${this.library}`,
      'local entry',
      'local function init()',
      source,
      'return main',
      'end',
      `redis.register_function('${this.function}', function(keys, argv)`,
      '  if not entry then entry = init() end',
      '  return entry(keys, argv)',
      'end)',
      '',
    ].join('\n');
    // As a script the parts run on every call, inside a function of their own (their locals stay
    // within the 200 a function may hold, as in the library's init).
    this.evalCode = ['local main = (function()', source, 'return main', 'end)()', 'return main(KEYS, ARGV)', ''].join('\n');
    this.evalSha = createHash('sha1').update(this.evalCode).digest('hex');
  }

  /** SCRIPT LOAD or FUNCTION LOAD on every master (each cluster node keeps its own; replicas get them by replication). */
  async load(client: RedisClient): Promise<void> {
    const targets = isCluster(client) ? client.nodes('master') : [client];
    await Promise.all(
      targets.map(async (node) => {
        if (this.call === 'evalsha') {
          await node.script('LOAD', this.evalCode);
          return;
        }
        try {
          await node.function('LOAD', this.code);
        } catch (err) {
          if (!isLoaded(err)) throw err;
        }
      }),
    );
  }

  /** One call with the tenant key as the one declared key (it picks the cluster slot). */
  async run(client: RedisClient, key: string, args: (string | number)[]): Promise<string[]> {
    try {
      return await this.once(client, key, args);
    } catch (err) {
      if (!isMissing(err)) throw err;
      // A master lost its scripts (restarted without persistence): load them and call again.
      await this.load(client);
      return await this.once(client, key, args);
    }
  }

  private async once(client: RedisClient, key: string, args: (string | number)[]): Promise<string[]> {
    if (this.call === 'evalsha') return (await client.evalsha(this.evalSha, 1, key, ...args)) as string[];
    return (await client.fcall(this.function, 1, key, ...args)) as string[];
  }
}
