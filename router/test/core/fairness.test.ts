// Fairness figures per group: sessions per agent today, max − min, Gini.
import { describe, expect, it } from 'vitest';
import { fairness, gini } from '../../src/core/index.js';
import { Harness, agent, eventsOf, group } from './fixtures.js';

describe('gini', () => {
  it('is 0 for perfectly equal counts', () => {
    expect(gini([1, 1, 1])).toBe(0);
    expect(gini([4, 4])).toBe(0);
  });

  it('is 2/3 when one agent of three took everything', () => {
    expect(gini([0, 0, 3])).toBeCloseTo(2 / 3, 12);
    expect(gini([3, 0, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('is 0 with nothing to share and for no agents', () => {
    expect(gini([0, 0, 0])).toBe(0);
    expect(gini([])).toBe(0);
  });

  it('sits strictly between for a partial imbalance', () => {
    // [1, 2, 3]: mean absolute difference 8/9 over twice the mean 4 → 2/9.
    expect(gini([1, 2, 3])).toBeCloseTo(2 / 9, 12);
  });
});

describe('fairness of a group', () => {
  const give = (h: Harness, id: string, groupId: string, agentId: string): void => {
    h.enqueue(id, groupId, { preferredAgentId: agentId });
    h.ok({ type: 'accept', interactionId: id, agentId });
    h.ok({ type: 'end', interactionId: id, agentId });
  };

  it('reports sessions per agent today, max, min, spread and gini', () => {
    const h = new Harness().setup([group('g')], ['a', 'b', 'c'].map((id) => agent(id, ['g'])));
    for (const id of ['s1', 's2', 's3']) give(h, id, 'g', 'a');
    expect(fairness(h.router.state, 'g')).toEqual({
      groupId: 'g',
      sessionsPerAgent: { a: 3, b: 0, c: 0 },
      max: 3,
      min: 0,
      spread: 3,
      gini: expect.closeTo(2 / 3, 12),
    });
  });

  it('counts each group separately for an agent in several groups', () => {
    const h = new Harness().setup([group('g'), group('h')], [agent('a', ['g', 'h']), agent('b', ['g'])]);
    give(h, 's1', 'g', 'a');
    give(h, 's2', 'h', 'a');
    give(h, 's3', 'h', 'a');
    give(h, 's4', 'g', 'b');
    expect(fairness(h.router.state, 'g')).toMatchObject({ sessionsPerAgent: { a: 1, b: 1 }, spread: 0, gini: 0 });
    expect(fairness(h.router.state, 'h')).toMatchObject({ sessionsPerAgent: { a: 2 }, spread: 0 });
  });

  it('does not count a missed offer as a session received', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.enqueue('s1', 'g', { preferredAgentId: 'a' });
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    expect(fairness(h.router.state, 'g')!.sessionsPerAgent).toEqual({ a: 0, b: 1 });
  });

  it('counts a session taken through overflow in the overflow group', () => {
    const h = new Harness().setup([group('over'), group('g', { overflow: { afterSeconds: 10, groupId: 'over' } })], [agent('x', ['over'])]);
    h.enqueue('s1', 'g');
    h.advance(10);
    expect(fairness(h.router.state, 'over')!.sessionsPerAgent).toEqual({ x: 1 });
    expect(fairness(h.router.state, 'g')!.sessionsPerAgent).toEqual({});
  });

  it('is undefined for an unknown group', () => {
    expect(fairness(new Harness().router.state, 'nope')).toBeUndefined();
  });

  it('stays within a spread of 1 for identical agents under the equal strategy and steady load', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const h = new Harness().setup([group('g')], ids.map((id) => agent(id, ['g'], { capacity: { chat: 1 } })));
    const active: string[] = [];
    for (let n = 0; n < 200; n++) {
      h.now += 7_000;
      for (const e of eventsOf(h.enqueue(`s${n}`, 'g'), 'interaction.offered')) {
        h.ok({ type: 'accept', interactionId: e.interactionId, agentId: e.agentId });
        active.push(e.interactionId);
      }
      // Three in conversation at any time, the longest ending first: always someone free.
      if (active.length > 3) h.ok({ type: 'end', interactionId: active.shift()! });
      expect(fairness(h.router.state, 'g')!.spread).toBeLessThanOrEqual(1);
    }
    expect(fairness(h.router.state, 'g')).toMatchObject({ max: 40, min: 40, gini: 0 });
  });
});
