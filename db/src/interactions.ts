// Repositories for the interactions projection (latest state of each session, upserted as
// routing events happen) with newest-first keyset listing, and for citizens' contacts.
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { executePrepared, type Database } from './client.js';
import { replaceFromExcluded } from './conflict.js';
import { DbError } from './errors.js';
import { newId } from './ids.js';
import { type Channel, contacts, interactions, type InteractionState } from './schema/index.js';

export type Interaction = typeof interactions.$inferSelect;
export type Contact = typeof contacts.$inferSelect;

export interface InteractionInput {
  id: string;
  tenant?: string;
  channel: Channel;
  groupId: string;
  state: InteractionState;
  agentId?: string | null;
  priority?: number;
  legalPriority?: boolean;
  contactId?: string | null;
  data?: Record<string, unknown>;
  createdAt?: Date;
  offeredAt?: Date | null;
  acceptedAt?: Date | null;
  endedAt?: Date | null;
  waitSeconds?: number | null;
  tabulation?: Record<string, unknown> | null;
}

export interface InteractionFilter {
  /** Defaults to 'default'. */
  tenant?: string;
  state?: InteractionState;
  channel?: Channel;
  groupId?: string;
  agentId?: string;
  /** Page size, 1…500 (default 50). */
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface InteractionPage {
  items: Interaction[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ContactInput {
  /** Generated (UUIDv7) when absent. */
  id?: string;
  tenant?: string;
  name?: string | null;
  cpf?: string | null;
  email?: string | null;
  phone?: string | null;
}

// Identity columns never change once the interaction exists.
const IMMUTABLE: readonly string[] = ['id', 'tenant', 'createdAt'];

/**
 * Inserts the interaction or updates it in place. On update only the fields present in the
 * input change (a patch), so callers can send just what a routing event altered.
 */
export async function upsertInteraction(db: Database, input: InteractionInput): Promise<Interaction> {
  const changed = (Object.keys(input) as (keyof InteractionInput)[]).filter(
    (key) => input[key] !== undefined && !IMMUTABLE.includes(key),
  );
  const [row] = await db
    .insert(interactions)
    .values(input)
    .onConflictDoUpdate({
      target: interactions.id,
      set: { ...replaceFromExcluded(interactions, changed), updatedAt: sql`now()` },
      setWhere: eq(interactions.tenant, sql.raw('excluded."tenant"')),
    })
    .returning();
  if (!row) throw new DbError('id_taken', `interaction ${input.id} belongs to another tenant`);
  return row;
}

export async function getInteraction(db: Database, id: string): Promise<Interaction | undefined> {
  const [row] = await db.select().from(interactions).where(eq(interactions.id, id));
  return row;
}

export type InteractionRow = typeof interactions.$inferInsert;

/**
 * Writes whole rows in one statement (insert or replace every column but id, tenant and
 * createdAt): how a projector that keeps each live row in memory flushes many at once.
 */
export async function upsertInteractions(db: Database, rows: readonly InteractionRow[]): Promise<void> {
  if (rows.length === 0) return;
  // One constant statement (prepared once by the driver) with the rows as one JSON parameter: the
  // query builder's per-value work for 17 columns × many rows cost more CPU than the write itself.
  const time = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  const json = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      tenant: r.tenant ?? 'default',
      channel: r.channel,
      group_id: r.groupId,
      state: r.state,
      agent_id: r.agentId ?? null,
      priority: r.priority ?? 0,
      legal_priority: r.legalPriority ?? false,
      contact_id: r.contactId ?? null,
      data: r.data ?? {},
      created_at: time(r.createdAt),
      offered_at: time(r.offeredAt),
      accepted_at: time(r.acceptedAt),
      ended_at: time(r.endedAt),
      wait_seconds: r.waitSeconds ?? null,
      tabulation: r.tabulation ?? null,
    })),
  );
  await executePrepared(db, 'atende_interactions_upsert', sql`insert into interactions (id, tenant, channel, group_id, state, agent_id, priority, legal_priority, contact_id, data, created_at, offered_at, accepted_at, ended_at, wait_seconds, tabulation, updated_at)
    select x.id, x.tenant, x.channel, x.group_id, x.state, x.agent_id, x.priority, x.legal_priority, x.contact_id, x.data, coalesce(x.created_at, now()), x.offered_at, x.accepted_at, x.ended_at, x.wait_seconds, x.tabulation, now()
    from jsonb_to_recordset(${json}::jsonb) as x(id text, tenant text, channel text, group_id text, state text, agent_id text, priority smallint, legal_priority boolean, contact_id text, data jsonb, created_at timestamptz, offered_at timestamptz, accepted_at timestamptz, ended_at timestamptz, wait_seconds integer, tabulation jsonb)
    on conflict (id) do update set
      channel = excluded.channel, group_id = excluded.group_id, state = excluded.state, agent_id = excluded.agent_id,
      priority = excluded.priority, legal_priority = excluded.legal_priority, contact_id = excluded.contact_id, data = excluded.data,
      offered_at = excluded.offered_at, accepted_at = excluded.accepted_at, ended_at = excluded.ended_at,
      wait_seconds = excluded.wait_seconds, tabulation = excluded.tabulation, updated_at = now()
    where interactions.tenant = excluded.tenant`);
}

/** Interactions newest first (created_at, then id), filtered and keyset-paginated. */
export async function listInteractions(db: Database, filter: InteractionFilter = {}): Promise<InteractionPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
  const conditions: SQL[] = [eq(interactions.tenant, filter.tenant ?? 'default')];
  if (filter.state) conditions.push(eq(interactions.state, filter.state));
  if (filter.channel) conditions.push(eq(interactions.channel, filter.channel));
  if (filter.groupId) conditions.push(eq(interactions.groupId, filter.groupId));
  if (filter.agentId) conditions.push(eq(interactions.agentId, filter.agentId));
  if (filter.cursor) {
    // The cursor is the last id seen; its row gives the exact (created_at, id) to continue
    // after, so no timestamp has to survive a trip through a string. An unknown id ends the list.
    conditions.push(
      sql`(${interactions.createdAt}, ${interactions.id}) < (select "c"."created_at", "c"."id" from "interactions" "c" where "c"."id" = ${filter.cursor})`,
    );
  }
  const rows = await db
    .select()
    .from(interactions)
    .where(and(...conditions))
    .orderBy(desc(interactions.createdAt), desc(interactions.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  return { items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}

/** Creates or replaces a contact (PUT semantics: omitted fields are cleared). */
export async function upsertContact(db: Database, input: ContactInput): Promise<Contact> {
  const [row] = await db
    .insert(contacts)
    .values({ ...input, id: input.id ?? newId() })
    .onConflictDoUpdate({
      target: contacts.id,
      set: replaceFromExcluded(contacts, ['name', 'cpf', 'email', 'phone', 'updatedAt']),
      setWhere: eq(contacts.tenant, sql.raw('excluded."tenant"')),
    })
    .returning();
  if (!row) throw new DbError('id_taken', `contact ${input.id} belongs to another tenant`);
  return row;
}

export async function getContact(db: Database, id: string): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
  return row;
}
