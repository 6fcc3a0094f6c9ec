// Repository for login users (agents, supervisors, admins). Stores password hashes only;
// hashing and verification belong to the server.
import { eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { DbError, sqlState, UNIQUE_VIOLATION } from './errors.js';
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
