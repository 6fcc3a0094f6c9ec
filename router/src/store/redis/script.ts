// The routing script: the Lua parts under ./lua concatenated into one script, loaded on every
// master at start and run with EVALSHA; a node that lost it (restart, failover) gets it back by EVAL.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** The .lua files sit next to this module in src/; the build copies them to dist/, else read them from src/. */
function luaDirectory(): string {
  const here = fileURLToPath(new URL('./lua/', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../../src/store/redis/lua/', import.meta.url));
}

export function routingScriptSource(): string {
  const dir = luaDirectory();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .sort();
  // One chunk: the parts share their file-level locals (module tables C, K, S, A, R).
  return files.map((f) => `-- ${f}\n${readFileSync(dir + f, 'utf8')}`).join('\n');
}

const isCluster = (client: RedisClient): client is Cluster => 'nodes' in client && typeof client.nodes === 'function';

export class RoutingScript {
  readonly source: string;
  readonly sha: string;

  constructor(source = routingScriptSource()) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** SCRIPT LOAD on every master (each cluster node keeps its own script cache). */
  async load(client: RedisClient): Promise<void> {
    const targets = isCluster(client) ? client.nodes('master') : [client];
    await Promise.all(targets.map((node) => node.script('LOAD', this.source)));
  }

  /** EVALSHA with the tenant key as the one declared key (it picks the cluster slot). */
  async run(client: RedisClient, key: string, args: (string | number)[]): Promise<string[]> {
    try {
      return (await client.evalsha(this.sha, 1, key, ...args)) as string[];
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      // EVAL runs it once and caches it on whichever node owns the slot now.
      return (await client.eval(this.source, 1, key, ...args)) as string[];
    }
  }
}
