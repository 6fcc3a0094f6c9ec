// The routing script: the Lua parts under ./lua concatenated into one Redis Functions library,
// loaded on every master at start (FUNCTION LOAD: the chunk runs once, each decision is one FCALL
// of its function) and loaded again by a node that lost it (a restarted master without persistence).
// The library and function names carry the source's hash, so nodes running different versions of
// the script never call each other's code.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import { luaCodecSource } from './layout.js';

export type RedisClient = Redis | Cluster;

/** The .lua files sit next to this module in src/; the build copies them to dist/, else read them from src/. */
function luaDirectory(): string {
  const here = fileURLToPath(new URL('./lua/', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../../src/store/redis/lua/', import.meta.url));
}

/** The parts in order: lua/*.lua sorted, with the packed-record codec generated from layout.ts as part 15. */
export function routingScriptSource(dir = luaDirectory()): string {
  const parts = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => ({ name: f, text: readFileSync(dir + f, 'utf8') }));
  parts.push({ name: '15-layout.lua (generated)', text: luaCodecSource() });
  parts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // One chunk: the parts share their file-level locals (module tables C, K, S, A, R, L).
  return parts.map((p) => `-- ${p.name}\n${p.text}`).join('\n');
}

const isCluster = (client: RedisClient): client is Cluster => 'nodes' in client && typeof client.nodes === 'function';

const isMissing = (err: unknown): boolean => err instanceof Error && /function not found/i.test(err.message);
const isLoaded = (err: unknown): boolean => err instanceof Error && /already exists/i.test(err.message);

export class RoutingScript {
  /** The Lua parts; the library is this plus its header and the registration of `main`. */
  readonly source: string;
  readonly sha: string;
  /** Library and function name (Redis Functions), versioned by the source's hash. */
  readonly library: string;
  readonly function: string;
  readonly code: string;

  constructor(source = routingScriptSource()) {
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
  }

  /** FUNCTION LOAD on every master (each cluster node keeps its own libraries; replicas get them by replication). */
  async load(client: RedisClient): Promise<void> {
    const targets = isCluster(client) ? client.nodes('master') : [client];
    await Promise.all(
      targets.map(async (node) => {
        try {
          await node.function('LOAD', this.code);
        } catch (err) {
          if (!isLoaded(err)) throw err;
        }
      }),
    );
  }

  /** FCALL with the tenant key as the one declared key (it picks the cluster slot). */
  async run(client: RedisClient, key: string, args: (string | number)[]): Promise<string[]> {
    try {
      return (await client.fcall(this.function, 1, key, ...args)) as string[];
    } catch (err) {
      if (!isMissing(err)) throw err;
      // A master lost its libraries (restarted without persistence): load them and call again.
      await this.load(client);
      return (await client.fcall(this.function, 1, key, ...args)) as string[];
    }
  }
}
