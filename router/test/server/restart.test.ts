// Durability across restarts, on PGlite files and on a real Postgres: waiting sessions keep their
// original waitingSince, offers and loads come back, finished sessions stay readable, and a pending
// offer is re-sent when the agent reconnects. Everything acknowledged before the stop is replayed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfigInput } from '../../src/server/index.js';
import { ADMIN, configureBasics, setAvailable, startTestServer, type TestServer } from './helpers.js';
import { TestSocket } from '../../src/testing/socket-client.js';

type Storage = { name: string; config(): ServerConfigInput; dispose(): Promise<void> };

async function pgliteStorage(): Promise<Storage> {
  const dir = mkdtempSync(join(tmpdir(), 'atende-restart-'));
  return { name: 'PGlite', config: () => ({ dataDir: dir }), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresStorage(): Promise<Storage> {
  const pg: TestPostgres = await startPostgres();
  return { name: 'Postgres', config: () => ({ databaseUrl: pg.url }), dispose: () => pg.stop() };
}

/** Builds the state every restart must bring back; returns what the first server answered. */
async function buildState(t: TestServer) {
  await configureBasics(t);
  await setAvailable(t, 'ana');
  await t.api('POST', '/api/interactions', { body: { id: 'done', channel: 'chat', groupId: 'itcd-n1', contact: { name: 'Joana' }, data: { protocolo: '2025-001' } } });
  await t.api('POST', '/api/interactions/done/accept');
  await t.api('POST', '/api/interactions/done/end', { body: { tabulation: { outcome: 'Resolvido' } } });
  await t.api('POST', '/api/interactions', { body: { id: 'active', channel: 'chat', groupId: 'ipva-n1' } });
  await t.api('POST', '/api/interactions/active/accept');
  const offered = (await t.api('POST', '/api/interactions', { body: { id: 'offered', channel: 'chat', groupId: 'ipva-n1' } })).body;
  const waiting = (await t.api('POST', '/api/interactions', { body: { id: 'waiting', channel: 'phone', groupId: 'ipva-n1', priority: 3, contact: { cpf: '12345678909' } } })).body;
  return { offered, waiting, ana: (await t.api('GET', '/api/agents/ana')).body };
}

async function expectRestored(t: TestServer, before: Awaited<ReturnType<typeof buildState>>) {
  const waiting = (await t.api('GET', '/api/interactions/waiting')).body;
  expect(waiting).toMatchObject({ state: 'queued', waitingSince: before.waiting.waitingSince, priority: 3, contactId: before.waiting.contactId });
  const offered = (await t.api('GET', '/api/interactions/offered')).body;
  expect(offered).toMatchObject({ state: 'offered', agentId: 'ana', waitingSince: before.offered.waitingSince, offerExpiresAt: before.offered.offerExpiresAt });
  expect((await t.api('GET', '/api/interactions/active')).body).toMatchObject({ state: 'active', agentId: 'ana' });
  const done = (await t.api('GET', '/api/interactions/done')).body;
  expect(done).toMatchObject({ state: 'ended', agentId: 'ana', data: { protocolo: '2025-001' }, tabulation: { outcome: 'Resolvido' } });
  const ana = (await t.api('GET', '/api/agents/ana')).body;
  expect(ana).toMatchObject({ presence: 'available', load: before.ana.load, offers: ['offered'], sessions: ['active'], sessionsToday: before.ana.sessionsToday });
  const listed = (await t.api('GET', '/api/interactions?limit=10')).body.items.map((i: { id: string }) => i.id).sort();
  expect(listed).toEqual(['active', 'done', 'offered', 'waiting']);
  const queue = (await t.api('GET', '/api/queues?groupId=ipva-n1')).body.find((q: { channel: string }) => q.channel === 'phone');
  expect(queue.waiting).toBe(1);
  // Creating an id that exists answers the existing session, even after the restart.
  expect((await t.api('POST', '/api/interactions', { body: { id: 'done', channel: 'chat', groupId: 'itcd-n1' } })).status).toBe(200);
}

describe.each([
  ['PGlite', pgliteStorage],
  ['Postgres', postgresStorage],
])('a restart on %s', (_name, makeStorage) => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await makeStorage();
  });
  afterAll(() => storage?.dispose());

  it('brings back every unfinished session, offer and load after a graceful stop', async () => {
    const first = await startTestServer(storage.config());
    const before = await buildState(first);
    await first.close();

    const second = await startTestServer(storage.config());
    try {
      await expectRestored(second, before);
      // The pending offer is sent again when the agent's socket connects.
      const socket = await TestSocket.open(`${second.ws}/ws/agent?agentId=ana&token=${ADMIN}`);
      expect((await socket.nextOfType('offer')).interaction.id).toBe('offered');
      expect((await socket.request({ type: 'accept', interactionId: 'offered' })).type).toBe('ack');
      await socket.close();
      // And the restarted server keeps working: the waiting phone session goes to carla.
      await setAvailable(second, 'carla');
      expect((await second.api('GET', '/api/interactions/waiting')).body).toMatchObject({ state: 'offered', agentId: 'carla' });
    } finally {
      await second.close();
    }
    const third = await startTestServer(storage.config());
    try {
      expect((await third.api('GET', '/api/interactions/offered')).body.state).toBe('active');
      expect((await third.api('GET', '/api/interactions/waiting')).body).toMatchObject({ state: 'offered', agentId: 'carla' });
    } finally {
      await third.close();
    }
  });
});

describe('recovery without a graceful stop (Postgres)', () => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await postgresStorage();
  });
  afterAll(() => storage?.dispose());

  it('replays everything the first node acknowledged even though it never saved a checkpoint', async () => {
    // The first node is left running, as if it had died: a second node opens the same database.
    const first = await startTestServer({ ...storage.config(), checkpointIntervalMs: 3_600_000 });
    try {
      const before = await buildState(first);
      const second = await startTestServer(storage.config());
      try {
        await expectRestored(second, before);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
