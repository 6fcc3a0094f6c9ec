// JSON shapes of the API: interactions, agents and groups with ISO-8601 UTC times, built from
// the core's live views and the interactions projection row.
import type { Interaction } from '@atende/db';
import type { AgentView, GroupConfig, InteractionView, QueueFigures } from '../../core/index.js';
import type { ProjectedRow } from '../durability/projection.js';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const isoDate = (d: Date | null | undefined): string | undefined => (d ? d.toISOString() : undefined);
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

/** A session the router still holds: the live view, with the contact and data of its row. */
export function liveInteractionJson(view: InteractionView, row: ProjectedRow | undefined, now: number): InteractionJson {
  return clean({
    id: view.id,
    channel: view.channel,
    groupId: view.groupId,
    state: view.state,
    agentId: view.agentId,
    priority: view.priority,
    legalPriority: view.legalPriority,
    createdAt: iso(view.waitingSince)!,
    waitingSince: iso(view.waitingSince)!,
    queuedAt: iso(view.queuedAt),
    offeredAt: iso(view.offeredAt),
    offerExpiresAt: iso(view.offerExpiresAt),
    acceptedAt: iso(view.acceptedAt),
    endedAt: isoDate(row?.endedAt),
    wrapUpUntil: iso(view.wrapUpUntil),
    waitSeconds: wait(view.waitingSince, view.acceptedAt ?? now),
    contactId: row?.contactId ?? undefined,
    data: row?.data ?? {},
    tabulation: row?.tabulation ?? undefined,
  });
}

/** A session from the interactions table (finished ones, listings). */
export function storedInteractionJson(row: Interaction | ProjectedRow, now: number): InteractionJson {
  const createdAt = row.createdAt ?? new Date(now);
  const finished = row.state === 'ended' || row.state === 'abandoned';
  return clean({
    id: row.id,
    channel: row.channel,
    groupId: row.groupId,
    state: row.state,
    agentId: row.agentId ?? undefined,
    priority: row.priority ?? 0,
    legalPriority: row.legalPriority ?? false,
    createdAt: createdAt.toISOString(),
    waitingSince: createdAt.toISOString(),
    offeredAt: isoDate(row.offeredAt),
    acceptedAt: isoDate(row.acceptedAt),
    endedAt: isoDate(row.endedAt),
    waitSeconds: row.waitSeconds ?? (finished ? 0 : wait(createdAt.getTime(), now)),
    contactId: row.contactId ?? undefined,
    data: row.data ?? {},
    tabulation: row.tabulation ?? undefined,
  });
}

export function agentJson(view: AgentView) {
  return { ...view, presenceSince: iso(view.presenceSince), idleSince: iso(view.idleSince) };
}
export type AgentJson = ReturnType<typeof agentJson>;

export function groupJson(config: GroupConfig, extra: { hoursId?: string | null; unitId?: string | null }, queues: QueueFigures[]) {
  const { hours, ...rest } = config;
  return clean({ ...rest, hoursId: extra.hoursId ?? undefined, unitId: extra.unitId ?? undefined, hours, queues });
}
