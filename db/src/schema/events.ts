// The append-only routing event log: every routing transition ordered by seq,
// idempotent on the producer-chosen event_id so retries and stream re-delivery are harmless.
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { msTimestamp, tenantColumn } from './columns.js';

export const routingEvents = pgTable(
  'routing_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    tenant: tenantColumn(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    at: msTimestamp('at').notNull(),
    interactionId: text('interaction_id'),
    agentId: text('agent_id'),
    payload: jsonb('payload').$type<unknown>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('routing_events_event_id_idx').on(t.eventId),
    index('routing_events_tenant_seq_idx').on(t.tenant, t.seq),
    index('routing_events_interaction_idx').on(t.interactionId).where(sql`${t.interactionId} is not null`),
  ],
);
