import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, DbError, deleteUser, findUserByUsername, getUser, listUsers, updateUser, upsertAgent } from '../src/index.js';
import { ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

describe.each(ENGINES)('user repository on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('creates a user with a generated UUIDv7 id and finds it by username', async () => {
    const tenant = uniqueTenant();
    await upsertAgent(database.db, { id: `${tenant}-a`, tenant, name: 'A', capacity: {}, skills: [] });
    const created = await createUser(database.db, {
      tenant,
      username: `${tenant}-maria`,
      passwordHash: 'scrypt$abc',
      role: 'agent',
      agentId: `${tenant}-a`,
    });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const found = await findUserByUsername(database.db, `${tenant}-maria`);
    expect(found).toEqual(created);
    expect(found).toMatchObject({ role: 'agent', agentId: `${tenant}-a`, passwordHash: 'scrypt$abc', tenant });
    expect(await findUserByUsername(database.db, `${tenant}-nobody`)).toBeUndefined();
  });

  it('refuses a second user with the same username', async () => {
    const username = `${uniqueTenant()}-admin`;
    await createUser(database.db, { username, passwordHash: 'h1', role: 'admin' });
    const second = createUser(database.db, { username, passwordHash: 'h2', role: 'supervisor' });
    await expect(second).rejects.toBeInstanceOf(DbError);
    await expect(second).rejects.toMatchObject({ code: 'username_taken' });
    expect((await findUserByUsername(database.db, username))!.passwordHash).toBe('h1');
  });

  it('refuses a caller-chosen id that is taken', async () => {
    const tenant = uniqueTenant();
    await createUser(database.db, { id: `${tenant}-u`, username: `${tenant}-one`, passwordHash: 'h', role: 'agent' });
    await expect(
      createUser(database.db, { id: `${tenant}-u`, username: `${tenant}-two`, passwordHash: 'h', role: 'agent' }),
    ).rejects.toMatchObject({ code: 'id_taken' });
  });

  it('rejects an unknown role', async () => {
    await expect(
      createUser(database.db, { username: `${uniqueTenant()}-x`, passwordHash: 'h', role: 'root' as 'admin' }),
    ).rejects.toThrow();
  });
});

describe.each(ENGINES)('user administration on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('lists a tenant’s users by username, updates one and deletes one', async () => {
    const tenant = uniqueTenant();
    const b = await createUser(database.db, { tenant, username: `${tenant}-b`, passwordHash: 'h', role: 'agent' });
    await createUser(database.db, { tenant, username: `${tenant}-a`, passwordHash: 'h', role: 'supervisor' });
    expect((await listUsers(database.db, { tenant })).map((u) => u.username)).toEqual([`${tenant}-a`, `${tenant}-b`]);

    expect(await updateUser(database.db, `${tenant}-b`, { passwordHash: 'h2', role: 'admin' })).toBe(true);
    expect(await getUser(database.db, b.id)).toMatchObject({ passwordHash: 'h2', role: 'admin' });
    expect(await updateUser(database.db, `${tenant}-nobody`, { passwordHash: 'x' })).toBe(false);

    expect(await deleteUser(database.db, b.id)).toBe(true);
    expect(await deleteUser(database.db, b.id)).toBe(false);
    expect((await listUsers(database.db, { tenant })).map((u) => u.username)).toEqual([`${tenant}-a`]);
  });
});
