// kill -9 in the middle of the agency scenario, on PGlite files and on a real Postgres: the server
// process dies with sessions offered and active, restarts on the same data, the agents reconnect
// and resume from the snapshot, the rest of the sessions arrive, and the scenario completes with
// nothing lost and nothing assigned twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLog, openDatabase, type OpenDatabaseOptions } from '@atende/db';
import { startPostgres } from '@atende/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/core/index.js';
import { readLogEntry } from '../../src/server/durability/journal.js';
import { SESSION_COUNT } from './agency.js';
import type { Acknowledged } from './http.js';
import { ApiClient } from './http.js';
import { ADMIN_TOKEN, expectLog, expectServerViews, runScenario, scenarioEnv } from './run.js';
import { ensureBuilt, freePort, ServerProcess } from './server-process.js';

interface Storage {
  env: Record<string, string>;
  database: OpenDatabaseOptions;
  dispose(): Promise<void>;
}

async function pgliteStorage(): Promise<Storage> {
  const dir = mkdtempSync(join(tmpdir(), 'atende-crash-'));
  return { env: { ATENDE_DATA_DIR: dir }, database: { dataDir: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresStorage(): Promise<Storage> {
  const pg = await startPostgres();
  return { env: { DATABASE_URL: pg.url }, database: { url: pg.url }, dispose: () => pg.stop() };
}

async function readLog(options: OpenDatabaseOptions): Promise<RoutingEvent[]> {
  const opened = await openDatabase(options);
  try {
    const events: RoutingEvent[] = [];
    for await (const stored of new EventLog(opened.db).read()) {
      const entry = readLogEntry(stored);
      if (entry.kind === 'event') events.push(entry.event);
    }
    return events;
  } finally {
    await opened.close();
  }
}

beforeAll(() => ensureBuilt());

describe.each([
  ['PGlite', pgliteStorage],
  ['Postgres', postgresStorage],
])('a crash on %s', (name, makeStorage) => {
  let storage: Storage;
  let server: ServerProcess;

  beforeAll(async () => {
    storage = await makeStorage();
  });
  afterAll(async () => {
    await server?.stop();
    await storage?.dispose();
  });

  it('completes the scenario after kill -9 mid-run: every acknowledged session back with its times, all end, none lost or assigned twice', async () => {
    const port = await freePort();
    const env = scenarioEnv(port, storage.env);
    // This process picks its storage; an engine or database from the environment must not leak in.
    if (!storage.env.DATABASE_URL) delete env.DATABASE_URL;
    delete env.REDIS_URL;
    server = new ServerProcess(env);
    const base = `http://127.0.0.1:${port}`;
    const api = new ApiClient(base, ADMIN_TOKEN);

    let crash: Promise<void> | undefined;
    let ackedBeforeKill = new Map<string, Acknowledged>();
    let heldAtKill = 0;
    let createsInFlightAtKill = 0;
    const afterRestart: string[] = [];

    try {
      server.start();
      await api.waitHealthy();
      const run = await runScenario(base, {
        seed: 20261124,
        settleTimeoutMs: 60_000,
        onAcknowledged: (count, { creator, seen }) => {
          // About half created, and agents in the middle of sessions: now.
          if (crash || count < SESSION_COUNT / 2 || seen.activeHolder.size === 0) return;
          crash = (async () => {
            // Preferably with a create on the wire: durable or not, its retry must find or make it once.
            for (let i = 0; i < 1_000 && creator.inFlight === 0; i++) await sleep(1);
            createsInFlightAtKill = creator.inFlight;
            ackedBeforeKill = new Map(creator.acknowledged);
            heldAtKill = seen.activeHolder.size;
            await server.kill();
            server.start();
            await api.waitHealthy();
            // As soon as the restarted server answers: every acknowledged session is there, with its times.
            for (const [id, ack] of ackedBeforeKill) {
              const answer = await api.request('GET', `/api/interactions/${id}`);
              if (answer.status !== 200) afterRestart.push(`${id}: ${answer.status}`);
              else if (answer.body.createdAt !== ack.createdAt || answer.body.waitingSince !== ack.waitingSince) {
                afterRestart.push(`${id}: created ${answer.body.createdAt} waiting since ${answer.body.waitingSince}, acknowledged ${ack.createdAt}`);
              }
            }
          })();
          crash.catch(() => undefined); // awaited (and rethrown) once the scenario is over
        },
      });
      await crash;
      expect(server.starts).toBe(2);
      expect(heldAtKill).toBeGreaterThan(0);
      expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(SESSION_COUNT / 2);
      expect(afterRestart).toEqual([]);
      // The kill cut creates and sockets: creates were retried with their ids, every agent came back.
      expect(run.creator.retries).toBeGreaterThan(0);
      expect(run.seen.reconnections).toBeGreaterThanOrEqual(16);
      for (const [id, ack] of ackedBeforeKill) expect(run.creator.acknowledged.get(id)?.createdAt, id).toBe(ack.createdAt);

      await expectServerViews(run);
      expect(await server.stop()).toBe(0);
      const audit = expectLog(run, await readLog(storage.database));
      console.log(
        JSON.stringify({
          scenario: 'crash',
          storage: name,
          durationMs: run.durationMs,
          acknowledgedBeforeKill: ackedBeforeKill.size,
          activeAtKill: heldAtKill,
          createsInFlightAtKill,
          createRetries: run.creator.retries,
          // Creates cut by the kill that had been durable: the retry was answered 200 with the original.
          answeredExisting: [...run.creator.acknowledged.values()].filter((a) => a.status === 200).length,
          reconnections: run.seen.reconnections,
          offers: audit.offers,
          misses: audit.misses,
        }),
      );
    } catch (err) {
      console.error(`server output (${name}):\n${server.output}`);
      throw err;
    }
  }, 300_000);
});
