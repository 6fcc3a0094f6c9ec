// Which waiting session an agent gets: legal priority, then priority, then waiting time with aging,
// across all of the agent's groups and channels.
import { describe, expect, it } from 'vitest';
import { Harness, T0, agent, eventsOf, group } from './fixtures.js';

/** The order in which one agent with a single chat slot is handed the waiting sessions. */
function serveAll(h: Harness, agentId: string, first: string): string[] {
  const order: string[] = [];
  let current: string | undefined = first;
  while (current) {
    order.push(current);
    if (h.state(current) === 'offered') h.ok({ type: 'accept', interactionId: current, agentId });
    const next: { interactionId: string }[] = eventsOf(h.ok({ type: 'end', interactionId: current, agentId }), 'interaction.offered');
    current = next[0]?.interactionId;
  }
  return order;
}

describe('the session an agent is offered when its capacity frees', () => {
  it('is chosen across all its groups: legal priority first, then priority, then waiting time', () => {
    const h = new Harness().setup([group('g1'), group('g2'), group('g3')], [agent('a', ['g1', 'g2', 'g3'], { capacity: { chat: 1 } })]);
    h.enqueue('busy', 'g1');
    h.ok({ type: 'accept', interactionId: 'busy', agentId: 'a' });
    h.now += 60_000;
    h.enqueue('old', 'g1', { waitingSince: T0 - 50_000 }); // waited 110 s: less than priority 2 is worth
    h.enqueue('p2', 'g2', { priority: 2 });
    h.enqueue('p5', 'g3', { priority: 5 });
    h.enqueue('legal', 'g2', { legalPriority: true });
    h.now += 1_000;
    h.enqueue('p5-later', 'g1', { priority: 5 });
    expect(serveAll(h, 'a', 'busy')).toEqual(['busy', 'legal', 'p5', 'p5-later', 'p2', 'old']);
  });

  it('puts legal priority ahead of the highest ordinary priority of the same age', () => {
    const h = new Harness().setup([group('g1'), group('g2')], [agent('a', ['g1', 'g2'], { capacity: { chat: 1 } })]);
    h.enqueue('busy', 'g1');
    h.enqueue('p9', 'g1', { priority: 9 });
    h.enqueue('legal', 'g2', { legalPriority: true });
    expect(serveAll(h, 'a', 'busy')).toEqual(['busy', 'legal', 'p9']);
  });

  it('is chosen across channels: the older phone call first, which then keeps new chats away', () => {
    const h = new Harness().setup(
      [group('g')],
      [agent('a', ['g'], { capacity: { chat: 1, phone: 1 }, voiceExcludesChat: true })],
      false,
    );
    h.enqueue('p1', 'g', { channel: 'phone' });
    h.now += 1_000;
    h.enqueue('c1', 'g');
    const events = h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    expect(h.offeredTo(events)).toEqual({ p1: 'a' });
    expect(h.state('c1')).toBe('queued');
  });

  it('is chosen across channels: the older chat first, then the phone call as well', () => {
    const h = new Harness().setup(
      [group('g')],
      [agent('a', ['g'], { capacity: { chat: 1, phone: 1 }, voiceExcludesChat: true })],
      false,
    );
    h.enqueue('c1', 'g');
    h.now += 1_000;
    h.enqueue('p1', 'g', { channel: 'phone' });
    const events = h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    expect(eventsOf(events, 'interaction.offered').map((e) => e.interactionId)).toEqual(['c1', 'p1']);
  });
});

describe('aging', () => {
  const race = (olderBySeconds: number): string => {
    const h = new Harness({ priorityStepSeconds: 60 }).setup([group('g')], [agent('a', ['g'], { capacity: { chat: 1 } })]);
    h.enqueue('busy', 'g');
    h.ok({ type: 'accept', interactionId: 'busy', agentId: 'a' });
    h.now += 600_000;
    h.enqueue('old-p0', 'g', { waitingSince: h.now - olderBySeconds * 1000 });
    h.enqueue('new-p3', 'g', { priority: 3 });
    const next = eventsOf(h.ok({ type: 'end', interactionId: 'busy', agentId: 'a' }), 'interaction.offered');
    return next[0]!.interactionId;
  };

  it('lets a priority-0 session that waited longer than priority × priorityStepSeconds beat a newer priority-3 one', () => {
    expect(race(181)).toBe('old-p0');
  });

  it('still puts the priority-3 session first while the older one waited less than that', () => {
    expect(race(179)).toBe('new-p3');
  });

  it('lets an ordinary session outrank legal priority after waiting longer than legalPriorityBonusSeconds', () => {
    const h = new Harness({ legalPriorityBonusSeconds: 900 }).setup([group('g')], [agent('a', ['g'], { capacity: { chat: 1 } })]);
    h.enqueue('busy', 'g');
    h.ok({ type: 'accept', interactionId: 'busy', agentId: 'a' });
    h.now += 1_000_000;
    h.enqueue('legal', 'g', { legalPriority: true });
    h.enqueue('starving', 'g', { waitingSince: h.now - 901_000 });
    expect(serveAll(h, 'a', 'busy')).toEqual(['busy', 'starving', 'legal']);
  });
});

describe('a session that arrives', () => {
  it('waits behind older sessions of the same group and channel in FIFO order', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 1 } })]);
    h.enqueue('busy', 'g');
    for (const id of ['q1', 'q2', 'q3']) {
      h.now += 1_000;
      h.enqueue(id, 'g');
    }
    expect(serveAll(h, 'a', 'busy')).toEqual(['busy', 'q1', 'q2', 'q3']);
  });

  it('keeps its original contact time as waitingSince when given one', () => {
    const h = new Harness().setup([group('g')], []);
    h.enqueue('s1', 'g', { waitingSince: T0 - 42_000 });
    expect(h.interaction('s1')).toMatchObject({ waitingSince: T0 - 42_000, queuedAt: T0 });
  });
});
