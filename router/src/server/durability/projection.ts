// The interactions projection as a pure fold: each routing event or annotation changes the row
// of its interaction. The projector applies it live; recovery applies it to the replayed log.
import type { InteractionRow } from '@atende/db';
import type { RoutingEvent } from '../../core/index.js';
import type { Annotation } from '../../store/engine.js';
import { ANNOTATIONS, interactionIdOf } from './journal.js';

/** A whole row, every column set, as the projector keeps and writes it. */
export type ProjectedRow = Required<Omit<InteractionRow, 'updatedAt'>>;

export const isFinished = (row: ProjectedRow): boolean => row.state === 'ended' || row.state === 'abandoned';

const seconds = (from: Date, to: number): number => Math.max(0, Math.round((to - from.getTime()) / 1000));

/** Applies one event to the rows map; returns the id of the row it changed, if any. */
export function projectEvent(rows: Map<string, ProjectedRow>, e: RoutingEvent, tenant = 'default'): string | undefined {
  if (e.type === 'interaction.queued') {
    const q = e.interaction;
    const existing = rows.get(q.id);
    rows.set(q.id, {
      id: q.id,
      tenant,
      channel: q.channel,
      groupId: q.groupId,
      state: 'queued',
      agentId: null,
      priority: q.priority,
      legalPriority: q.legalPriority,
      contactId: existing?.contactId ?? null,
      data: existing?.data ?? {},
      createdAt: new Date(q.waitingSince),
      offeredAt: null,
      acceptedAt: null,
      endedAt: null,
      waitSeconds: null,
      tabulation: existing?.tabulation ?? null,
    });
    return q.id;
  }
  const id = interactionIdOf(e);
  const row = id === undefined ? undefined : rows.get(id);
  if (!row) return undefined;
  switch (e.type) {
    case 'interaction.offered':
      row.state = 'offered';
      row.agentId = e.agentId;
      row.offeredAt = new Date(e.at);
      break;
    case 'interaction.accepted':
      row.state = 'active';
      row.agentId = e.agentId;
      row.acceptedAt = new Date(e.at);
      row.waitSeconds = seconds(row.createdAt, e.at);
      break;
    case 'interaction.rejected':
    case 'interaction.expired':
    case 'interaction.revoked':
      row.state = 'queued';
      row.agentId = null;
      break;
    case 'interaction.ended':
      row.state = e.wrapUpUntil === undefined ? 'ended' : 'wrapup';
      row.agentId = e.agentId;
      row.endedAt = new Date(e.at);
      break;
    case 'interaction.wrapped_up':
      row.state = 'ended';
      break;
    case 'interaction.abandoned':
      row.state = 'abandoned';
      row.agentId = null;
      row.endedAt = new Date(e.at);
      row.waitSeconds = seconds(row.createdAt, e.at);
      break;
    case 'interaction.transferred':
      row.state = 'queued';
      row.groupId = e.toGroupId;
      row.agentId = null;
      break;
    default:
      return undefined;
  }
  return row.id;
}

/** Applies one annotation; returns the id of the row it changed, if the row is known. */
export function projectAnnotation(rows: Map<string, ProjectedRow>, a: Annotation): string | undefined {
  const row = a.interactionId === undefined ? undefined : rows.get(a.interactionId);
  if (!row) return undefined;
  if (a.type === ANNOTATIONS.details) {
    if (typeof a.payload.contactId === 'string') row.contactId = a.payload.contactId;
    if (a.payload.data && typeof a.payload.data === 'object') row.data = a.payload.data as Record<string, unknown>;
    return row.id;
  }
  if (a.type === ANNOTATIONS.tabulation) {
    row.tabulation = (a.payload.tabulation ?? null) as Record<string, unknown> | null;
    return row.id;
  }
  return undefined;
}
