// WS /ws/agent: who may connect, the snapshot on connect, offer → accept → end → wrap-up over
// the socket with acks, revocations, malformed frames answered without closing anything.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, configureBasics, loginAs, startTestServer, type TestServer } from './helpers.js';
import { TestSocket } from '../../src/testing/socket-client.js';

describe('the agent socket', () => {
  let t: TestServer;
  let ana: string;
  let supervisor: string;
  const open: TestSocket[] = [];
  const connect = async (agentId: string, token: string) => {
    const socket = await TestSocket.open(`${t.ws}/ws/agent?agentId=${agentId}&token=${encodeURIComponent(token)}`);
    open.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startTestServer();
    await configureBasics(t, { wrapUpSeconds: 600 });
    ana = await loginAs(t, 'ana', 'agent', 'ana');
    supervisor = await loginAs(t, 'sup', 'supervisor');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(() => t?.close());

  it('refuses the upgrade without a valid token (401), for another agent or a supervisor (403), for an unknown agent (404)', async () => {
    expect((await TestSocket.refusal(`${t.ws}/ws/agent?agentId=ana`)).status).toBe(401);
    const bad = await TestSocket.refusal(`${t.ws}/ws/agent?agentId=ana&token=nope`);
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect((await TestSocket.refusal(`${t.ws}/ws/agent?agentId=bruno&token=${ana}`)).status).toBe(403);
    expect((await TestSocket.refusal(`${t.ws}/ws/agent?agentId=ana&token=${supervisor}`)).status).toBe(403);
    expect((await TestSocket.refusal(`${t.ws}/ws/agent?agentId=ghost&token=${ADMIN}`)).status).toBe(404);
  });

  it('sends the agent’s state on connect and takes an offer through accept, end and wrap-up', async () => {
    const socket = await connect('ana', ana);
    const snapshot = await socket.nextOfType('snapshot');
    expect(snapshot).toMatchObject({ agent: { id: 'ana', presence: 'offline' }, offers: [], sessions: [] });

    const available = await socket.request({ type: 'state', state: 'available' });
    expect(available).toMatchObject({ type: 'ack', agent: { presence: 'available' } });
    await socket.nextOfType('state');

    await t.api('POST', '/api/interactions', { body: { id: 'ws-1', channel: 'chat', groupId: 'ipva-n1', contact: { name: 'Maria' } } });
    const offer = await socket.nextOfType('offer');
    expect(offer).toMatchObject({ interaction: { id: 'ws-1', state: 'offered', agentId: 'ana', channel: 'chat' }, expiresAt: expect.any(String) });
    expect(Date.parse(offer.expiresAt)).toBeGreaterThan(Date.parse(offer.interaction.offeredAt));

    const accepted = await socket.request({ type: 'accept', interactionId: 'ws-1' });
    expect(accepted).toMatchObject({ type: 'ack', interaction: { id: 'ws-1', state: 'active' } });
    expect(await socket.next((m) => m.type === 'session' && m.event === 'accepted')).toMatchObject({ interaction: { id: 'ws-1' } });

    const ended = await socket.request({ type: 'end', interactionId: 'ws-1' });
    expect(ended.interaction.state).toBe('wrapup');
    const wrapped = await socket.request({ type: 'wrapup', interactionId: 'ws-1', tabulation: { tema: 'IPVA', outcome: 'Resolvido' } });
    expect(wrapped.interaction).toMatchObject({ state: 'ended', tabulation: { tema: 'IPVA', outcome: 'Resolvido' } });
    expect(await socket.next((m) => m.type === 'session' && m.event === 'wrapped_up')).toBeTruthy();
  });

  it('answers a malformed frame with an error and keeps the socket working', async () => {
    const socket = await connect('ana', ana);
    await socket.nextOfType('snapshot');
    socket.send('this is not json');
    expect(await socket.nextOfType('error')).toMatchObject({ requestId: null, error: { code: 'invalid_json' } });
    socket.send({ type: 'teleport', requestId: 'x1' });
    expect(await socket.nextOfType('error')).toMatchObject({ requestId: 'x1', error: { code: 'invalid_message' } });
    socket.send({ type: 'accept', requestId: 'x2' });
    const missing = await socket.nextOfType('error');
    expect(missing).toMatchObject({ requestId: 'x2', error: { code: 'invalid_message', details: { fields: [{ path: 'interactionId' }] } } });
    const conflict = await socket.request({ type: 'accept', interactionId: 'nope' });
    expect(conflict).toMatchObject({ type: 'error', error: { code: 'unknown_interaction' } });
    expect((await socket.request({ type: 'state', state: 'paused', reason: 'Café' })).type).toBe('ack');
    expect(socket.closedWith).toBeUndefined();
  });

  it('re-sends a pending offer on reconnect and tells the agent when it is revoked', async () => {
    await t.api('PUT', '/api/agents/ana/state', { body: { state: 'available' } });
    await t.api('POST', '/api/interactions', { body: { id: 'ws-2', channel: 'chat', groupId: 'ipva-n1' } });
    const socket = await connect('ana', ana);
    const snapshot = await socket.nextOfType('snapshot');
    expect(snapshot.offers.map((o: { interaction: { id: string } }) => o.interaction.id)).toEqual(['ws-2']);
    expect((await socket.nextOfType('offer')).interaction.id).toBe('ws-2');

    await t.api('PUT', '/api/agents/ana/state', { body: { state: 'paused', reason: 'Reunião' } });
    expect(await socket.nextOfType('revoked')).toEqual({ type: 'revoked', interactionId: 'ws-2', reason: 'agent_paused' });
    expect(await socket.nextOfType('state')).toMatchObject({ agent: { presence: 'paused', reason: 'Reunião' } });
  });

  it('lets the admin token connect as an agent and act only as that agent', async () => {
    const socket = await connect('bruno', ADMIN);
    await socket.nextOfType('snapshot');
    await socket.request({ type: 'state', state: 'available' });
    await t.api('PUT', '/api/agents/ana/state', { body: { state: 'available' } });
    const offer = await socket.nextOfType('offer');
    const sid = offer.interaction.id;
    expect((await socket.request({ type: 'accept', interactionId: sid })).type).toBe('ack');
    // A session offered to another agent is not his to end.
    const other = await t.api('POST', '/api/interactions', { body: { id: 'ws-3', channel: 'chat', groupId: 'itcd-n1' } });
    expect(other.body.agentId).toBe('ana');
    const refused = await socket.request({ type: 'end', interactionId: 'ws-3' });
    expect(refused).toMatchObject({ type: 'error', error: { code: 'invalid_state' } });
    await t.api('POST', '/api/interactions/ws-3/accept');
    const notHis = await socket.request({ type: 'end', interactionId: 'ws-3' });
    expect(notHis).toMatchObject({ type: 'error', error: { code: 'not_your_session' } });
  });

  it('tells the agent when a session it was offered is abandoned', async () => {
    await t.api('PUT', '/api/agents/carla/state', { body: { state: 'available' } });
    const socket = await connect('carla', ADMIN);
    await socket.nextOfType('snapshot');
    await t.api('POST', '/api/interactions', { body: { id: 'ws-4', channel: 'phone', groupId: 'ipva-n1' } });
    expect((await socket.nextOfType('offer')).interaction.id).toBe('ws-4');
    await t.api('POST', '/api/interactions/ws-4/abandon');
    expect(await socket.nextOfType('revoked')).toEqual({ type: 'revoked', interactionId: 'ws-4', reason: 'abandoned' });
  });

  it('counts open agent sockets in the metrics', async () => {
    await connect('ana', ana);
    const metrics = await t.api('GET', '/metrics', { token: null });
    expect(metrics.body).toMatch(/^atende_ws_connections\{socket="agent"\} 1$/m);
  });
});
