// Citizens who contact the agency (minimal personal data, LGPD) and the interactions
// projection: the latest known state of each session, rebuilt from routing events.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { createdAt, msTimestamp, tenantColumn, updatedAt } from './columns.js';

export type Channel = 'chat' | 'whatsapp' | 'phone' | 'video' | 'presencial';
export type InteractionState = 'queued' | 'offered' | 'active' | 'wrapup' | 'ended' | 'abandoned';

export const contacts = pgTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    name: text('name'),
    cpf: text('cpf'),
    email: text('email'),
    phone: text('phone'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('contacts_tenant_cpf_idx').on(t.tenant, t.cpf),
    index('contacts_tenant_phone_idx').on(t.tenant, t.phone),
  ],
);

// Group, agent and contact ids carry no foreign keys on purpose: the projection is
// written from the event stream and must accept history about since-deleted configuration.
export const interactions = pgTable(
  'interactions',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    channel: text('channel').$type<Channel>().notNull(),
    groupId: text('group_id').notNull(),
    state: text('state').$type<InteractionState>().notNull(),
    agentId: text('agent_id'),
    priority: smallint('priority').notNull().default(0),
    /** Prioridade legal (elderly, pregnant, disabled): served ahead of ordinary priority. */
    legalPriority: boolean('legal_priority').notNull().default(false),
    contactId: text('contact_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    offeredAt: msTimestamp('offered_at'),
    acceptedAt: msTimestamp('accepted_at'),
    endedAt: msTimestamp('ended_at'),
    waitSeconds: integer('wait_seconds'),
    tabulation: jsonb('tabulation').$type<Record<string, unknown>>(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Listing is newest first, keyset-paginated on (created_at, id).
    index('interactions_tenant_created_idx').on(t.tenant, t.createdAt.desc(), t.id.desc()),
    index('interactions_tenant_state_created_idx').on(t.tenant, t.state, t.createdAt.desc(), t.id.desc()),
    index('interactions_tenant_group_created_idx').on(t.tenant, t.groupId, t.createdAt.desc(), t.id.desc()),
    index('interactions_agent_idx').on(t.agentId).where(sql`${t.agentId} is not null`),
  ],
);
