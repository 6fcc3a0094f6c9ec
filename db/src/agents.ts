// Repositories for agents: their configuration with skills (replaced as a whole on upsert)
// and the append-only history of their states.
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { columnsExcept, replaceFromExcluded } from './conflict.js';
import { DbError } from './errors.js';
import type { TenantFilter } from './organization.js';
import { agentSkills, agentStateHistory, agents, type ChannelCapacity } from './schema/index.js';

export type AgentRow = typeof agents.$inferSelect;
export type AgentStateRecord = typeof agentStateHistory.$inferSelect;

export interface AgentSkill {
  groupId: string;
  /** 1 (novice) … 5 (expert). */
  proficiency: number;
}

export interface AgentInput {
  id: string;
  tenant?: string;
  name: string;
  unitId?: string | null;
  capacity: ChannelCapacity;
  voiceExcludesChat?: boolean;
  /** Replaces every skill the agent had. */
  skills: AgentSkill[];
}

export interface Agent extends AgentRow {
  skills: AgentSkill[];
}

export interface AgentStateInput {
  agentId: string;
  tenant?: string;
  state: string;
  reason?: string | null;
  at: Date | number;
}

export async function upsertAgent(db: Database, input: AgentInput): Promise<Agent> {
  const { skills, ...agent } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(agents)
      .values(agent)
      .onConflictDoUpdate({
        target: agents.id,
        set: replaceFromExcluded(agents, columnsExcept(agents, ['id', 'tenant', 'createdAt'])),
        setWhere: eq(agents.tenant, sql.raw('excluded."tenant"')),
      })
      .returning();
    if (!row) throw new DbError('id_taken', `agent ${input.id} belongs to another tenant`);
    await tx.delete(agentSkills).where(eq(agentSkills.agentId, row.id));
    if (skills.length > 0) {
      await tx.insert(agentSkills).values(skills.map((skill) => ({ ...skill, agentId: row.id })));
    }
    return { ...row, skills: [...skills].sort((a, b) => a.groupId.localeCompare(b.groupId)) };
  });
}

export async function getAgent(db: Database, id: string): Promise<Agent | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id));
  if (!row) return undefined;
  const skills = await db
    .select({ groupId: agentSkills.groupId, proficiency: agentSkills.proficiency })
    .from(agentSkills)
    .where(eq(agentSkills.agentId, id))
    .orderBy(asc(agentSkills.groupId));
  return { ...row, skills };
}

export async function listAgents(db: Database, filter: TenantFilter = {}): Promise<Agent[]> {
  const tenant = filter.tenant ?? 'default';
  const rows = await db.select().from(agents).where(eq(agents.tenant, tenant)).orderBy(asc(agents.id));
  const skillRows = await db
    .select({ agentId: agentSkills.agentId, groupId: agentSkills.groupId, proficiency: agentSkills.proficiency })
    .from(agentSkills)
    .innerJoin(agents, eq(agents.id, agentSkills.agentId))
    .where(eq(agents.tenant, tenant))
    .orderBy(asc(agentSkills.agentId), asc(agentSkills.groupId));
  const skillsByAgent = new Map<string, AgentSkill[]>();
  for (const { agentId, groupId, proficiency } of skillRows) {
    let list = skillsByAgent.get(agentId);
    if (!list) skillsByAgent.set(agentId, (list = []));
    list.push({ groupId, proficiency });
  }
  return rows.map((row) => ({ ...row, skills: skillsByAgent.get(row.id) ?? [] }));
}

export async function recordAgentState(db: Database, input: AgentStateInput): Promise<void> {
  await db.insert(agentStateHistory).values({ ...input, at: new Date(input.at) });
}

/** An agent's state changes, newest first. */
export async function listAgentStateHistory(
  db: Database,
  agentId: string,
  options: { since?: Date; limit?: number } = {},
): Promise<AgentStateRecord[]> {
  const conditions = [eq(agentStateHistory.agentId, agentId)];
  if (options.since) conditions.push(gte(agentStateHistory.at, options.since));
  return db
    .select()
    .from(agentStateHistory)
    .where(and(...conditions))
    .orderBy(desc(agentStateHistory.at), desc(agentStateHistory.id))
    .limit(options.limit ?? 100);
}
