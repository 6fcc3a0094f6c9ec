// Login, "who am I", user administration and what each role may do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureBasics, loginAs, startTestServer, type TestServer } from './helpers.js';

describe('accounts and roles', () => {
  let t: TestServer;
  let supervisor: string;
  let agent: string;

  beforeAll(async () => {
    t = await startTestServer();
    await configureBasics(t);
    supervisor = await loginAs(t, 'sup.maria', 'supervisor');
    agent = await loginAs(t, 'ana.souza', 'agent', 'ana');
  });
  afterAll(() => t?.close());

  it('logs in with the right password and returns a signed token with an expiry', async () => {
    const answer = await t.api('POST', '/api/login', { body: { username: 'ana.souza', password: 'senha-segura-123' }, token: null });
    expect(answer.status).toBe(200);
    expect(answer.body.token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(answer.body.user).toMatchObject({ username: 'ana.souza', role: 'agent', agentId: 'ana' });
    expect(answer.body.user.passwordHash).toBeUndefined();
  });

  it('refuses a wrong password or an unknown user with 401 invalid_credentials', async () => {
    for (const body of [
      { username: 'ana.souza', password: 'errada' },
      { username: 'ninguem', password: 'senha-segura-123' },
    ]) {
      const answer = await t.api('POST', '/api/login', { body, token: null });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('invalid_credentials');
    }
    expect((await t.api('POST', '/api/login', { body: { username: 'x' }, token: null })).status).toBe(400);
  });

  it('tells who is calling', async () => {
    expect((await t.api('GET', '/api/me')).body).toEqual({ kind: 'admin-token', role: 'admin' });
    const me = await t.api('GET', '/api/me', { token: agent });
    expect(me.body).toMatchObject({ kind: 'user', username: 'ana.souza', role: 'agent', agentId: 'ana', agent: { id: 'ana' } });
    expect((await t.api('GET', '/api/me', { token: null })).status).toBe(401);
  });

  it('lets the admin list, create and delete users, and nobody else', async () => {
    const list = await t.api('GET', '/api/users');
    expect(list.status).toBe(200);
    expect(list.body.map((u: { username: string }) => u.username)).toEqual(['ana.souza', 'sup.maria']);
    expect((await t.api('GET', '/api/users', { token: supervisor })).status).toBe(403);
    expect((await t.api('POST', '/api/users', { token: agent, body: { username: 'x.y', password: '12345678', role: 'admin' } })).status).toBe(403);

    const created = await t.api('POST', '/api/users', { body: { username: 'temp.user', password: '12345678', role: 'supervisor' } });
    expect(created.status).toBe(201);
    expect((await t.api('POST', '/api/users', { body: { username: 'temp.user', password: '12345678', role: 'supervisor' } })).status).toBe(409);
    expect((await t.api('DELETE', `/api/users/${created.body.id}`)).status).toBe(204);
    expect((await t.api('DELETE', `/api/users/${created.body.id}`)).status).toBe(404);
  });

  it('validates new users: an agent user needs an existing agent', async () => {
    const noAgent = await t.api('POST', '/api/users', { body: { username: 'sem.agente', password: '12345678', role: 'agent' } });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body.error.details.fields[0].path).toBe('agentId');
    const unknownAgent = await t.api('POST', '/api/users', { body: { username: 'fantasma', password: '12345678', role: 'agent', agentId: 'nobody' } });
    expect(unknownAgent.status).toBe(404);
    const shortPassword = await t.api('POST', '/api/users', { body: { username: 'curta', password: '123', role: 'supervisor' } });
    expect(shortPassword.status).toBe(400);
  });

  it('lets supervisors read boards and lists but not configure or command', async () => {
    expect((await t.api('GET', '/api/queues', { token: supervisor })).status).toBe(200);
    expect((await t.api('GET', '/api/groups', { token: supervisor })).status).toBe(200);
    expect((await t.api('GET', '/api/agents', { token: supervisor })).status).toBe(200);
    expect((await t.api('GET', '/api/interactions', { token: supervisor })).status).toBe(200);
    expect((await t.api('GET', '/api/fairness?groupId=ipva-n1', { token: supervisor })).status).toBe(200);
    const put = await t.api('PUT', '/api/groups/x', { token: supervisor, body: { name: 'X', level: 1, slaSeconds: 1 } });
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('forbidden');
    expect((await t.api('POST', '/api/interactions', { token: supervisor, body: { channel: 'chat', groupId: 'ipva-n1' } })).status).toBe(403);
    expect((await t.api('PUT', '/api/agents/ana/state', { token: supervisor, body: { state: 'available' } })).status).toBe(403);
  });

  it('lets an agent change only its own state and read only itself', async () => {
    expect((await t.api('PUT', '/api/agents/ana/state', { token: agent, body: { state: 'paused', reason: 'Café' } })).status).toBe(200);
    expect((await t.api('PUT', '/api/agents/bruno/state', { token: agent, body: { state: 'available' } })).status).toBe(403);
    expect((await t.api('GET', '/api/agents/ana', { token: agent })).body).toMatchObject({ presence: 'paused', reason: 'Café' });
    expect((await t.api('GET', '/api/agents/bruno', { token: agent })).status).toBe(403);
    expect((await t.api('GET', '/api/queues', { token: agent })).status).toBe(403);
  });

  it('refuses a token whose claims were tampered with', async () => {
    const [head, payload, signature] = agent.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    expect((await t.api('GET', '/api/users', { token: forged })).status).toBe(401);
  });
});
