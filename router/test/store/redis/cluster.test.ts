// Redis Cluster: three masters started here from redis-server (cluster-enabled yes), two tenants
// whose hash tags land on different masters, both decided through one cluster client at once,
// each exactly as the core decides (the differential runner, smaller).

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKey } from '../../../src/store/redis/index.js';
import { configureBasics, setAvailable, startTestServer } from '../../server/helpers.js';
import { TestSocket } from '../../../src/testing/socket-client.js';
import { differential, newStats, report } from './differential.js';
import { spawnRedis } from './redis-server.js';
import { actionArb, worldArb } from './world.js';

const run = promisify(execFile);
let dir: string;
const servers: Awaited<ReturnType<typeof spawnRedis>>[] = [];
let cluster: Cluster;

async function clusterReady(ports: number[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const states = await Promise.all(
      ports.map(async (port) => {
        const node = new Redis({ port, host: '127.0.0.1' });
        try {
          return /cluster_state:ok/.test(await node.cluster('INFO'));
        } finally {
          node.disconnect();
        }
      }),
    );
    if (states.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the cluster did not reach cluster_state:ok');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atende-cluster-'));
  for (let i = 0; i < 3; i++) {
    servers.push(await spawnRedis(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${i}.conf`, '--cluster-node-timeout', '2000'], dir));
  }
  const ports = servers.map((s) => s.port);
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
  await clusterReady(ports);
  cluster = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
  await new Promise<void>((resolve, reject) => {
    cluster.once('ready', resolve);
    cluster.once('error', reject);
  });
});

afterAll(async () => {
  cluster?.disconnect();
  await Promise.all(servers.map((s) => s.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Two fresh tenant ids whose hash tags are served by different masters (the port of each). */
async function tenantsOnTwoMasters(prefix: string): Promise<{ tenants: [string, string]; masters: [number, number] }> {
  const slots = await cluster.cluster('SLOTS');
  const owner = async (tenant: string): Promise<number> => {
    const slot = Number(await cluster.cluster('KEYSLOT', tenantKey(tenant)));
    return slots.find(([from, to]) => slot >= from && slot <= to)![2][1];
  };
  const first = `${prefix}-0`;
  const firstOwner = await owner(first);
  for (let i = 1; ; i++) {
    const other = `${prefix}-${i}`;
    const otherOwner = await owner(other);
    if (otherOwner !== firstOwner) return { tenants: [first, other], masters: [firstOwner, otherOwner] };
  }
}

describe('the Redis engine on Redis Cluster', () => {
  it('keeps two tenants on different masters, each deciding exactly as the core', async () => {
    const stats = newStats();
    const started = Date.now();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        worldArb({ min: 5, max: 30 }, { min: 2, max: 5 }),
        worldArb({ min: 5, max: 30 }, { min: 2, max: 5 }),
        fc.array(actionArb, { minLength: 100, maxLength: 400 }),
        fc.array(actionArb, { minLength: 100, maxLength: 400 }),
        async (worldA, worldB, actionsA, actionsB) => {
          const { tenants, masters } = await tenantsOnTwoMasters(`agency${runs++}`);
          expect(masters[0]).not.toBe(masters[1]);
          await Promise.all([
            differential(cluster, worldA, actionsA, stats, 2, tenants[0]),
            differential(cluster, worldB, actionsB, stats, 2, tenants[1]),
          ]);
        },
      ),
      { numRuns: 6 },
    );
    report('cluster', stats, started);
    expect(stats.commands).toBeGreaterThan(500);
  });
});

describe('router servers on Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  it('serves two agencies whose state lives on different masters, each routing its own sessions', async () => {
    const { tenants, masters } = await tenantsOnTwoMasters('server');
    expect(masters[0]).not.toBe(masters[1]);
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    const started = await Promise.all(tenants.map((tenant) => startTestServer({ redisClusterNodes: nodes, tenant })));
    try {
      for (const [i, t] of started.entries()) {
        await configureBasics(t);
        const socket = await TestSocket.open(`${t.ws}/ws/agent?agentId=ana`, { authorization: 'Bearer test-admin-token-0123456789abcdef' });
        await socket.nextOfType('snapshot');
        await setAvailable(t, 'ana');
        const created = await t.api('POST', '/api/interactions', { body: { id: `c-${i}`, channel: 'chat', groupId: 'itcd-n1' } });
        expect(created.body).toMatchObject({ id: `c-${i}`, state: 'offered', agentId: 'ana' });
        expect(await socket.nextOfType('offer')).toMatchObject({ interaction: { id: `c-${i}` } });
        expect((await socket.request({ type: 'accept', interactionId: `c-${i}` })).interaction.state).toBe('active');
        await socket.close();
      }
      // Each agency sees only its own session: the tenants share nothing but the cluster.
      expect((await started[0]!.api('GET', '/api/interactions/c-1')).status).toBe(404);
      expect((await started[1]!.api('GET', '/api/interactions/c-0')).status).toBe(404);
      // Each tenant's keys sit on its own master.
      for (const [i, tenant] of tenants.entries()) {
        const owner = new Redis({ port: masters[i]!, host: '127.0.0.1' });
        try {
          expect(await owner.exists(`${tenantKey(tenant)}:events`)).toBe(1);
        } finally {
          owner.disconnect();
        }
      }
    } finally {
      await Promise.all(started.map((t) => t.close()));
    }
  }, 60_000);
});
