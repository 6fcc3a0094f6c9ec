// Users and sessions of people: login (scrypt-checked password → signed token), "who am I",
// user administration, and the signing secret shared by every node through the database.
import { randomBytes } from 'node:crypto';
import { createUser, deleteUser, DbError, ensureSetting, findUserByUsername, listUsers, updateUser, type Database, type User } from '@atende/db';
import { z } from 'zod';
import { requireRole, type Principal } from './principal.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import { ROLES, type Role, type TokenSigner } from './tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError, notFound } from '../http/errors.js';
import { parse } from '../http/validation.js';

export const loginSchema = z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(500) });

export const createUserSchema = z
  .object({
    username: z.string().regex(/^[a-z0-9._-]{3,64}$/, 'letras minúsculas, dígitos, ponto, hífen; 3 a 64'),
    password: z.string().min(8).max(500),
    role: z.enum(ROLES),
    agentId: z.string().min(1).optional(),
  })
  .refine((u) => u.role !== 'agent' || u.agentId !== undefined, { message: 'um usuário atendente precisa de agentId', path: ['agentId'] });

const SECRET_KEY = 'auth.signing_secret';

/** ATENDE_SECRET when set; otherwise one generated on first start and kept in the database. */
export async function signingSecret(db: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  return ensureSetting(db, SECRET_KEY, randomBytes(32).toString('base64url'));
}

const userJson = (u: User) => ({ id: u.id, username: u.username, role: u.role, agentId: u.agentId ?? undefined, createdAt: u.createdAt.toISOString() });

export class Accounts {
  constructor(
    private readonly ctx: ServerContext,
    private readonly signer: TokenSigner,
  ) {}

  async login(body: unknown) {
    const input = parse(loginSchema, body);
    const user = await findUserByUsername(this.ctx.db, input.username);
    // Hash even for an unknown user, so the answer time does not reveal which usernames exist.
    const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid) throw new ApiError(401, 'invalid_credentials', 'Usuário ou senha inválidos.');
    const now = Math.floor(this.ctx.clock() / 1000);
    const exp = now + this.ctx.config.tokenTtlSeconds;
    const token = this.signer.sign({
      sub: user.id,
      usr: user.username,
      role: user.role,
      ...(user.agentId ? { agt: user.agentId } : {}),
      iat: now,
      exp,
    });
    return { token, expiresAt: new Date(exp * 1000).toISOString(), user: userJson(user) };
  }

  me(principal: Principal) {
    if (principal.kind === 'admin-token') return { kind: 'admin-token', role: 'admin' as const };
    const agent = principal.agentId === undefined ? undefined : this.ctx.engine.agent(principal.agentId);
    return { kind: 'user', id: principal.userId, username: principal.username, role: principal.role, agentId: principal.agentId, agent };
  }

  async list(principal: Principal) {
    requireRole(principal, 'admin');
    return (await listUsers(this.ctx.db)).map(userJson);
  }

  async create(principal: Principal, body: unknown) {
    requireRole(principal, 'admin');
    const input = parse(createUserSchema, body);
    if (input.agentId !== undefined && !this.ctx.engine.agent(input.agentId)) throw notFound('agent', { agentId: input.agentId });
    try {
      const user = await createUser(this.ctx.db, {
        username: input.username,
        passwordHash: await hashPassword(input.password),
        role: input.role,
        agentId: input.agentId ?? null,
      });
      return userJson(user);
    } catch (err) {
      if (err instanceof DbError && err.code === 'username_taken') {
        throw new ApiError(409, 'username_taken', 'Nome de usuário já em uso.', { username: input.username });
      }
      throw err;
    }
  }

  async remove(principal: Principal, userId: string): Promise<void> {
    requireRole(principal, 'admin');
    if (!(await deleteUser(this.ctx.db, userId))) throw notFound('user', { userId });
  }

  /** Creates the user or resets its password and role (demo seeding). */
  async ensure(username: string, password: string, role: Role, agentId?: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const changed = await updateUser(this.ctx.db, username, { passwordHash, role, agentId: agentId ?? null });
    if (!changed) await createUser(this.ctx.db, { username, passwordHash, role, agentId: agentId ?? null });
  }
}
