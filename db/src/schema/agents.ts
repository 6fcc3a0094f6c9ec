// People who work in the agency: agents with their skills and capacity,
// the history of their states, and login users (agents, supervisors, admins).
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt, msTimestamp, tenantColumn, updatedAt } from './columns.js';
import { groups, units } from './organization.js';

/** How many simultaneous sessions of each channel an agent can hold. */
export interface ChannelCapacity {
  chat?: number;
  whatsapp?: number;
  phone?: number;
  video?: number;
  presencial?: number;
}

export type UserRole = 'agent' | 'supervisor' | 'admin';

export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    name: text('name').notNull(),
    unitId: text('unit_id').references(() => units.id, { onDelete: 'set null' }),
    capacity: jsonb('capacity').$type<ChannelCapacity>().notNull().default({}),
    /** When true, an agent on a phone or video call takes no new chats. */
    voiceExcludesChat: boolean('voice_excludes_chat').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('agents_tenant_idx').on(t.tenant)],
);

export const agentSkills = pgTable(
  'agent_skills',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    proficiency: smallint('proficiency').notNull().default(3),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.groupId] }),
    index('agent_skills_group_idx').on(t.groupId),
    check('agent_skills_proficiency_check', sql`${t.proficiency} between 1 and 5`),
  ],
);

/** Append-only log of agent state changes (available, paused with a reason, offline…). */
export const agentStateHistory = pgTable(
  'agent_state_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: tenantColumn(),
    // No foreign key: history outlives the agent's configuration row.
    agentId: text('agent_id').notNull(),
    state: text('state').notNull(),
    reason: text('reason'),
    at: msTimestamp('at').notNull(),
  },
  (t) => [index('agent_state_history_agent_at_idx').on(t.agentId, t.at)],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<UserRole>().notNull(),
    agentId: text('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_username_idx').on(t.username),
    check('users_role_check', sql`${t.role} in ('agent', 'supervisor', 'admin')`),
  ],
);
