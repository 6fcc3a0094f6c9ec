// The routing event log: durable, idempotent appends with group commit, and ordered replay.
import { and, asc, eq, gt, max, sql, type SQL } from 'drizzle-orm';
import { executePrepared, type Database } from './client.js';
import { routingEvents } from './schema/index.js';

export interface NewRoutingEvent {
  /** Idempotency key chosen by the producer: appending the same id twice stores it once. */
  eventId: string;
  type: string;
  /** When the event happened (a Date or epoch milliseconds). */
  at: Date | number;
  interactionId?: string | null;
  agentId?: string | null;
  payload: unknown;
  /** Defaults to the log's tenant. */
  tenant?: string;
}

export interface StoredRoutingEvent {
  seq: number;
  tenant: string;
  eventId: string;
  type: string;
  at: Date;
  interactionId: string | null;
  agentId: string | null;
  payload: unknown;
}

export interface EventLogOptions {
  /** Tenant written for events that name none (default 'default'). */
  tenant?: string;
  /**
   * Most rows in one INSERT. Postgres allows 65,535 bind parameters per statement and a row
   * uses 7, so this must stay below ~9,000; a single larger append is split in one transaction.
   */
  maxRowsPerInsert?: number;
}

export interface ReadEventsOptions {
  /** Whose events to read; defaults to the log's tenant. */
  tenant?: string;
  /** Read every tenant's events (the whole log), ignoring `tenant`. */
  allTenants?: boolean;
  /** Resume after this sequence number (exclusive). */
  afterSeq?: number;
  /** Rows fetched per query (default 5,000). */
  batchSize?: number;
}

/** A row as the INSERT reads it from its one JSON parameter (built once, when appended). */
interface EventRow {
  tenant: string;
  event_id: string;
  type: string;
  at: string;
  interaction_id: string | null;
  agent_id: string | null;
  payload: unknown;
}

interface PendingAppend {
  rows: EventRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: appends made in one turn of the event loop share an INSERT; while one INSERT is
 * in flight, later append() calls queue up and are written together by the next INSERT, so
 * throughput grows with concurrency instead of paying one round trip (and one fsync) per call.
 * Each call resolves only once its own rows are committed.
 */
export class EventLog {
  readonly #db: Database;
  readonly #tenant: string;
  readonly #maxRowsPerInsert: number;
  #queue: PendingAppend[] = [];
  #writing = false;
  #idleWaiters: (() => void)[] = [];
  #flushes = 0;
  #rowsWritten = 0;

  constructor(db: Database, options: EventLogOptions = {}) {
    this.#db = db;
    this.#tenant = options.tenant ?? 'default';
    this.#maxRowsPerInsert = options.maxRowsPerInsert ?? 4_000;
    if (this.#maxRowsPerInsert < 1 || this.#maxRowsPerInsert > 9_000) {
      throw new RangeError('maxRowsPerInsert must be between 1 and 9000');
    }
  }

  /** Number of write round trips (flushes) made so far; each is one INSERT or one transaction. */
  get flushes(): number {
    return this.#flushes;
  }

  /** Rows sent to the database so far, duplicates included. */
  get rowsWritten(): number {
    return this.#rowsWritten;
  }

  append(events: readonly NewRoutingEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let rows: EventRow[];
    try {
      rows = events.map((event) => this.#toRow(event));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        // Start in the loop's check phase, once the I/O callbacks of this turn have run: every
        // request that arrived in this turn shares the first INSERT. (A microtask would start it
        // after the first callback; with PGlite, which writes in this thread, the write would then
        // end before the next request is read, and every INSERT would carry one call.)
        setImmediate(() => void this.#drain());
      }
    });
  }

  /** Resolves once every append made so far has been written (or has failed). */
  flush(): Promise<void> {
    if (!this.#writing) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Reads events in seq order, fetching one batch per query; safe to use on large logs. */
  async *read(options: ReadEventsOptions = {}): AsyncGenerator<StoredRoutingEvent> {
    const batchSize = options.batchSize ?? 5_000;
    let afterSeq = options.afterSeq ?? 0;
    for (;;) {
      const conditions: SQL[] = [gt(routingEvents.seq, afterSeq)];
      if (!options.allTenants) conditions.push(eq(routingEvents.tenant, options.tenant ?? this.#tenant));
      const batch = await this.#db
        .select()
        .from(routingEvents)
        .where(and(...conditions))
        .orderBy(asc(routingEvents.seq))
        .limit(batchSize);
      for (const row of batch) yield row;
      if (batch.length < batchSize) return;
      afterSeq = batch[batch.length - 1]!.seq;
    }
  }

  /** Every event of one tenant (default: the log's) in seq order, for replay on start-up. */
  async readAll(tenant?: string): Promise<StoredRoutingEvent[]> {
    const events: StoredRoutingEvent[] = [];
    for await (const event of this.read({ tenant })) events.push(event);
    return events;
  }

  /** The highest sequence number of one tenant's events (default: the log's), 0 when it has none. */
  async lastSeq(tenant?: string): Promise<number> {
    const [row] = await this.#db
      .select({ seq: max(routingEvents.seq) })
      .from(routingEvents)
      .where(eq(routingEvents.tenant, tenant ?? this.#tenant));
    return Number(row?.seq ?? 0);
  }

  #toRow(event: NewRoutingEvent): EventRow {
    const at = event.at instanceof Date ? event.at : new Date(event.at);
    if (Number.isNaN(at.getTime())) throw new RangeError(`event ${event.eventId} has an invalid time`);
    return {
      tenant: event.tenant ?? this.#tenant,
      event_id: event.eventId,
      type: event.type,
      at: at.toISOString(),
      interaction_id: event.interactionId ?? null,
      agent_id: event.agentId ?? null,
      payload: event.payload ?? {},
    };
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#takeBatch();
        try {
          await this.#write(batch.flatMap((pending) => pending.rows));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          // One bad call must not fail the others that happened to share its INSERT.
          else await this.#writeEachAlone(batch);
        }
      }
    } finally {
      this.#writing = false;
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  /** Takes queued calls up to the row limit; always at least one call, however large. */
  #takeBatch(): PendingAppend[] {
    let rowCount = this.#queue[0]!.rows.length;
    let count = 1;
    while (count < this.#queue.length && rowCount + this.#queue[count]!.rows.length <= this.#maxRowsPerInsert) {
      rowCount += this.#queue[count]!.rows.length;
      count += 1;
    }
    return this.#queue.splice(0, count);
  }

  async #writeEachAlone(batch: PendingAppend[]): Promise<void> {
    for (const pending of batch) {
      try {
        await this.#write(pending.rows);
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  async #write(rows: EventRow[]): Promise<void> {
    this.#flushes += 1;
    this.#rowsWritten += rows.length;
    if (rows.length <= this.#maxRowsPerInsert) {
      await this.#insert(this.#db, rows);
      return;
    }
    await this.#db.transaction(async (tx) => {
      for (let start = 0; start < rows.length; start += this.#maxRowsPerInsert) {
        await this.#insert(tx, rows.slice(start, start + this.#maxRowsPerInsert));
      }
    });
  }

  /**
   * One statement whose text never changes (the driver prepares it once), the rows as one JSON
   * parameter: building a multi-row INSERT through the query builder cost more CPU than the write.
   */
  async #insert(db: Pick<Database, '_'>, rows: EventRow[]): Promise<void> {
    const json = JSON.stringify(rows);
    await executePrepared(db, 'atende_routing_events_append', sql`insert into routing_events (tenant, event_id, type, at, interaction_id, agent_id, payload)
      select x.tenant, x.event_id, x.type, x.at, x.interaction_id, x.agent_id, x.payload
      from rows from (jsonb_to_recordset(${json}::jsonb) as (tenant text, event_id text, type text, at timestamptz, interaction_id text, agent_id text, payload jsonb))
        with ordinality as x(tenant, event_id, type, at, interaction_id, agent_id, payload, ord)
      order by x.ord
      on conflict (event_id) do nothing`);
  }

}
