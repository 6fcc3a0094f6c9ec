// The tenant's event stream: each script call appends one entry holding the events of the
// commands it decided (in decision order), in the same atomic call, so every node can read what
// any node decided.

import type { RoutingEvent } from '../../core/types.js';
import type { Annotation } from '../engine.js';
import type { RedisClient } from './script.js';

/** The events of one decided command, with the annotations its caller attached. */
export interface StreamCommand {
  events: RoutingEvent[];
  annotations: Annotation[];
}

export interface StreamEntry {
  /** Redis stream id: the total order of decisions across nodes. */
  id: string;
  /** The commands of one script call that produced events, in decision order. */
  commands: StreamCommand[];
  /** The tenant's earliest live deadline after these decisions (any node may tick then). */
  nextDeadline: number | undefined;
}

/** A stable id per event for idempotent persistence: the entry id and the event's index in it. */
export const eventId = (entryId: string, index: number): string => `${entryId}/${index}`;

/** An entry's events, in decision order. */
export function entryEvents(entry: StreamEntry): RoutingEvent[] {
  return entry.commands.flatMap((c) => c.events);
}

export function streamKey(tenantKey: string): string {
  return `${tenantKey}:events`;
}

/**
 * An entry's fields: per command, `events` then, when it has any, `annotations`; then `next`.
 * (An entry written one per command, `events annotations next`, is the same with one command.)
 */
export function decodeEntry([id, flat]: [string, string[]]): StreamEntry {
  const commands: StreamCommand[] = [];
  let nextDeadline: number | undefined;
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i]!;
    const value = flat[i + 1]!;
    if (field === 'events') commands.push({ events: JSON.parse(value) as RoutingEvent[], annotations: [] });
    else if (field === 'annotations') {
      const last = commands.at(-1);
      if (last && value !== '') last.annotations = JSON.parse(value) as Annotation[];
    } else if (field === 'next') nextDeadline = value ? Number(value) : undefined;
  }
  return { id, commands, nextDeadline };
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
