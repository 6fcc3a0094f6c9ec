import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, openDatabase, schema, upsertInteractions, type NewRoutingEvent } from '../src/index.js';
import { createTestLocation, ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

const { routingEvents } = schema;

function events(tenant: string, count: number, from = 0): NewRoutingEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    eventId: `${tenant}-e${from + index}`,
    type: 'interaction.queued',
    at: 1_700_000_000_000 + from + index,
    interactionId: `i${from + index}`,
    payload: { position: from + index },
  }));
}

function insertsInto(queries: string[]): number {
  return queries.filter((query) => /^\s*insert into "?routing_events"?/i.test(query)).length;
}

describe.each(ENGINES)('EventLog on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('reads back appended events in append order with every field intact', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const at = new Date('2025-03-04T05:06:07.089Z');
    await log.append([
      { eventId: `${tenant}-a`, type: 'interaction.queued', at, interactionId: 'i1', payload: { groupId: 'g1', n: [1, 2] } },
      { eventId: `${tenant}-b`, type: 'interaction.offered', at: at.getTime() + 1, interactionId: 'i1', agentId: 'a1', payload: { expiresAt: 5 } },
    ]);
    await log.append([{ eventId: `${tenant}-c`, type: 'agent.paused', at: at.getTime() + 2, agentId: 'a1', payload: null }]);

    const stored = await log.readAll();
    expect(stored.map((event) => event.eventId)).toEqual([`${tenant}-a`, `${tenant}-b`, `${tenant}-c`]);
    expect(stored[0]).toMatchObject({
      tenant,
      type: 'interaction.queued',
      at,
      interactionId: 'i1',
      agentId: null,
      payload: { groupId: 'g1', n: [1, 2] },
    });
    expect(stored[1]!.at.getTime()).toBe(at.getTime() + 1);
    expect(stored[1]!.agentId).toBe('a1');
    expect(stored[2]!.payload).toEqual({});
    expect(stored[0]!.seq).toBeLessThan(stored[1]!.seq);
    expect(stored[1]!.seq).toBeLessThan(stored[2]!.seq);
  });

  it('stores an event once however many times its event id is appended', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const [first] = events(tenant, 1);
    await log.append([first!]);
    await log.append([first!, { ...first!, type: 'a retry that must not overwrite' }]);
    await Promise.all([log.append([first!]), log.append([first!]), log.append(events(tenant, 2))]);

    const stored = await log.readAll();
    expect(stored.map((event) => event.eventId)).toEqual([`${tenant}-e0`, `${tenant}-e1`]);
    expect(stored[0]!.type).toBe('interaction.queued');
  });

  it('batches 200 concurrent appends into a few INSERTs (group commit)', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const insertsBefore = insertsInto(database.queries);

    const all = events(tenant, 200);
    await Promise.all(all.map((event) => log.append([event])));

    expect(log.flushes).toBeGreaterThanOrEqual(1);
    expect(log.flushes).toBeLessThanOrEqual(5);
    expect(insertsInto(database.queries) - insertsBefore).toBe(log.flushes);
    const stored = await log.readAll();
    expect(stored.map((event) => event.eventId)).toEqual(all.map((event) => event.eventId));
  });

  it('writes appends made by separate callbacks of one event-loop turn in one INSERT', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const all = events(tenant, 10);
    // Like requests read in one poll phase: separate callbacks of one loop phase (immediates queued
    // together run in the same check phase), each appending, with microtasks run between them.
    const pending = await new Promise<Promise<void>[]>((resolve) => {
      const appended: Promise<void>[] = [];
      for (const event of all) setImmediate(() => appended.push(log.append([event])));
      setImmediate(() => resolve(appended));
    });
    await Promise.all(pending);

    expect(log.flushes).toBe(1);
    expect((await log.readAll()).map((event) => event.eventId)).toEqual(all.map((event) => event.eventId));
  });

  it('writes appends that arrive during a write in the next INSERT, not one each', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const pending: Promise<void>[] = [];
    // 200 appends spread over 20 turns of the event loop, so most arrive while a write is in flight.
    for (let turn = 0; turn < 20; turn += 1) {
      for (const event of events(tenant, 10, turn * 10)) pending.push(log.append([event]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);

    expect(log.flushes).toBeLessThanOrEqual(40);
    expect(log.rowsWritten).toBe(200);
    expect(await log.readAll()).toHaveLength(200);
  });

  it('resolves each append only once its rows are committed and visible', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const checks = events(tenant, 50).map(async (event) => {
      await log.append([event]);
      const found = await database.db
        .select({ eventId: routingEvents.eventId })
        .from(routingEvents)
        .where(eq(routingEvents.eventId, event.eventId));
      return found.length;
    });
    expect(await Promise.all(checks)).toEqual(Array(50).fill(1));
  });

  it('fails only the bad append when it shares a batch with good ones', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const good = events(tenant, 10);
    // Postgres rejects NUL bytes in text, so this row cannot be stored.
    const bad: NewRoutingEvent = { eventId: `${tenant}-bad\u0000`, type: 'x', at: 0, payload: {} };
    const results = await Promise.allSettled([
      ...good.slice(0, 5).map((event) => log.append([event])),
      log.append([bad]),
      ...good.slice(5).map((event) => log.append([event])),
    ]);

    expect(results.map((result) => result.status)).toEqual([
      ...Array(5).fill('fulfilled'),
      'rejected',
      ...Array(5).fill('fulfilled'),
    ]);
    expect((await log.readAll()).map((event) => event.eventId)).toEqual(good.map((event) => event.eventId));
  });

  it('splits an append larger than one INSERT allows into several statements of one flush', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant, maxRowsPerInsert: 100 });
    const insertsBefore = insertsInto(database.queries);
    await log.append(events(tenant, 250));

    expect(log.flushes).toBe(1);
    expect(insertsInto(database.queries) - insertsBefore).toBe(3);
    const stored = await log.readAll();
    expect(stored.map((event) => event.eventId)).toEqual(events(tenant, 250).map((event) => event.eventId));
  });

  it('replays in batches, resuming after a sequence number', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    await log.append(events(tenant, 20));
    const selectsBefore = database.queries.filter((query) => query.startsWith('select')).length;

    const replayed: string[] = [];
    for await (const event of log.read({ batchSize: 7 })) replayed.push(event.eventId);
    expect(replayed).toEqual(events(tenant, 20).map((event) => event.eventId));
    expect(database.queries.filter((query) => query.startsWith('select')).length - selectsBefore).toBe(3);

    const all = await log.readAll();
    const rest: string[] = [];
    for await (const event of log.read({ afterSeq: all[14]!.seq, batchSize: 2 })) rest.push(event.eventId);
    expect(rest).toEqual(all.slice(15).map((event) => event.eventId));
  });

  it("keeps tenants apart and reads every tenant's events on request", async () => {
    const tenantA = uniqueTenant();
    const tenantB = uniqueTenant();
    const log = new EventLog(database.db, { tenant: tenantA });
    await log.append([
      ...events(tenantA, 2),
      ...events(tenantB, 1).map((event) => ({ ...event, tenant: tenantB })),
    ]);

    expect((await log.readAll()).map((event) => event.tenant)).toEqual([tenantA, tenantA]);
    expect((await log.readAll(tenantB)).map((event) => event.eventId)).toEqual([`${tenantB}-e0`]);
    const everyone: string[] = [];
    for await (const event of log.read({ allTenants: true })) {
      if (event.tenant === tenantA || event.tenant === tenantB) everyone.push(event.eventId);
    }
    expect(everyone).toEqual([`${tenantA}-e0`, `${tenantA}-e1`, `${tenantB}-e0`]);
  });

  it("tells the last sequence number of a tenant's log, 0 when empty", async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    expect(await log.lastSeq()).toBe(0);
    await log.append(events(tenant, 3));
    const stored = await log.readAll();
    expect(await log.lastSeq()).toBe(stored[2]!.seq);
  });

  it('flush() waits for appends still queued', async () => {
    const tenant = uniqueTenant();
    const log = new EventLog(database.db, { tenant });
    const all = events(tenant, 30);
    for (const event of all) void log.append([event]);
    await log.flush();
    const stored = await database.db
      .select({ eventId: routingEvents.eventId })
      .from(routingEvents)
      .where(inArray(routingEvents.eventId, all.map((event) => event.eventId)));
    expect(stored).toHaveLength(30);
  });

  it('rejects an event with an invalid time without writing anything', async () => {
    const log = new EventLog(database.db, { tenant: uniqueTenant() });
    await expect(log.append([{ eventId: 'no-time', type: 'x', at: Number.NaN, payload: {} }])).rejects.toThrow(
      /invalid time/,
    );
    expect(log.flushes).toBe(0);
  });
});

describe('EventLog on postgres, one connection', () => {
  it('sends its INSERT as a statement the server keeps prepared, not parsed again for each flush', async () => {
    const location = await createTestLocation('postgres');
    const opened = await openDatabase({ ...location.options, maxConnections: 1 });
    try {
      const tenant = uniqueTenant();
      const log = new EventLog(opened.db, { tenant });
      await log.append(events(tenant, 2));
      await log.append(events(tenant, 3, 2));
      await upsertInteractions(opened.db, [
        { id: `${tenant}-i1`, tenant, channel: 'chat', groupId: 'g1', state: 'queued', createdAt: new Date(1_700_000_000_000) },
      ]);
      expect((await log.readAll()).map((e) => e.eventId)).toEqual(events(tenant, 5).map((e) => e.eventId));
      const prepared = (await opened.db.execute(sql`select statement from pg_prepared_statements where not from_sql`)) as unknown as { statement: string }[];
      const texts = prepared.map((row) => row.statement.replace(/\s+/g, ' ').trim());
      expect(texts.filter((text) => text.startsWith('insert into routing_events'))).toHaveLength(1);
      expect(texts.filter((text) => text.startsWith('insert into interactions'))).toHaveLength(1);
    } finally {
      await opened.close();
      await location.dispose();
    }
  });
});
