// Strategies per group: each picks a different agent on one constructed case; daily counts roll
// over at local midnight in America/Sao_Paulo.
import { describe, expect, it } from 'vitest';
import type { StrategyName } from '../../src/core/index.js';
import { Harness, T0, agent, group } from './fixtures.js';

/**
 * Four agents whose counters disagree, built with targeted (preferred-agent) sessions so the
 * build-up does not depend on the strategy under test:
 *   A: idle since T0 (longest), 2 sessions today, load 2/4, had offers from g
 *   B: 1 session today (fewest), load 1/2, had an offer from g
 *   C: 2 sessions today, load 2/10 (least occupied), had an offer from g
 *   D: 2 sessions today, load 2/4, never offered from g (round-robin's turn)
 */
function contested(strategy: StrategyName): Harness {
  const h = new Harness().setup(
    [group('g', { strategy }), group('other')],
    [
      agent('A', ['g', 'other'], { capacity: { chat: 4 } }),
      agent('B', ['g', 'other'], { capacity: { chat: 2 } }),
      agent('C', ['g', 'other'], { capacity: { chat: 10 } }),
      agent('D', ['g', 'other'], { capacity: { chat: 4 } }),
    ],
    false,
  );
  for (const id of ['A', 'B', 'C', 'D']) {
    h.ok({ type: 'setAgentState', agentId: id, state: 'available' });
    h.now += 1_000;
  }
  const give = (sessionId: string, groupId: string, agentId: string): void => {
    h.enqueue(sessionId, groupId, { preferredAgentId: agentId });
    h.ok({ type: 'accept', interactionId: sessionId, agentId });
  };
  give('a1', 'g', 'A');
  give('a2', 'g', 'A');
  give('b1', 'g', 'B');
  give('c1', 'g', 'C');
  give('c2', 'other', 'C');
  give('d1', 'other', 'D');
  give('d2', 'other', 'D');
  h.now += 1_000;
  return h;
}

const pick = (strategy: StrategyName): string => {
  const h = contested(strategy);
  h.enqueue('next', 'g');
  return h.interaction('next').agentId!;
};

describe('routing strategies on the same contested case', () => {
  it('equal gives the session to the agent with the fewest sessions today', () => {
    expect(pick('equal')).toBe('B');
  });

  it('longest-idle gives it to the agent free for the longest time', () => {
    expect(pick('longest-idle')).toBe('A');
  });

  it('least-occupied gives it to the agent using the lowest share of its capacity', () => {
    expect(pick('least-occupied')).toBe('C');
  });

  it('round-robin gives it to the agent whose latest offer from the group is the oldest', () => {
    expect(pick('round-robin')).toBe('D');
  });
});

describe('equal distribution', () => {
  it('breaks a tie in sessions today by the longest idle', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g']), agent('b', ['g'])], false);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    h.now += 1_000;
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    h.enqueue('s1', 'g');
    expect(h.interaction('s1').agentId).toBe('b');
  });

  it('spreads consecutive sessions evenly over identical agents', () => {
    const h = new Harness().setup([group('g')], ['a', 'b', 'c'].map((id) => agent(id, ['g'], { capacity: { chat: 10 } })));
    for (let i = 0; i < 9; i++) h.enqueue(`s${i}`, 'g');
    for (const id of ['a', 'b', 'c']) expect(h.agent(id).sessionsToday).toBe(3);
  });

  it('gives the count back for a missed offer', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    expect(h.agent('a').sessionsToday).toBe(1);
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    expect(h.agent('a').sessionsToday).toBe(0);
  });
});

describe('round-robin', () => {
  it('rotates through the agents in turn', () => {
    const h = new Harness().setup([group('g', { strategy: 'round-robin' })], ['a', 'b', 'c'].map((id) => agent(id, ['g'], { capacity: { chat: 10 } })));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      h.enqueue(`s${i}`, 'g');
      order.push(h.interaction(`s${i}`).agentId!);
    }
    expect(order.slice(3)).toEqual(order.slice(0, 3));
    expect(new Set(order.slice(0, 3)).size).toBe(3);
  });
});

describe('a group reconfigured with another strategy', () => {
  it('re-keys its waiting agents at once', () => {
    const h = contested('equal');
    h.ok({ type: 'configureGroup', group: group('g', { strategy: 'least-occupied' }) });
    h.enqueue('next', 'g');
    expect(h.interaction('next').agentId).toBe('C');
  });
});

describe('the daily count of the equal strategy', () => {
  // a has 1 session today, b has 2 but has been idle longer: equal picks a until the day turns.
  const pickAt = (at: number): string => {
    const start = Date.UTC(2026, 10, 23, 20, 0, 0); // Monday 17:00 in São Paulo
    const h = new Harness();
    h.now = start;
    h.setup([group('g')], [agent('b', ['g'], { capacity: { chat: 5 } })]);
    h.now += 1_000;
    h.setup([], [agent('a', ['g'], { capacity: { chat: 5 } })]);
    for (const [id, who] of [['b1', 'b'], ['b2', 'b'], ['a1', 'a']] as const) {
      h.enqueue(id, 'g', { preferredAgentId: who });
      h.ok({ type: 'accept', interactionId: id, agentId: who });
    }
    h.now = at;
    h.enqueue('next', 'g');
    return h.interaction('next').agentId!;
  };

  it('still counts at 23:59 local time, even after midnight UTC', () => {
    expect(pickAt(Date.UTC(2026, 10, 24, 0, 30, 0))).toBe('a'); // 21:30 local
    expect(pickAt(Date.UTC(2026, 10, 24, 2, 59, 0))).toBe('a'); // 23:59 local
  });

  it('resets at local midnight in America/Sao_Paulo (03:00Z)', () => {
    expect(pickAt(Date.UTC(2026, 10, 24, 3, 0, 0))).toBe('b');
  });

  it('shows zero sessions today for every agent after the day turned', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    h.now = T0 + 24 * 3600_000;
    h.ok({ type: 'end', interactionId: 's1', agentId: 'a' });
    expect(h.agent('a').sessionsToday).toBe(0);
  });
});
