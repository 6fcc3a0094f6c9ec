// The load harness's Graph API sink: the channels' simulator answering sends as Meta does, and the
// control server k6's WhatsApp citizens read their messages from (long poll). Real HTTP throughout.
import { channelsConfigFromEnv } from '@atende/channels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mailboxes, startGraphSink, type GraphSink } from '../src/graph/sink.js';
import { newCredentials, whatsappEnv } from '../src/system/graph.js';

const credentials = newCredentials();
const WA = '5511900000042';

describe('Graph API sink', () => {
  let sink: GraphSink;
  const send = (body: unknown, token = credentials.accessToken) =>
    fetch(`${sink.graphUrl}/${credentials.version}/${credentials.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const text = (to: string, body: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });

  beforeAll(async () => {
    sink = await startGraphSink(credentials);
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('answers sends as the Graph API does and refuses what Meta refuses', async () => {
    const ok = await send(text(WA, 'Olá'));
    expect(ok.status).toBe(200);
    const answer = (await ok.json()) as { messages: { id: string }[] };
    expect(answer.messages[0]!.id).toMatch(/^wamid\./);
    expect((await send(text(WA, 'Olá'), 'wrong-token')).status).toBe(401);
    expect((await send({ messaging_product: 'whatsapp', to: WA, type: 'text', text: { body: '' } })).status).toBe(400);
  });

  it("hands a citizen's messages to the control server, waiting for new ones", async () => {
    const to = '5511900000043';
    // Nothing yet: the long poll answers when the send comes.
    const later = fetch(`${sink.controlUrl}/sent/${to}?after=0&waitMs=5000`).then((r) => r.json() as Promise<{ messages: { to: string; type: string; body: { text: { body: string } }; at: number }[]; total: number }>);
    await new Promise((r) => setTimeout(r, 100));
    const sentAt = Date.now();
    expect((await send(text(to, 'Escolha o assunto'))).status).toBe(200);
    const got = await later;
    expect(got.total).toBe(1);
    expect(got.messages[0]).toMatchObject({ to, type: 'text', body: { text: { body: 'Escolha o assunto' } } });
    expect(got.messages[0]!.at).toBeGreaterThanOrEqual(sentAt - 5);
    await send(text(to, 'Segunda'));
    const rest = (await (await fetch(`${sink.controlUrl}/sent/${to}?after=1`)).json()) as { messages: { body: { text: { body: string } } }[]; total: number };
    expect(rest.total).toBe(2);
    expect(rest.messages.map((m) => m.body.text.body)).toEqual(['Segunda']);
    expect((await fetch(`${sink.controlUrl}/sent/${to}`, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await fetch(`${sink.controlUrl}/sent/${to}`)).json()) as { total: number }).total).toBe(0);
  });

  it('answers an empty long poll when its wait is over, and refuses bad requests', async () => {
    const started = Date.now();
    const empty = (await (await fetch(`${sink.controlUrl}/sent/5511900000099?after=0&waitMs=200`)).json()) as { messages: unknown[] };
    expect(empty.messages).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await fetch(`${sink.controlUrl}/sent/not-a-number`)).status).toBe(404);
    expect((await fetch(`${sink.controlUrl}/sent/5511900000099?after=-1`)).status).toBe(400);
    expect((await fetch(`${sink.controlUrl}/sent/5511900000099`, { method: 'PUT' })).status).toBe(405);
  });

  it('counts the sends it answered', async () => {
    const stats = (await (await fetch(`${sink.controlUrl}/stats`)).json()) as { sends: number; byType: Record<string, number> };
    expect(stats.sends).toBe(sink.stats().sends);
    expect(stats.byType.text).toBe(stats.sends);
    expect(stats.sends).toBeGreaterThanOrEqual(3);
  });
});

describe('Mailboxes', () => {
  it('wakes every waiter of a citizen when a message comes or the citizen is forgotten', async () => {
    const boxes = new Mailboxes();
    const a = boxes.read('1', 0, 5_000);
    const b = boxes.read('1', 0, 5_000);
    boxes.add({ id: 'w1', to: '1', type: 'text', body: {}, at: 1 });
    expect((await a).total).toBe(1);
    expect((await b).messages.map((m) => m.id)).toEqual(['w1']);
    const c = boxes.read('2', 0, 5_000);
    boxes.forget('2');
    expect((await c).messages).toEqual([]);
    expect(boxes.open).toBe(1);
  });
});

describe('WhatsApp configuration of the server', () => {
  it("is what the channels' configuration reads: the sink as Graph API, the run's credentials", () => {
    const config = channelsConfigFromEnv(whatsappEnv(credentials, 'http://127.0.0.1:4567'), { demo: false });
    expect(config.whatsapp).toEqual({
      verifyToken: credentials.verifyToken,
      appSecret: credentials.appSecret,
      accessToken: credentials.accessToken,
      phoneNumberId: credentials.phoneNumberId,
      graphUrl: 'http://127.0.0.1:4567',
      graphVersion: 'v21.0',
    });
    expect(newCredentials().appSecret).not.toBe(credentials.appSecret);
  });
});
