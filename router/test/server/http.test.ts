// The HTTP surface itself: health, metrics, JSON errors for unknown routes, bad JSON, oversized
// bodies and missing or invalid tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureBasics, startTestServer, type TestServer } from './helpers.js';

describe('the HTTP surface', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ bodyLimitBytes: 8 * 1024 });
    await configureBasics(t);
  });
  afterAll(() => t?.close());

  it('answers health without a token', async () => {
    const answer = await t.api('GET', '/health', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics with sessions by state, decision latency, sockets and persist lag', async () => {
    await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'ipva-n1' } });
    await t.api('POST', '/api/interactions', { body: { channel: 'chat', groupId: 'ipva-n1' } });
    await t.api('POST', '/api/interactions', { body: { channel: 'fax', groupId: 'ipva-n1' } });
    const answer = await t.api('GET', '/metrics', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    expect(answer.body).toMatch(/^atende_sessions\{state="queued"\} 2$/m);
    expect(answer.body).toMatch(/^atende_decision_seconds_count\{command="enqueue"\} 2$/m);
    expect(answer.body).toMatch(/^atende_event_persist_seconds_count \d+$/m);
    expect(answer.body).toMatch(/^atende_ws_connections\{socket="agent"\} 0$/m);
    expect(answer.body).toMatch(/^atende_routing_events_total\{type="interaction.queued"\} 2$/m);
    expect(answer.body).toMatch(/^atende_http_responses_total\{method="POST",status="201"\} 2$/m);
    expect(answer.body).toMatch(/^atende_http_responses_total\{method="POST",status="400"\} 1$/m);
  });

  it('answers an unknown route with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/nothing-here'],
      ['POST', '/api/unknown'],
      ['DELETE', '/api/groups/ipva-n1'],
    ] as const) {
      const answer = await t.api(method, path);
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'not_found' });
    }
  });

  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    const answer = await t.api('POST', '/api/interactions', { raw: '{"channel": "chat",', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_json');
  });

  it('refuses a body over the size limit with 413', async () => {
    const big = { channel: 'chat', groupId: 'ipva-n1', data: { blob: 'x'.repeat(9 * 1024) } };
    const answer = await t.api('POST', '/api/interactions', { body: big });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'payload_too_large', details: { limitBytes: 8192 } });
  });

  it('keeps serving after an oversized body', async () => {
    expect((await t.api('GET', '/health', { token: null })).status).toBe(200);
  });

  it('answers 401 without a token and with a bad one, in the error format', async () => {
    const missing = await t.api('GET', '/api/queues', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const forged = await t.api('GET', '/api/queues', { token: 'v1.eyJzdWIiOiJ4In0.AAAA' });
    expect(forged.status).toBe(401);
    const wrongAdmin = await t.api('GET', '/api/queues', { token: 'not-the-admin-token' });
    expect(wrongAdmin.status).toBe(401);
  });

  it('answers 400 with the failing fields for an invalid body', async () => {
    const answer = await t.api('POST', '/api/interactions', { body: { channel: 'fax', priority: 12 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    const paths = answer.body.error.details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['channel', 'groupId', 'priority']));
  });

  it('answers 400 for invalid query parameters', async () => {
    const answer = await t.api('GET', '/api/interactions?limit=9999');
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields[0].path).toBe('limit');
  });
});
