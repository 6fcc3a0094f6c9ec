// Durability with the Redis engine. Decisions land in the tenant's Redis stream (atomically with
// the state they change); a consumer group of all router nodes copies each entry to the Postgres
// log with ids derived from the entry (`<entry>/<i>` for events, `<entry>/a<i>` for annotations),
// so a redelivered or reclaimed entry is written once. Entries a dead node had read but not
// acknowledged are claimed by the others (XAUTOCLAIM). The stream is trimmed only below what the
// group has acknowledged, so history = the Postgres rows of entries before the stream's first
// entry + the stream from there: that is how a node (re)starts its replica.
import { getSetting, putSetting, upsertInteractions, type Database, type EventLog, type NewRoutingEvent, type StoredRoutingEvent } from '@atende/db';
import type { Logger } from 'pino';
import type { RoutingEvent } from '../../core/index.js';
import { compareEntryIds, decodeEntry, previousEntryId, streamKey, type RedisClient, type StreamEntry } from '../../store/redis/index.js';
import { ANNOTATION_PREFIX, journalRows, readLogEntry } from './journal.js';
import { projectAnnotation, projectEvent, type ProjectedRow } from './projection.js';

export const PERSIST_GROUP = 'persist';
/** Setting: the stream entry up to which some node's projection of the interactions table is written. */
export const STREAM_CHECKPOINT_KEY = 'projection.checkpoint.stream';

const STREAM_ROW_ID = /^(\d+-\d+)\/(a?)(\d+)$/;

/**
 * Rows of the durable log for one stream entry: the ids make persisting it again harmless. Events
 * are numbered across the entry's commands (`<entry>/<i>`), annotations too (`<entry>/a<i>`); each
 * command's rows keep its own order and time. A history read back sorts an entry's annotations
 * after all its events: they only set an interaction's contact, data and tabulation, which no
 * event changes, so the projection is the same.
 */
export function entryRows(entry: StreamEntry): NewRoutingEvent[] {
  const out: NewRoutingEvent[] = [];
  let events = 0;
  let annotations = 0;
  for (const command of entry.commands) {
    const rows = journalRows(command.events, command.annotations);
    const n = command.events.length;
    for (let i = 0; i < rows.length; i++) {
      out.push({ ...rows[i]!, eventId: i < n ? `${entry.id}/${events + i}` : `${entry.id}/a${annotations + i - n}` });
    }
    events += n;
    annotations += rows.length - n;
  }
  return out;
}

async function firstEntryId(client: RedisClient, key: string): Promise<string | undefined> {
  const rows = (await client.xrange(streamKey(key), '-', '+', 'COUNT', 1)) as [string, string[]][];
  return rows[0]?.[0];
}

interface StreamRow {
  entryId: string;
  annotation: boolean;
  index: number;
  row: StoredRoutingEvent;
}

export interface StreamRecovered {
  events: RoutingEvent[];
  rows: Map<string, ProjectedRow>;
  /** The last entry whose events `events` holds; the replica reads the stream after it. */
  afterEntryId: string;
  reprojected: number;
}

/**
 * History for a node's replica and projection: Postgres rows of the entries before the stream's
 * first entry (all persisted: the stream is trimmed only below acknowledged entries), in stream
 * order. Rows written by the embedded engine (ids not from a stream) cannot be combined with
 * Redis's state, so they stop the start with a clear error.
 */
export async function recoverFromStream(db: Database, eventLog: EventLog, client: RedisClient, key: string, log: Logger): Promise<StreamRecovered> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await firstEntryId(client, key);
    const fromStream: StreamRow[] = [];
    const direct: StoredRoutingEvent[] = [];
    for await (const row of eventLog.read()) {
      const m = STREAM_ROW_ID.exec(row.eventId);
      if (m) fromStream.push({ entryId: m[1]!, annotation: m[2] === 'a', index: Number(m[3]), row });
      else if (row.type.startsWith(ANNOTATION_PREFIX)) direct.push(row);
      else {
        throw new Error(
          'o banco de dados guarda histórico de roteamento do motor embutido (sem Redis); use um banco novo para o modo Redis ' +
            `(evento ${row.eventId} do tipo ${row.type})`,
        );
      }
    }
    const after = await firstEntryId(client, key);
    if (before !== after) continue; // trimmed while reading: read again
    const kept = before === undefined ? fromStream : fromStream.filter((r) => compareEntryIds(r.entryId, before) < 0);
    kept.sort((a, b) => compareEntryIds(a.entryId, b.entryId) || Number(a.annotation) - Number(b.annotation) || a.index - b.index);
    const hasState = (await client.exists(`${key}:meta`)) === 1;
    if (kept.length > 0 && !hasState) {
      throw new Error('o Redis não tem o estado de roteamento que o histórico do Postgres descreve (dados do Redis perdidos?); restaure o Redis com AOF ou use um banco novo');
    }
    if (kept.length === 0 && before === undefined && hasState) {
      throw new Error('o Redis tem estado de roteamento deste tenant mas o Postgres não tem o histórico dele; use o Postgres deste Redis ou limpe o tenant');
    }
    const checkpoint = (await getSetting<{ entryId: string }>(db, STREAM_CHECKPOINT_KEY))?.entryId ?? '0-0';
    const events: RoutingEvent[] = [];
    const rows = new Map<string, ProjectedRow>();
    const touched = new Set<string>();
    for (const r of kept) {
      const entry = readLogEntry(r.row);
      const id = entry.kind === 'event' ? projectEvent(rows, entry.event) : projectAnnotation(rows, entry.annotation);
      if (entry.kind === 'event') events.push(entry.event);
      if (id !== undefined && compareEntryIds(r.entryId, checkpoint) > 0) touched.add(id);
    }
    for (const row of direct) {
      const entry = readLogEntry(row);
      if (entry.kind === 'annotation') projectAnnotation(rows, entry.annotation);
    }
    const stale = [...touched].map((id) => rows.get(id)!).filter(Boolean);
    for (let i = 0; i < stale.length; i += 1_000) await upsertInteractions(db, stale.slice(i, i + 1_000));
    const last = kept.at(-1)?.entryId ?? '0-0';
    const afterEntryId = before === undefined ? last : previousEntryId(before);
    log.info({ events: events.length, afterEntryId, reprojected: stale.length }, 'routing history read for the Redis replica');
    return { events, rows, afterEntryId, reprojected: stale.length };
  }
  throw new Error('the event stream kept being trimmed while the history was read');
}

/** Moves the stream checkpoint: everything the replica applied up to `position` is projected and written. */
export async function saveStreamCheckpoint(db: Database, position: string, drained: () => Promise<void>): Promise<void> {
  await drained();
  const current = (await getSetting<{ entryId: string }>(db, STREAM_CHECKPOINT_KEY))?.entryId ?? '0-0';
  if (compareEntryIds(position, current) > 0) await putSetting(db, STREAM_CHECKPOINT_KEY, { entryId: position });
}

export interface StreamPersisterOptions {
  /** A dedicated connection (its reads block). */
  client: RedisClient;
  key: string;
  eventLog: EventLog;
  /** This node's consumer name in the group. */
  consumer: string;
  log: Logger;
  /** Entries pending this long on a consumer are taken over (it is presumed dead). */
  claimIdleMs?: number;
  /** How often to reclaim and trim. */
  maintenanceMs?: number;
  /** Entries kept after they are persisted, for nodes reading behind. */
  keepMs?: number;
  clock?: () => number;
}

/** One node's member of the consumer group that copies the stream to Postgres. */
export class StreamPersister {
  private closed = false;
  private running: Promise<void> = Promise.resolve();
  private lastMaintenance = 0;
  persisted = 0;
  claimed = 0;

  constructor(private readonly options: StreamPersisterOptions) {}

  async start(): Promise<void> {
    try {
      await this.options.client.xgroup('CREATE', streamKey(this.options.key), PERSIST_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
    }
    this.running = this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    const { client, key, consumer, log } = this.options;
    const stream = streamKey(key);
    const clock = this.options.clock ?? Date.now;
    while (!this.closed) {
      try {
        const reply = (await client.xreadgroup('GROUP', PERSIST_GROUP, consumer, 'COUNT', 500, 'BLOCK', 1_000, 'STREAMS', stream, '>')) as
          | [string, [string, string[] | null][]][]
          | null;
        const entries = reply ? reply[0]![1] : [];
        if (entries.length > 0) await this.persist(entries);
        if (clock() - this.lastMaintenance >= (this.options.maintenanceMs ?? 5_000)) {
          this.lastMaintenance = clock();
          await this.maintain();
        }
      } catch (err) {
        if (this.closed) break;
        log.warn({ err }, 'event stream persister: retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async persist(raw: [string, string[] | null][]): Promise<void> {
    // An entry trimmed while pending comes back without fields: nothing left to write.
    const present = raw.filter((r): r is [string, string[]] => r[1] !== null);
    const rows = present.flatMap((r) => entryRows(decodeEntry(r)));
    if (rows.length > 0) await this.options.eventLog.append(rows);
    await this.options.client.xack(streamKey(this.options.key), PERSIST_GROUP, ...raw.map((r) => r[0]));
    this.persisted += raw.length;
  }

  /** Take over entries a dead consumer left pending; trim what every consumer has acknowledged. */
  private async maintain(): Promise<void> {
    const { client, key, consumer } = this.options;
    const stream = streamKey(key);
    let cursor = '0-0';
    for (let round = 0; round < 100; round++) {
      const [next, entries] = (await client.xautoclaim(stream, PERSIST_GROUP, consumer, this.options.claimIdleMs ?? 15_000, cursor, 'COUNT', 500)) as [
        string,
        [string, string[] | null][],
        ...unknown[],
      ];
      if (entries.length > 0) {
        this.claimed += entries.length;
        await this.persist(entries);
      }
      if (next === '0-0') break;
      cursor = next;
    }
    await this.trim();
  }

  private async trim(): Promise<void> {
    const { client, key } = this.options;
    const stream = streamKey(key);
    const summary = (await client.xpending(stream, PERSIST_GROUP)) as [number, string | null, string | null, unknown];
    const groups = (await client.xinfo('GROUPS', stream)) as unknown[][];
    let delivered: string | undefined;
    for (const g of groups) {
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < g.length; i += 2) fields[String(g[i])] = g[i + 1];
      if (fields.name === PERSIST_GROUP) delivered = String(fields['last-delivered-id']);
    }
    if (delivered === undefined) return;
    // Below the oldest pending entry and at most up to the last delivered one, everything is in Postgres.
    let safe = summary[0] > 0 && summary[1] ? summary[1] : nextEntryId(delivered);
    const keepFrom = `${Math.max(0, (this.options.clock ?? Date.now)() - (this.options.keepMs ?? 60_000))}-0`;
    if (compareEntryIds(keepFrom, safe) < 0) safe = keepFrom;
    if (compareEntryIds(safe, '0-1') <= 0) return;
    await client.xtrim(stream, 'MINID', safe);
  }
}

function nextEntryId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}
