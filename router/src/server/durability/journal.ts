// Routing events and annotations as rows of the durable log (routing_events), and back.
// Core events are stored whole in the payload so replay feeds the core exactly what it emitted.
import { newId, type NewRoutingEvent, type StoredRoutingEvent } from '@atende/db';
import type { RoutingEvent } from '../../core/index.js';
import type { Annotation } from '../../store/engine.js';

/** Annotation types live under this prefix in the log; replay skips them. */
export const ANNOTATION_PREFIX = 'annotation.';

export type LogEntry = { kind: 'event'; event: RoutingEvent } | { kind: 'annotation'; annotation: Annotation };

export function interactionIdOf(e: RoutingEvent): string | undefined {
  if (e.type === 'interaction.queued') return e.interaction.id;
  return 'interactionId' in e ? e.interactionId : undefined;
}

function agentIdOf(e: RoutingEvent): string | undefined {
  if (e.type === 'agent.configured') return e.agent.id;
  if (e.type === 'interaction.transferred') return e.toAgentId ?? e.fromAgentId;
  return 'agentId' in e ? e.agentId : undefined;
}

export function journalRows(events: readonly RoutingEvent[], annotations: readonly Annotation[]): NewRoutingEvent[] {
  const rows: NewRoutingEvent[] = events.map((e) => ({
    eventId: newId(e.at),
    type: e.type,
    at: e.at,
    interactionId: interactionIdOf(e) ?? null,
    agentId: agentIdOf(e) ?? null,
    payload: e,
  }));
  const at = events[0]?.at ?? Date.now();
  for (const a of annotations) {
    rows.push({
      eventId: newId(at),
      type: a.type.startsWith(ANNOTATION_PREFIX) ? a.type : `${ANNOTATION_PREFIX}${a.type}`,
      at,
      interactionId: a.interactionId ?? null,
      payload: a.payload,
    });
  }
  return rows;
}

export function readLogEntry(row: StoredRoutingEvent): LogEntry {
  if (row.type.startsWith(ANNOTATION_PREFIX)) {
    return {
      kind: 'annotation',
      annotation: {
        type: row.type,
        ...(row.interactionId !== null ? { interactionId: row.interactionId } : {}),
        payload: (row.payload ?? {}) as Record<string, unknown>,
      },
    };
  }
  return { kind: 'event', event: row.payload as RoutingEvent };
}

/** Annotations the server writes. */
export const ANNOTATIONS = {
  /** A new session's contact and channel data: { contactId?, data? }. */
  details: `${ANNOTATION_PREFIX}interaction_details`,
  /** The tabulation an agent gave at end or wrap-up: { tabulation }. */
  tabulation: `${ANNOTATION_PREFIX}tabulation`,
} as const;
