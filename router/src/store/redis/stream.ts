// The tenant's event stream: the routing script appends each command's events (one entry per
// command, in decision order) in the same atomic call, so every node can read what any node decided.

import type { RoutingEvent } from '../../core/types.js';
import type { Annotation } from '../engine.js';
import type { RedisClient } from './script.js';

export interface StreamEntry {
  /** Redis stream id: the total order of decisions across nodes. */
  id: string;
  events: RoutingEvent[];
  annotations: Annotation[];
  /** The tenant's earliest live deadline after this decision (any node may tick then). */
  nextDeadline: number | undefined;
}

/** A stable id per event for idempotent persistence: the entry id and the event's index in it. */
export const eventId = (entryId: string, index: number): string => `${entryId}/${index}`;

export function streamKey(tenantKey: string): string {
  return `${tenantKey}:events`;
}

export function decodeEntry([id, flat]: [string, string[]]): StreamEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return {
    id,
    events: JSON.parse(fields.events ?? '[]') as RoutingEvent[],
    annotations: fields.annotations ? (JSON.parse(fields.annotations) as Annotation[]) : [],
    nextDeadline: fields.next ? Number(fields.next) : undefined,
  };
}

/** Entries after `afterId` (exclusive; '-' for the start), oldest first. */
export async function readStream(client: RedisClient, tenantKey: string, afterId = '-', count = 1000): Promise<StreamEntry[]> {
  const start = afterId === '-' ? '-' : `(${afterId}`;
  const rows = (await client.xrange(streamKey(tenantKey), start, '+', 'COUNT', count)) as [string, string[]][];
  return rows.map(decodeEntry);
}

/**
 * Entries after `afterId` ('$' for only new ones): blocks up to `blockMs` when there are none yet
 * (0: answers at once), at most `count` of them.
 */
export async function waitForEntries(client: RedisClient, tenantKey: string, afterId: string, blockMs: number, count = 1000): Promise<StreamEntry[]> {
  const key = streamKey(tenantKey);
  const reply = (
    blockMs > 0
      ? await client.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, afterId)
      : await client.xread('COUNT', count, 'STREAMS', key, afterId)
  ) as [string, [string, string[]][]][] | null;
  return reply ? reply[0]![1].map(decodeEntry) : [];
}

/** Orders stream ids (`<ms>-<seq>`) numerically; '0' and '0-0' are the start. */
export function compareEntryIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  if (am !== bm) return am.length !== bm.length ? am.length - bm.length : am < bm ? -1 : 1;
  if (as === bs) return 0;
  return as.length !== bs.length ? as.length - bs.length : as < bs ? -1 : 1;
}

/** The entry id just before `id`, for exclusive reads that must include `id`. */
export function previousEntryId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  if (BigInt(seq) > 0n) return `${ms}-${BigInt(seq) - 1n}`;
  if (BigInt(ms) === 0n) return '0-0';
  return `${BigInt(ms) - 1n}-18446744073709551615`;
}
