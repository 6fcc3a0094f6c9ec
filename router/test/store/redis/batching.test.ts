// Group commit: commands handed to the engine while a script call is in flight go together in the
// next call. Each is still decided on its own, in order: a failing one leaves the others applied,
// one that needs a group's hours is sent again (with the rest) without passing anyone, and a Lua
// runtime error fails the whole batch with nothing of it written. With two calls in flight
// (pipelining), a call runs only if the one before it decided all its commands: otherwise it comes
// back fenced, and its commands are sent again after those of the call that stopped.

import { beforeEach, describe, expect, it } from 'vitest';
import { Router, type Command, type Outcome } from '../../../src/core/index.js';
import { RedisEngine, RoutingScript, compareEntryIds, entryEvents, readStream, routingScriptSource, streamKey } from '../../../src/store/redis/index.js';
import { agent, group, T0 } from '../../core/fixtures.js';
import { freshTenant, useRedis } from './redis-server.js';

const server = useRedis();

const hours = { timeZone: 'America/Sao_Paulo', weekly: [{ weekday: 1 as const, open: '09:00', close: '10:30' }], holidays: [] };

let pipeline = 1;

async function open(tenant = freshTenant('batch'), script?: RoutingScript): Promise<RedisEngine> {
  return RedisEngine.open({ client: server.client, tenant, timers: false, streamMaxLength: 1_000, pipeline, ...(script ? { script } : {}) });
}

/** Decides the setup one by one in both; returns them. */
async function setUp(engine: RedisEngine, commands: Command[]): Promise<Router> {
  const router = new Router();
  for (const command of commands) {
    const expected = router.decide(structuredClone(command), T0);
    expect(await engine.decide(command, T0)).toEqual(expected);
  }
  return router;
}

/** Groups g and h (with hours) and agent a, set up through another node: the engine returned has never seen h's hours. */
async function hoursTenant(name: string): Promise<{ other: RedisEngine; router: Router; engine: RedisEngine }> {
  const tenant = freshTenant(name);
    const other = await open(tenant);
    const router = await setUp(other, [
      { type: 'configureGroup', group: group('g') },
      { type: 'configureGroup', group: group('h', { hours }) },
      { type: 'configureAgent', agent: agent('a', ['g', 'h'], { capacity: { chat: 1 } }) },
      { type: 'setAgentState', agentId: 'a', state: 'available' },
    ]);
    const engine = await open(tenant);
  return { other, router, engine };
}

async function evalshaCalls(): Promise<number> {
  const info = await server.client.info('commandstats');
  return Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0);
}

/**
 * The stream holds the decided commands' events in command order (one entry per script call, so
 * the commands of a call share an entry): entry ids never go back, and the entries they name,
 * read back, hold exactly the expected events in order.
 */
async function expectStreamed(engine: RedisEngine, actual: { entryId: string }[], expected: Outcome[]): Promise<void> {
  const ids = actual.map((d) => d.entryId).filter((id) => id !== '');
  for (let i = 1; i < ids.length; i++) expect(compareEntryIds(ids[i - 1]!, ids[i]!)).toBeLessThanOrEqual(0);
  const named = new Set(ids);
  const entries = (await readStream(server.client, engine.key, '-', 10_000)).filter((e) => named.has(e.id));
  expect(entries.map((e) => e.id)).toEqual([...named]);
  expect(entries.flatMap(entryEvents)).toEqual(expected.flatMap((o) => (o.ok ? o.events : [])));
}

/** Hands all commands to the engine at once (no await in between); the core decides them in the same order. */
async function burst(engine: RedisEngine, router: Router, commands: Command[], now = T0 + 1): Promise<{ actual: { outcome: Outcome; entryId: string }[]; expected: Outcome[] }> {
  const pending = commands.map((command) => engine.decideEntry(command, now));
  const expected = commands.map((command) => router.decide(structuredClone(command), now));
  return { actual: await Promise.all(pending), expected };
}

/** Enqueues session `id` on chat in group g (the tenant of `sizedEngine`). */
const enqueue = (id: string): Command => ({ type: 'enqueue', interaction: { id, channel: 'chat', groupId: 'g' } });

/** Group g and agent a (3 chats), set up; the engine's script calls are logged by their number of commands. */
async function sizedEngine(name: string): Promise<{ engine: RedisEngine; router: Router; sizes: number[] }> {
  const sizes: number[] = [];
  class SizedScript extends RoutingScript {
    override run(...args: Parameters<RoutingScript['run']>): ReturnType<RoutingScript['run']> {
      sizes.push(Number(args[2][3]));
      return super.run(...args);
    }
  }
  const engine = await open(freshTenant(name), new SizedScript());
  const router = await setUp(engine, [
    { type: 'configureGroup', group: group('g') },
    { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 3 } }) },
    { type: 'setAgentState', agentId: 'a', state: 'available' },
  ]);
  sizes.length = 0;
  return { engine, router, sizes };
}

describe.each([1, 2, 3])('group commit in the Redis engine, %i call(s) in flight', (depth) => {
  beforeEach(() => {
    pipeline = depth;
  });

  it('decides concurrent commands in fewer script calls than commands, as the core decides them in order', async () => {
    const engine = await open();
    const router = await setUp(engine, [
      { type: 'configureGroup', group: group('g') },
      ...['a', 'b', 'c'].map((id): Command => ({ type: 'configureAgent', agent: agent(id, ['g'], { capacity: { chat: 2 } }) })),
      ...['a', 'b', 'c'].map((id): Command => ({ type: 'setAgentState', agentId: id, state: 'available' })),
    ]);
    const before = engine.batching;
    const callsBefore = await evalshaCalls();
    const commands: Command[] = Array.from({ length: 20 }, (_, i) => ({ type: 'enqueue', interaction: { id: `s${i}`, channel: 'chat', groupId: 'g' } }));
    const { actual, expected } = await burst(engine, router, commands);
    expect(actual.map((d) => d.outcome)).toEqual(expected);
    const calls = (await evalshaCalls()) - callsBefore;
    // The first goes alone; the others wait for it and go together (up to the batch size).
    expect(engine.batching.calls - before.calls).toBe(calls);
    expect(engine.batching.commands - before.commands).toBe(20);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3);
    // Every command's events are in the stream, in command order: one entry per call.
    expect(actual.every((d) => d.entryId !== '')).toBe(true);
    expect(new Set(actual.map((d) => d.entryId)).size).toBe(calls);
    await expectStreamed(engine, actual, expected);
    // Six offers went to the three agents (capacity 2 each), in queue order; the rest wait.
    expect(expected.flatMap((o) => o.events).filter((e) => e.type === 'interaction.offered')).toHaveLength(6);
    await engine.close();
  });

  it('sends the next call before answering the commands of the one that returned, and keeps their order', async () => {
    // Each script call and each answer, in the order they happen.
    const log: string[] = [];
    class LoggedScript extends RoutingScript {
      override run(...args: Parameters<RoutingScript['run']>): ReturnType<RoutingScript['run']> {
        log.push(`call of ${String(args[2][3])}`);
        return super.run(...args);
      }
    }
    const engine = await open(freshTenant('batch-overlap'), new LoggedScript());
    const router = await setUp(engine, [
      { type: 'configureGroup', group: group('g') },
      { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 3 } }) },
      { type: 'setAgentState', agentId: 'a', state: 'available' },
    ]);
    log.length = 0;
    // w goes alone; x, y and z wait for it. When w is answered, its caller hands in v at once.
    let late: Promise<Outcome> | undefined;
    const first = engine.decideEntry(enqueue('w'), T0 + 1).then(({ outcome }) => {
      log.push('w answered');
      late = engine.decide(enqueue('v'), T0 + 1);
      return outcome;
    });
    const rest = ['x', 'y', 'z'].map((id) => engine.decide(enqueue(id), T0 + 1));
    const outcomes = [await first, ...(await Promise.all(rest)), await late!];
    // x, y and z left before w was answered; v, handed in by w's caller, went in the call after.
    expect(log).toEqual(['call of 1', 'call of 3', 'w answered', 'call of 1']);
    // Decided in the order they were handed in: w, x, y (the agent's three places), then z and v wait.
    expect(outcomes).toEqual(['w', 'x', 'y', 'z', 'v'].map((id) => router.decide(enqueue(id), T0 + 1)));
    expect(outcomes.map((o) => o.ok && o.events.map((e) => e.type))).toEqual([
      ['interaction.queued', 'interaction.offered'],
      ['interaction.queued', 'interaction.offered'],
      ['interaction.queued', 'interaction.offered'],
      ['interaction.queued'],
      ['interaction.queued'],
    ]);
    await engine.close();
  });

  it('shares a wave of commands out between the calls it may have in flight, so none runs alone before a large one', async () => {
    const { engine, router, sizes } = await sizedEngine('batch-share');
    // w goes alone; a wave of 40 arrives while it is in flight.
    const commands = ['w', ...Array.from({ length: 40 }, (_, i) => `s${i}`)].map(enqueue);
    const { actual, expected } = await burst(engine, router, commands);
    expect(actual.map((d) => d.outcome)).toEqual(expected);
    // One call in flight: the wave waits for w and goes whole. Two: the wave's share of the 41
    // outstanding (21) goes at once, the rest (19) when w returns. Three: shares of 16 (the least
    // worth a call of its own), the rest after w.
    expect(sizes).toEqual([[1, 40], [1, 21, 19], [1, 16, 16, 8]][depth - 1]);
    await expectStreamed(engine, actual, expected);
    await engine.close();
  });

  it('answers a returned call first while Redis still runs a large one, so what its callers hand in goes with the queue', async () => {
    const { engine, router, sizes } = await sizedEngine('batch-answer-first');
    // w goes alone, a wave of 40 arrives while it is in flight, and w's caller hands in v when answered.
    let late: Promise<Outcome> | undefined;
    const first = engine.decide(enqueue('w'), T0 + 1).then((outcome) => {
      late = engine.decide(enqueue('v'), T0 + 1);
      return outcome;
    });
    const wave = Array.from({ length: 40 }, (_, i) => engine.decide(enqueue(`s${i}`), T0 + 1));
    const outcomes = [await first, ...(await Promise.all(wave)), await late!];
    expect(outcomes).toEqual(['w', ...Array.from({ length: 40 }, (_, i) => `s${i}`), 'v'].map((id) => router.decide(enqueue(id), T0 + 1)));
    // One call in flight: the queue leaves before w is answered, v after it. Two or three: when w
    // returns, Redis still has 21 (or 32) commands to run, so w is answered first and v goes with
    // the rest of the wave.
    expect(sizes).toEqual([[1, 40, 1], [1, 21, 20], [1, 16, 16, 9]][depth - 1]);
    await engine.close();
  });

  it('keeps the others of a batch applied, in order, when one in the middle fails', async () => {
    const engine = await open();
    const router = await setUp(engine, [
      { type: 'configureGroup', group: group('g') },
      { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 1 } }) },
      { type: 'setAgentState', agentId: 'a', state: 'available' },
    ]);
    const callsBefore = engine.batching.calls;
    const { actual, expected } = await burst(engine, router, [
      { type: 'setAgentState', agentId: 'a', state: 'available' },
      { type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } },
      { type: 'accept', interactionId: 'nobody', agentId: 'a' },
      { type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } },
      { type: 'enqueue', interaction: { id: 'y', channel: 'chat', groupId: 'g' } },
      { type: 'accept', interactionId: 'x', agentId: 'a' },
    ]);
    expect(engine.batching.calls - callsBefore).toBe(2);
    expect(actual.map((d) => d.outcome)).toEqual(expected);
    expect(expected.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'ok', 'unknown_interaction', 'duplicate_interaction', 'ok', 'ok']);
    // The duplicate fails on the state the first enqueue left (a check answered by the script).
    expect(actual[3]!.outcome).toMatchObject({ ok: false, error: { code: 'duplicate_interaction' } });
    // Failed commands add no stream entry; the others do, in order.
    expect(actual.map((d) => d.entryId !== '')).toEqual([false, true, false, false, true, true]);
    await expectStreamed(engine, actual, expected);
    expect(await engine.read.interaction('x')).toMatchObject({ state: 'active', agentId: 'a' });
    expect(await engine.read.interaction('y')).toMatchObject({ state: 'queued' });
    await engine.close();
  });

  it('sends a command that needs a group’s hours again with the ones after it, passing no one', async () => {
    const { other, router, engine } = await hoursTenant('batch-hours');
    const { actual, expected } = await burst(engine, router, [
      { type: 'enqueue', interaction: { id: 'w', channel: 'chat', groupId: 'g' } },
      { type: 'accept', interactionId: 'w', agentId: 'a' },
      { type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } },
      { type: 'enqueue', interaction: { id: 'y', channel: 'chat', groupId: 'h' } },
      { type: 'enqueue', interaction: { id: 'z', channel: 'chat', groupId: 'g' } },
      { type: 'end', interactionId: 'w' },
    ]);
    // w alone; the accept, x, y, z and the end together (in flight with w when pipelined), stopped at
    // y for h's hours; y, z and the end again.
    expect(engine.batching).toEqual({ calls: 3, commands: 1 + 5 + 3, hoursRetries: 1, fenced: 0 });
    expect(actual.map((d) => d.outcome)).toEqual(expected);
    await expectStreamed(engine, actual, expected);
    // w's end freed a, and the session first in line (x, then y, then z) got the offer.
    expect(expected.map((o) => o.ok)).toEqual([true, true, true, true, true, true]);
    expect(expected[5]!.events.find((e) => e.type === 'interaction.offered')).toMatchObject({ interactionId: 'x' });
    await engine.close();
    await other.close();
  });

  it('sends the commands of a call in flight behind one that stopped for hours again after it, in order', async () => {
    const { other, router, engine } = await hoursTenant('batch-fence');
    // y needs h's hours, which this engine has never seen: its call stops at once.
    const { actual, expected } = await burst(engine, router, [
      { type: 'enqueue', interaction: { id: 'y', channel: 'chat', groupId: 'h' } },
      { type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } },
      { type: 'accept', interactionId: 'y', agentId: 'a' },
      { type: 'end', interactionId: 'y' },
    ]);
    expect(actual.map((d) => d.outcome)).toEqual(expected);
    // y got the agent first; x waited, and the end of y offered it x.
    expect(expected[0]!.events.map((e) => e.type)).toEqual(['interaction.queued', 'interaction.offered']);
    expect(expected[3]!.events.find((e) => e.type === 'interaction.offered')).toMatchObject({ interactionId: 'x' });
    await expectStreamed(engine, actual, expected);
    // y alone (stopped); x, the accept and the end sent with it in flight (fenced, when pipelined)
    // or after it; then all four again.
    expect(engine.batching).toEqual(depth >= 2 ? { calls: 3, commands: 1 + 3 + 4, hoursRetries: 1, fenced: 1 } : { calls: 2, commands: 1 + 4, hoursRetries: 1, fenced: 0 });
    await engine.close();
    await other.close();
  });

  it('sends the commands of every call fenced behind a stopped one again, in the order they came', async () => {
    const { other, router, engine } = await hoursTenant('batch-fence-chain');
    const enqueue = (id: string, groupId: string): Command => ({ type: 'enqueue', interaction: { id, channel: 'chat', groupId } });
    // y (needing h's hours) goes alone; x leaves in the next call once this turn's commands are in;
    // z comes a moment later, and leaves in a third call when the pipeline has room for it.
    const pending = [engine.decideEntry(enqueue('y', 'h'), T0 + 1), engine.decideEntry(enqueue('x', 'g'), T0 + 1)];
    await Promise.resolve();
    pending.push(engine.decideEntry(enqueue('z', 'g'), T0 + 1));
    const actual = (await Promise.all(pending)).map((d) => d.outcome);
    expect(actual).toEqual([enqueue('y', 'h'), enqueue('x', 'g'), enqueue('z', 'g')].map((c) => router.decide(c, T0 + 1)));
    // y stopped for the hours; every call sent behind it came back fenced; then all three together.
    const sent = [[1, 3], [1, 1, 3], [1, 1, 1, 3]][depth - 1]!;
    expect(engine.batching).toEqual({ calls: sent.length, commands: sent.reduce((a, b) => a + b), hoursRetries: 1, fenced: depth - 1 });
    await engine.close();
    await other.close();
  });

  it('sends the commands of a call in flight behind a failed one again, applying them once', async () => {
    const buggy = new RoutingScript(
      'evalsha',
      `${routingScriptSource()}\n;(function()\nlocal execute = R.execute\nR.execute = function(cmd)\n  if cmd.interaction and cmd.interaction.id == 'boom' then error('boom: a bug') end\n  return execute(cmd)\nend\nend)()`,
    );
    const engine = await open(freshTenant('batch-fence-bug'), buggy);
    const router = await setUp(engine, [
      { type: 'configureGroup', group: group('g') },
      { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 1 } }) },
      { type: 'setAgentState', agentId: 'a', state: 'available' },
    ]);
    const boom = engine.decide({ type: 'enqueue', interaction: { id: 'boom', channel: 'chat', groupId: 'g' } }, T0 + 1);
    const x = engine.decide({ type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } }, T0 + 1);
    await expect(boom).rejects.toThrow(/boom: a bug/);
    expect(await x).toEqual(router.decide({ type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } }, T0 + 1));
    expect(await engine.read.agent('a')).toMatchObject({ offers: ['x'] });
    expect(engine.batching.fenced).toBe(depth >= 2 ? 1 : 0);
    await engine.close();
  });

  it('fails every command of a batch with a Lua runtime error, writing nothing of it', async () => {
    // A script with a bug that shows on one session id.
    const buggy = new RoutingScript(
      'evalsha',
      `${routingScriptSource()}\n;(function()\nlocal execute = R.execute\nR.execute = function(cmd)\n  if cmd.interaction and cmd.interaction.id == 'boom' then error('boom: a bug') end\n  return execute(cmd)\nend\nend)()`,
    );
    const tenant = freshTenant('batch-bug');
    const engine = await open(tenant, buggy);
    const router = await setUp(engine, [
      { type: 'configureGroup', group: group('g') },
      { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 1 } }) },
    ]);
    const stream = streamKey(engine.key);
    const first = engine.decide({ type: 'setAgentState', agentId: 'a', state: 'available' }, T0 + 1);
    const batch = [
      engine.decide({ type: 'enqueue', interaction: { id: 'x', channel: 'chat', groupId: 'g' } }, T0 + 1),
      engine.decide({ type: 'enqueue', interaction: { id: 'boom', channel: 'chat', groupId: 'g' } }, T0 + 1),
      engine.decide({ type: 'enqueue', interaction: { id: 'y', channel: 'chat', groupId: 'g' } }, T0 + 1),
    ];
    const outcomes = Promise.allSettled(batch);
    expect(await first).toEqual(router.decide({ type: 'setAgentState', agentId: 'a', state: 'available' }, T0 + 1));
    const entries = await server.client.xlen(stream);
    const settled = await outcomes;
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect(String((s as PromiseRejectedResult).reason)).toMatch(/boom: a bug/);
    }
    // No record was written (x's session, a's offer) and no stream entry was added. (Queue and
    // heap members x's enqueue wrote directly stay: Redis does not roll a script back — README.)
    expect(await engine.read.interaction('x')).toBeUndefined();
    expect(await engine.read.agent('a')).toMatchObject({ presence: 'available', offers: [] });
    expect(await server.client.xlen(stream)).toBe(entries);
    expect(entries).toBeGreaterThan(0);
    await engine.close();
  });
});
