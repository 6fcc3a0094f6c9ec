// JSON shapes of the API: interactions, agents and groups with ISO-8601 UTC times, built from
// the core's live views and the interactions projection row.
import type { Interaction } from '@atende/db';
import type { AgentView, GroupConfig, InteractionView, QueueFigures } from '../../core/index.js';
import type { ProjectedRow } from '../durability/projection.js';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const wait = (from: number, to: number): number => Math.max(0, Math.floor((to - from) / 1000));

export interface InteractionJson {
  id: string;
  channel: string;
  groupId: string;
  state: string;
  agentId?: string;
  priority: number;
  legalPriority: boolean;
  createdAt: string;
  waitingSince: string;
  queuedAt?: string;
  offeredAt?: string;
  offerExpiresAt?: string;
  acceptedAt?: string;
  endedAt?: string;
  wrapUpUntil?: string;
  waitSeconds: number;
  contactId?: string;
  data: Record<string, unknown>;
  tabulation?: Record<string, unknown>;
}

function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/**
 * A session the router still holds: the live view, with the contact and data of its row. Built
 * field by field (absent ones never set, no delete) on every answer and offer, so the object
 * keeps a fast shape for JSON.stringify.
 */
export function liveInteractionJson(view: InteractionView, row: ProjectedRow | undefined, now: number): InteractionJson {
  const since = iso(view.waitingSince)!;
  const json = { id: view.id, channel: view.channel, groupId: view.groupId, state: view.state } as InteractionJson;
  if (view.agentId !== undefined) json.agentId = view.agentId;
  json.priority = view.priority;
  json.legalPriority = view.legalPriority;
  json.createdAt = since;
  json.waitingSince = since;
  if (view.queuedAt !== undefined) json.queuedAt = iso(view.queuedAt);
  if (view.offeredAt !== undefined) json.offeredAt = iso(view.offeredAt);
  if (view.offerExpiresAt !== undefined) json.offerExpiresAt = iso(view.offerExpiresAt);
  if (view.acceptedAt !== undefined) json.acceptedAt = iso(view.acceptedAt);
  if (row?.endedAt) json.endedAt = row.endedAt.toISOString();
  if (view.wrapUpUntil !== undefined) json.wrapUpUntil = iso(view.wrapUpUntil);
  json.waitSeconds = wait(view.waitingSince, view.acceptedAt ?? now);
  if (row?.contactId != null) json.contactId = row.contactId;
  json.data = row?.data ?? {};
  if (row?.tabulation != null) json.tabulation = row.tabulation;
  return json;
}

/** A session from the interactions table (finished ones, listings). */
export function storedInteractionJson(row: Interaction | ProjectedRow, now: number): InteractionJson {
  const createdAt = (row.createdAt ?? new Date(now)).toISOString();
  const finished = row.state === 'ended' || row.state === 'abandoned';
  const json = { id: row.id, channel: row.channel, groupId: row.groupId, state: row.state } as InteractionJson;
  if (row.agentId != null) json.agentId = row.agentId;
  json.priority = row.priority ?? 0;
  json.legalPriority = row.legalPriority ?? false;
  json.createdAt = createdAt;
  json.waitingSince = createdAt;
  if (row.offeredAt) json.offeredAt = row.offeredAt.toISOString();
  if (row.acceptedAt) json.acceptedAt = row.acceptedAt.toISOString();
  if (row.endedAt) json.endedAt = row.endedAt.toISOString();
  json.waitSeconds = row.waitSeconds ?? (finished ? 0 : wait(row.createdAt?.getTime() ?? now, now));
  if (row.contactId != null) json.contactId = row.contactId;
  json.data = row.data ?? {};
  if (row.tabulation != null) json.tabulation = row.tabulation;
  return json;
}

export function agentJson(view: AgentView) {
  return { ...view, presenceSince: iso(view.presenceSince), idleSince: iso(view.idleSince) };
}
export type AgentJson = ReturnType<typeof agentJson>;

export function groupJson(config: GroupConfig, extra: { hoursId?: string | null; unitId?: string | null }, queues: QueueFigures[]) {
  const { hours, ...rest } = config;
  return clean({ ...rest, hoursId: extra.hoursId ?? undefined, unitId: extra.unitId ?? undefined, hours, queues });
}
