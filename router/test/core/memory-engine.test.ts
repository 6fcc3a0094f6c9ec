// The embedded engine: a real timer fires the core's deadlines, events are durable before a
// command is acknowledged, and subscribers see them in command order.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEngine, type MemoryEngineOptions } from '../../src/store/memory/index.js';
import { snapshot, type RoutingEvent } from '../../src/core/index.js';
import { agent, group } from './fixtures.js';

const engines: MemoryEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function staffed(options: MemoryEngineOptions = {}): Promise<MemoryEngine> {
  const engine = new MemoryEngine(options);
  engines.push(engine);
  await engine.execute({ type: 'configureGroup', group: group('g') });
  await engine.execute({ type: 'configureAgent', agent: agent('a', ['g']) });
  await engine.execute({ type: 'setAgentState', agentId: 'a', state: 'available' });
  return engine;
}

/** Resolves with the first published event of a type, or rejects after `ms`. */
function nextEvent(engine: MemoryEngine, type: RoutingEvent['type'], ms = 2_000): Promise<RoutingEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
    const off = engine.subscribe((events) => {
      const e = events.find((x) => x.type === type);
      if (!e) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the memory engine timer', () => {
  it('fires an offer expiry with a real short timeout and requeues the session', async () => {
    const engine = await staffed({ router: { offerTimeoutSeconds: 0.05 } });
    const started = Date.now();
    const expired = nextEvent(engine, 'interaction.expired');
    await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    expect(engine.interaction('s1')?.state).toBe('offered');
    expect(await expired).toMatchObject({ interactionId: 's1', agentId: 'a' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(engine.interaction('s1')?.state).toBe('queued');
    expect(engine.agent('a')?.misses).toBe(1);
  });

  it('re-arms for the next deadline after firing one (the cooldown re-offer, then its expiry)', async () => {
    const engine = await staffed({ router: { offerTimeoutSeconds: 0.03, missCooldownSeconds: 0.03, maxConsecutiveMisses: 5 } });
    const reoffered = new Promise<void>((resolve) => {
      let offers = 0;
      engine.subscribe((events) => {
        offers += events.filter((e) => e.type === 'interaction.offered').length;
        if (offers >= 2) resolve();
      });
    });
    await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    await reoffered;
    expect(engine.interaction('s1')).toMatchObject({ state: 'offered', agentId: 'a' });
  });

  it('does not fire anything when timers are off', async () => {
    const engine = await staffed({ router: { offerTimeoutSeconds: 0.01 }, timers: false });
    await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(engine.interaction('s1')?.state).toBe('offered');
  });

  it('stops firing once closed, and refuses commands after close', async () => {
    const engine = await staffed({ router: { offerTimeoutSeconds: 0.02 } });
    let published = 0;
    engine.subscribe(() => published++);
    await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    const before = published;
    await engine.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(published).toBe(before);
    await expect(engine.execute({ type: 'tick' })).rejects.toThrow('engine closed');
  });
});

describe('the memory engine persistence', () => {
  it('calls persist with the events before it acknowledges the command', async () => {
    const gate = deferred();
    const persisted: RoutingEvent[][] = [];
    const engine = new MemoryEngine({
      timers: false,
      persist: async (events) => {
        persisted.push(events);
        await gate.promise;
      },
    });
    engines.push(engine);
    let acknowledged = false;
    const ack = engine.execute({ type: 'configureGroup', group: group('g') }).then((outcome) => {
      acknowledged = true;
      return outcome;
    });
    await tick();
    expect(persisted).toHaveLength(1);
    expect(persisted[0]!.map((e) => e.type)).toEqual(['group.configured']);
    expect(acknowledged).toBe(false);
    gate.resolve();
    const outcome = await ack;
    expect(acknowledged).toBe(true);
    expect(outcome.events).toBe(persisted[0]);
  });

  it('publishes to subscribers only after persist resolved', async () => {
    const gate = deferred();
    const engine = new MemoryEngine({ timers: false, persist: () => gate.promise });
    engines.push(engine);
    const seen: string[] = [];
    engine.subscribe((events) => seen.push(...events.map((e) => e.type)));
    const ack = engine.execute({ type: 'configureGroup', group: group('g') });
    await tick();
    expect(seen).toEqual([]);
    gate.resolve();
    await ack;
    await tick();
    expect(seen).toEqual(['group.configured']);
  });

  it('persists and publishes in command order even when an earlier persist is slower', async () => {
    const gates = [deferred(), deferred()];
    const persistOrder: string[] = [];
    let call = 0;
    const engine = new MemoryEngine({
      timers: false,
      persist: async (events) => {
        const gate = gates[call++];
        persistOrder.push(events[0]!.type);
        if (gate) await gate.promise;
      },
    });
    engines.push(engine);
    const seen: string[] = [];
    engine.subscribe((events) => seen.push(events[0]!.type));
    const first = engine.execute({ type: 'configureGroup', group: group('g') });
    const second = engine.execute({ type: 'configureAgent', agent: agent('a', ['g']) });
    gates[1]!.resolve(); // the second persist is ready first…
    await tick();
    expect(seen).toEqual([]); // …but nothing is published before the first is durable
    gates[0]!.resolve();
    await Promise.all([first, second]);
    await tick();
    expect(persistOrder).toEqual(['group.configured', 'agent.configured']);
    expect(seen).toEqual(['group.configured', 'agent.configured']);
  });

  it('rejects the command when persist fails, publishes nothing for it, and goes on with the next', async () => {
    let fail = true;
    const engine = new MemoryEngine({
      timers: false,
      persist: async () => {
        if (fail) throw new Error('disk full');
      },
    });
    engines.push(engine);
    const seen: string[] = [];
    engine.subscribe((events) => seen.push(...events.map((e) => e.type)));
    await expect(engine.execute({ type: 'configureGroup', group: group('g') })).rejects.toThrow('disk full');
    fail = false;
    await engine.execute({ type: 'configureGroup', group: group('h') });
    await tick();
    expect(seen).toEqual(['group.configured']);
  });

  it('answers a typed error without persisting anything', async () => {
    let calls = 0;
    const engine = new MemoryEngine({ timers: false, persist: async () => void calls++ });
    engines.push(engine);
    const outcome = await engine.execute({ type: 'setAgentState', agentId: 'nope', state: 'available' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unknown_agent' } });
    expect(calls).toBe(0);
  });
});

describe('the memory engine subscribers', () => {
  it('receive each command’s events once, in order, and stop after unsubscribing', async () => {
    const engine = await staffed({ timers: false });
    const seen: string[][] = [];
    const off = engine.subscribe((events) => seen.push(events.map((e) => e.type)));
    await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    await engine.execute({ type: 'accept', interactionId: 's1', agentId: 'a' });
    await tick();
    off();
    await engine.execute({ type: 'end', interactionId: 's1', agentId: 'a' });
    await tick();
    expect(seen).toEqual([['interaction.queued', 'interaction.offered'], ['interaction.accepted']]);
  });

  it('keep receiving when another listener throws, and the error goes to onError', async () => {
    const errors: unknown[] = [];
    const engine = new MemoryEngine({ timers: false, onError: (err) => errors.push(err) });
    engines.push(engine);
    const seen: string[] = [];
    engine.subscribe(() => {
      throw new Error('bad board');
    });
    engine.subscribe((events) => seen.push(...events.map((e) => e.type)));
    await engine.execute({ type: 'configureGroup', group: group('g') });
    await tick();
    expect(seen).toEqual(['group.configured']);
    expect(errors).toHaveLength(1);
  });
});

describe('the memory engine recovery', () => {
  it('rebuilds the same state from the durable log', async () => {
    const log: RoutingEvent[] = [];
    const engine = await staffed({ timers: false, persist: async (events) => void log.push(...events) });
    await engine.execute({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    await engine.execute({ type: 'enqueue', interaction: { id: 's2', channel: 'chat', groupId: 'g', priority: 3 } });
    const recovered = new MemoryEngine({ timers: false, replay: log });
    engines.push(recovered);
    expect(snapshot(recovered.router.state)).toEqual(snapshot(engine.router.state));
    expect(recovered.interaction('s2')).toEqual(engine.interaction('s2'));
  });
});
