// Interaction records are recycled: a new arrival takes the record of one that ended. Nothing
// of the old life may leak into the new one — not its timers, not its history, not its times.
import { describe, expect, it } from 'vitest';
import { Router, snapshot } from '../../src/core/index.js';
import { HeldSessions, type InteractionRuntime } from '../../src/core/runtime.js';
import { Harness, T0, agent, group, types } from './fixtures.js';

describe('a recycled interaction record', () => {
  it('does not fire the timers of its previous life', () => {
    const h = new Harness().setup([group('g', { wrapUpSeconds: 30 })], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    const old = h.router.state.interactions.get('s1')!;
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    h.now += 2_000;
    h.ok({ type: 'end', interactionId: 's1' }); // wrap-up until T0 + 32 s
    h.now += 1_000;
    h.ok({ type: 'completeWrapUp', interactionId: 's1' });
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'paused', reason: 'almoço' });

    h.enqueue('s2', 'g');
    // The scenario this test is about: s2 lives in the record s1 left.
    expect(h.router.state.interactions.get('s2')).toBe(old);
    expect(h.interaction('s2')).toMatchObject({ state: 'queued', queuedAt: T0 + 3_000, waitingSince: T0 + 3_000 });
    expect(h.interaction('s2').offeredAt).toBeUndefined();
    expect(h.interaction('s2').acceptedAt).toBeUndefined();
    expect(h.interaction('s2').history).toEqual([{ at: T0 + 3_000, kind: 'queued', groupId: 'g' }]);
    // s1's offer expiry (T0 + 20 s) and wrap-up end (T0 + 32 s) are dead: nothing is due.
    expect(h.router.nextDeadline()).toBeUndefined();
    expect(h.advance(60)).toEqual([]);
    expect(h.state('s2')).toBe('queued');
    expect(snapshot(Router.replay(h.log).state)).toEqual(snapshot(h.router.state));
  });

  it('keeps the timers of its new life after an abandoned offer', () => {
    const h = new Harness({ offerTimeoutSeconds: 20 }).setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g'); // offered to a, expires at T0 + 20 s
    h.now += 5_000;
    h.ok({ type: 'abandon', interactionId: 's1' });
    h.enqueue('s2', 'g'); // offered to a, expires at T0 + 25 s
    expect(h.interaction('s2')).toMatchObject({ state: 'offered', agentId: 'a', offeredAt: T0 + 5_000, offerExpiresAt: T0 + 25_000 });
    expect(h.router.nextDeadline()).toBe(T0 + 25_000);
    expect(h.advance(19)).toEqual([]); // T0 + 24 s: past s1's old expiry, nothing fires
    expect(types(h.advance(1))).toEqual(['interaction.expired']);
    expect(h.interaction('s2').history.map((e) => e.kind)).toEqual(['queued', 'offered', 'missed']);
    expect(snapshot(Router.replay(h.log).state)).toEqual(snapshot(h.router.state));
  });
});

describe('the sessions an agent holds', () => {
  it('keep their order as sessions come and go, past the four kept inline', () => {
    const held = new HeldSessions();
    const model: number[] = [];
    const records = Array.from({ length: 9 }, (_, i) => ({ i }) as unknown as InteractionRuntime);
    const ids = () => held.toArray().map((r) => (r as unknown as { i: number }).i);
    for (const i of [0, 1, 2, 3, 4, 5, 6]) {
      held.add(records[i]!);
      model.push(i);
    }
    expect(ids()).toEqual(model);
    for (const i of [2, 5, 0]) {
      held.remove(records[i]!);
      model.splice(model.indexOf(i), 1);
      expect(ids()).toEqual(model);
      expect(held.size).toBe(model.length);
    }
    held.remove(records[8]!); // not held: nothing changes
    for (const i of [7, 8]) {
      held.add(records[i]!);
      model.push(i);
    }
    expect(ids()).toEqual([1, 3, 4, 6, 7, 8]);
    for (const i of [...model]) held.remove(records[i]!);
    expect(held.toArray()).toEqual([]);
    expect(held.size).toBe(0);
  });
});
