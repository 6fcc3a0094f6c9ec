// Start-up recovery: read the whole routing log once, hand the core its events to replay, and
// bring the interactions projection up to date with what was durable but not yet projected.
import { getSetting, putSetting, upsertInteractions, type Database, type EventLog } from '@atende/db';
import type { Logger } from 'pino';
import type { RoutingEvent } from '../../core/index.js';
import { readLogEntry } from './journal.js';
import { projectAnnotation, projectEvent, type ProjectedRow } from './projection.js';

/** Setting holding the highest log seq whose effects are known to be in the interactions table. */
export const CHECKPOINT_KEY = 'projection.checkpoint';

export interface Recovered {
  events: RoutingEvent[];
  rows: Map<string, ProjectedRow>;
  lastSeq: number;
  /** Interactions rewritten because the log was ahead of the projection (after a crash). */
  reprojected: number;
}

export async function recover(db: Database, eventLog: EventLog, log: Logger): Promise<Recovered> {
  const checkpoint = (await getSetting<{ seq: number }>(db, CHECKPOINT_KEY))?.seq ?? 0;
  const events: RoutingEvent[] = [];
  const rows = new Map<string, ProjectedRow>();
  const touched = new Set<string>();
  let lastSeq = 0;
  for await (const stored of eventLog.read()) {
    lastSeq = stored.seq;
    const entry = readLogEntry(stored);
    let id: string | undefined;
    if (entry.kind === 'event') {
      events.push(entry.event);
      id = projectEvent(rows, entry.event);
    } else {
      id = projectAnnotation(rows, entry.annotation);
    }
    if (id !== undefined && stored.seq > checkpoint) touched.add(id);
  }
  const stale = [...touched].map((id) => rows.get(id)!);
  for (let i = 0; i < stale.length; i += 1_000) await upsertInteractions(db, stale.slice(i, i + 1_000));
  if (lastSeq > checkpoint) await putSetting(db, CHECKPOINT_KEY, { seq: lastSeq });
  log.info({ events: events.length, lastSeq, checkpoint, reprojected: stale.length }, 'routing log replayed');
  return { events, rows, lastSeq, reprojected: stale.length };
}

/**
 * Moves the checkpoint forward: read the log's end first, then wait until everything decided
 * up to then is published and projected, so the saved seq never runs ahead of the table.
 */
export async function saveCheckpoint(
  db: Database,
  eventLog: EventLog,
  drained: () => Promise<void>,
): Promise<number> {
  const seq = await eventLog.lastSeq();
  await drained();
  await putSetting(db, CHECKPOINT_KEY, { seq });
  return seq;
}
