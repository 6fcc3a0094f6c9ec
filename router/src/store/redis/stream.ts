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

function decode([id, flat]: [string, string[]]): StreamEntry {
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
  return rows.map(decode);
}

/** Blocks up to `blockMs` for entries after `afterId` ('$' for only new ones). */
export async function waitForEntries(client: RedisClient, tenantKey: string, afterId: string, blockMs: number): Promise<StreamEntry[]> {
  const reply = (await client.xread('BLOCK', blockMs, 'STREAMS', streamKey(tenantKey), afterId)) as [string, [string, string[]][]][] | null;
  return reply ? reply[0]![1].map(decode) : [];
}
