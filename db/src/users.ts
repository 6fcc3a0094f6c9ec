// Repository for login users (agents, supervisors, admins). Stores password hashes only;
// hashing and verification belong to the server.
import { asc, eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { DbError, sqlState, UNIQUE_VIOLATION } from './errors.js';
import type { TenantFilter } from './organization.js';
import { newId } from './ids.js';
import { type UserRole, users } from './schema/index.js';

export type User = typeof users.$inferSelect;

export interface UserInput {
  /** Generated (UUIDv7) when absent. */
  id?: string;
  tenant?: string;
  username: string;
  passwordHash: string;
  role: UserRole;
  agentId?: string | null;
}

/** Creates a user; a taken username or id fails with DbError code 'username_taken' or 'id_taken'. */
export async function createUser(db: Database, input: UserInput): Promise<User> {
  try {
    const [row] = await db
      .insert(users)
      .values({ ...input, id: input.id ?? newId() })
      .returning();
    return row!;
  } catch (error) {
    if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    // The constraint name is reported differently by each driver; asking is simpler.
    if (await findUserByUsername(db, input.username)) {
      throw new DbError('username_taken', `username ${input.username} is taken`, { cause: error });
    }
    throw new DbError('id_taken', `user id ${input.id} is taken`, { cause: error });
  }
}

export async function findUserByUsername(db: Database, username: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function getUser(db: Database, id: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function listUsers(db: Database, filter: TenantFilter = {}): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(eq(users.tenant, filter.tenant ?? 'default'))
    .orderBy(asc(users.username));
}

/** Replaces a user's password hash (and optionally role and agent); false when there is no such user. */
export async function updateUser(
  db: Database,
  username: string,
  changes: { passwordHash?: string; role?: UserRole; agentId?: string | null },
): Promise<boolean> {
  if (Object.keys(changes).length === 0) return (await findUserByUsername(db, username)) !== undefined;
  const updated = await db.update(users).set(changes).where(eq(users.username, username)).returning({ id: users.id });
  return updated.length > 0;
}

export async function deleteUser(db: Database, id: string): Promise<boolean> {
  const deleted = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return deleted.length > 0;
}
