// Capacity per channel, voice excluding new chats, presence, and wrap-up holding the slot.
import { describe, expect, it } from 'vitest';
import { Harness, agent, group, types } from './fixtures.js';

describe('capacity per channel', () => {
  it('gives an agent with chat 3 three chat offers and keeps the fourth waiting', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 3, phone: 1 } })]);
    for (const id of ['c1', 'c2', 'c3', 'c4']) h.enqueue(id, 'g');
    expect(h.agent('a').offers).toEqual(['c1', 'c2', 'c3']);
    expect(h.agent('a').load.chat).toBe(3);
    expect(h.state('c4')).toBe('queued');
  });

  it('gives an agent with phone 1 one phone offer, independently of its chats', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 3, phone: 1 } })]);
    h.enqueue('c1', 'g');
    h.enqueue('p1', 'g', { channel: 'phone' });
    h.enqueue('p2', 'g', { channel: 'phone' });
    expect(h.agent('a').offers).toEqual(['c1', 'p1']);
    expect(h.state('p2')).toBe('queued');
  });

  it('never offers a channel the agent has no capacity for', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 2 } })]);
    h.enqueue('w1', 'g', { channel: 'whatsapp' });
    expect(h.state('w1')).toBe('queued');
  });

  it('frees the slot on end, and the agent gets the next waiting session of that channel', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 1 } })]);
    h.enqueue('c1', 'g');
    h.enqueue('c2', 'g');
    h.ok({ type: 'accept', interactionId: 'c1', agentId: 'a' });
    expect(h.state('c2')).toBe('queued');
    expect(h.offeredTo(h.ok({ type: 'end', interactionId: 'c1', agentId: 'a' }))).toEqual({ c2: 'a' });
  });
});

describe('voiceExcludesChat', () => {
  const setup = () =>
    new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 3, whatsapp: 2, phone: 1 }, voiceExcludesChat: true })]);

  it('keeps new chats and WhatsApp away from an agent on a phone session', () => {
    const h = setup();
    h.enqueue('p1', 'g', { channel: 'phone' });
    h.ok({ type: 'accept', interactionId: 'p1', agentId: 'a' });
    h.enqueue('c1', 'g');
    h.enqueue('w1', 'g', { channel: 'whatsapp' });
    expect(h.state('c1')).toBe('queued');
    expect(h.state('w1')).toBe('queued');
  });

  it('also counts a phone offer not yet accepted', () => {
    const h = setup();
    h.enqueue('p1', 'g', { channel: 'phone' });
    h.enqueue('c1', 'g');
    expect(h.state('c1')).toBe('queued');
  });

  it('gives chats again once the phone slot frees', () => {
    const h = setup();
    h.enqueue('p1', 'g', { channel: 'phone' });
    h.ok({ type: 'accept', interactionId: 'p1', agentId: 'a' });
    h.enqueue('c1', 'g');
    h.enqueue('c2', 'g');
    const events = h.ok({ type: 'end', interactionId: 'p1', agentId: 'a' });
    expect(h.offeredTo(events)).toEqual({ c1: 'a', c2: 'a' });
  });

  it('does not stop chats for an agent without the option', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 3, phone: 1 } })]);
    h.enqueue('p1', 'g', { channel: 'phone' });
    h.ok({ type: 'accept', interactionId: 'p1', agentId: 'a' });
    h.enqueue('c1', 'g');
    expect(h.interaction('c1').agentId).toBe('a');
  });
});

describe('presence', () => {
  it('gives nothing to a paused agent', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'paused', reason: 'café' });
    h.enqueue('s1', 'g');
    expect(h.state('s1')).toBe('queued');
    expect(h.agent('a')).toMatchObject({ presence: 'paused', reason: 'café' });
  });

  it('gives nothing to an offline agent', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])], false);
    h.enqueue('s1', 'g');
    expect(h.state('s1')).toBe('queued');
  });

  it('pulls the waiting sessions when the agent goes available, up to its capacity', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 2, phone: 1 } })], false);
    h.enqueue('c1', 'g');
    h.enqueue('c2', 'g');
    h.enqueue('c3', 'g');
    h.enqueue('p1', 'g', { channel: 'phone' });
    const events = h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    expect(types(events)[0]).toBe('agent.state_changed');
    expect(h.offeredTo(events)).toEqual({ c1: 'a', c2: 'a', p1: 'a' });
    expect(h.state('c3')).toBe('queued');
  });

  it('changes nothing, and says nothing, when an available agent is set available again (a reason or not)', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    expect(h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' })).toEqual([]);
    expect(h.ok({ type: 'setAgentState', agentId: 'a', state: 'available', reason: 'café' })).toEqual([]);
    expect(h.agent('a')).toMatchObject({ presence: 'available' });
    expect(h.agent('a').reason).toBeUndefined();
    // A paused agent with another reason is a change.
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'paused', reason: 'café' });
    expect(types(h.ok({ type: 'setAgentState', agentId: 'a', state: 'paused', reason: 'almoço' }))).toEqual(['agent.state_changed']);
  });

  it('hands the revoked offers of a pausing agent to a free agent in queue order, not in offer order', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'], { capacity: { chat: 2 } }), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('ordinary', 'g');
    h.enqueue('urgent', 'g', { priority: 5 }); // offered after, but ahead in the queue
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    const events = h.ok({ type: 'setAgentState', agentId: 'a', state: 'paused' });
    expect(h.offeredTo(events)).toEqual({ urgent: 'b' });
  });

  it('revokes the offers of an agent who pauses and gives them to someone else', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('s1', 'g');
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    const events = h.ok({ type: 'setAgentState', agentId: 'a', state: 'offline' });
    expect(types(events)).toEqual(['interaction.revoked', 'agent.state_changed', 'interaction.offered']);
    expect(h.offeredTo(events)).toEqual({ s1: 'b' });
  });
});

describe('wrap-up', () => {
  const setup = () => {
    const h = new Harness().setup([group('g', { wrapUpSeconds: 30 })], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    h.enqueue('s2', 'g');
    return h;
  };

  it('holds the slot after end until the group wrapUpSeconds deadline', () => {
    const h = setup();
    const ended = h.ok({ type: 'end', interactionId: 's1', agentId: 'a' });
    expect(types(ended)).toEqual(['interaction.ended']);
    expect(h.interaction('s1')).toMatchObject({ state: 'wrapup', wrapUpUntil: h.now + 30_000 });
    expect(h.agent('a').load.chat).toBe(1);
    expect(h.advance(29)).toEqual([]);
    const done = h.advance(1);
    expect(types(done)).toEqual(['interaction.wrapped_up', 'interaction.offered']);
    expect(h.offeredTo(done)).toEqual({ s2: 'a' });
    expect(h.state('s1')).toBeUndefined();
  });

  it('ends early on completeWrapUp, and the agent gets the next session', () => {
    const h = setup();
    h.ok({ type: 'end', interactionId: 's1', agentId: 'a' });
    h.now += 5_000;
    const done = h.ok({ type: 'completeWrapUp', interactionId: 's1', agentId: 'a' });
    expect(types(done)).toEqual(['interaction.wrapped_up', 'interaction.offered']);
    expect(h.offeredTo(done)).toEqual({ s2: 'a' });
    h.ok({ type: 'accept', interactionId: 's2', agentId: 'a' });
    // The old wrap-up deadline is dead: nothing happens when it comes.
    expect(h.advance(25)).toEqual([]);
    expect(h.agent('a').sessions).toEqual(['s2']);
  });

  it('is skipped when the group has no wrap-up time', () => {
    const h = new Harness().setup([group('g', { wrapUpSeconds: 0 })], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    h.ok({ type: 'end', interactionId: 's1', agentId: 'a' });
    expect(h.state('s1')).toBeUndefined();
    expect(h.agent('a').load.chat).toBe(0);
  });
});
