// Concurrent commands share durable writes: each is acknowledged only after its events are in the
// log, yet a burst costs a handful of INSERTs rather than one per command (group commit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../../src/server/auth/principal.js';
import { configureBasics, startTestServer, type TestServer } from '../helpers.js';

describe('group commit of routing events', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    await configureBasics(t);
  });
  afterAll(() => t?.close());

  it('writes a burst of 200 creates in far fewer flushes, each acknowledged once stored', async () => {
    const { sessions, context } = t.server.services;
    const log = context.eventLog;
    const flushesBefore = log.flushes;
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sessions.create(SYSTEM, { id: `burst-${i}`, channel: 'chat', groupId: 'itcd-n1' })),
    );
    const flushes = log.flushes - flushesBefore;
    expect(created.every((c) => c.created)).toBe(true);
    expect(flushes).toBeGreaterThan(0);
    expect(flushes).toBeLessThan(20);
    const stored = await log.readAll();
    const queued = new Set(stored.filter((e) => e.type === 'interaction.queued').map((e) => e.interactionId));
    for (let i = 0; i < 200; i++) expect(queued.has(`burst-${i}`)).toBe(true);
  });
});
