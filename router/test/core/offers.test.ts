// Offers (reservations): accept, reject, expiry, requeue at the head, miss cooldown, auto-pause.
import { describe, expect, it } from 'vitest';
import { Harness, T0, agent, eventsOf, group, types } from './fixtures.js';

describe('a rejected or expired offer', () => {
  it('goes back to the head of its queue with its original waiting time after a rejection', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('s1', 'g');
    h.now += 5_000;
    h.enqueue('s2', 'g');
    h.enqueue('s3', 'g');
    expect(h.interaction('s1').agentId).toBe('a');

    h.now += 5_000;
    const events = h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    expect(types(events)).toEqual(['interaction.rejected', 'interaction.offered']);
    // The agent who rejected s1 is kept away from it, so it takes the next one.
    expect(h.offeredTo(events)).toEqual({ s2: 'a' });
    expect(h.interaction('s1')).toMatchObject({ state: 'queued', waitingSince: T0 });

    const pulled = h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    expect(h.offeredTo(pulled)).toEqual({ s1: 'b' });
    expect(h.state('s3')).toBe('queued');
  });

  it('goes back to the head of its queue with its original waiting time after expiry', () => {
    const h = new Harness({ offerTimeoutSeconds: 20 }).setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('s1', 'g');
    h.now += 1_000;
    h.enqueue('s2', 'g');
    expect(h.advance(18)).toEqual([]);
    expect(h.state('s1')).toBe('offered');

    const events = h.advance(1);
    expect(types(events)).toEqual(['interaction.expired', 'interaction.offered']);
    expect(h.offeredTo(events)).toEqual({ s2: 'a' });
    expect(h.interaction('s1')).toMatchObject({ state: 'queued', waitingSince: T0 });
    expect(h.offeredTo(h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' }))).toEqual({ s1: 'b' });
  });

  it('is offered to another free agent right away', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.enqueue('s1', 'g');
    const first = h.interaction('s1').agentId!;
    const other = first === 'a' ? 'b' : 'a';
    const events = h.ok({ type: 'reject', interactionId: 's1', agentId: first });
    expect(h.offeredTo(events)).toEqual({ s1: other });
  });

  it('offers the session to the agent who missed it only after missCooldownSeconds', () => {
    const h = new Harness({ missCooldownSeconds: 30 }).setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    expect(h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' }).map((e) => e.type)).toEqual(['interaction.rejected']);
    expect(h.advance(29)).toEqual([]);
    expect(h.state('s1')).toBe('queued');
    expect(h.offeredTo(h.advance(1))).toEqual({ s1: 'a' });
  });

  it('keeps each agent who missed it away for its own cooldown, not only the latest one', () => {
    const h = new Harness({ missCooldownSeconds: 30 }).setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.enqueue('s1', 'g');
    const first = h.interaction('s1').agentId!;
    const second = first === 'a' ? 'b' : 'a';
    h.ok({ type: 'reject', interactionId: 's1', agentId: first });
    h.now += 10_000;
    expect(h.interaction('s1').agentId).toBe(second);
    // The second miss must not hand it straight back to the first agent, still in its cooldown.
    expect(h.offeredTo(h.ok({ type: 'reject', interactionId: 's1', agentId: second }))).toEqual({});
    expect(h.offeredTo(h.advance(19))).toEqual({});
    expect(h.offeredTo(h.advance(1))).toEqual({ s1: first });
    expect(h.fail({ type: 'accept', interactionId: 's1', agentId: second })).toBe('no_offer');
  });

  it('keeps the cooldown of the agent who missed it when a later offer is revoked by a pause', () => {
    const h = new Harness({ missCooldownSeconds: 30 }).setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('s1', 'g');
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    expect(h.interaction('s1').agentId).toBe('b');
    // b pausing is not a miss by a: a stays kept away from s1 until its cooldown ends.
    const paused = h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused', reason: 'almoço' });
    expect(types(paused)).toEqual(['interaction.revoked', 'agent.state_changed']);
    expect(h.state('s1')).toBe('queued');
    expect(h.offeredTo(h.advance(30))).toEqual({ s1: 'a' });
  });

  it('goes back in queue order when two cooldowns end together and one agent is free', () => {
    const h = new Harness({ missCooldownSeconds: 30 }).setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.enqueue('s2', 'g');
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    h.ok({ type: 'reject', interactionId: 's2', agentId: 'a' });
    expect(h.offeredTo(h.advance(30))).toEqual({ s1: 'a' });
  });

  it('cannot be accepted once it has been rejected', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    expect(h.fail({ type: 'accept', interactionId: 's1', agentId: 'a' })).toBe('no_offer');
  });
});

describe('consecutive misses', () => {
  it('auto-pause the agent with the configured reason after maxConsecutiveMisses and revoke its other offers', () => {
    const h = new Harness({ maxConsecutiveMisses: 3, autoPauseReason: 'Ofertas não atendidas' }).setup(
      [group('g')],
      [agent('a', ['g'], { capacity: { chat: 2 } })],
    );
    h.enqueue('s1', 'g');
    h.enqueue('s2', 'g');
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    h.enqueue('s3', 'g');
    expect(h.interaction('s3').agentId).toBe('a');
    h.ok({ type: 'reject', interactionId: 's3', agentId: 'a' });
    expect(h.agent('a')).toMatchObject({ presence: 'available', misses: 2 });
    h.enqueue('s4', 'g');

    const events = h.ok({ type: 'reject', interactionId: 's4', agentId: 'a' });
    expect(types(events)).toEqual(['interaction.rejected', 'interaction.revoked', 'agent.auto_paused']);
    expect(eventsOf(events, 'agent.auto_paused')[0]).toMatchObject({ agentId: 'a', reason: 'Ofertas não atendidas', misses: 3 });
    expect(eventsOf(events, 'interaction.revoked')[0]).toMatchObject({ interactionId: 's2', reason: 'agent_paused' });
    expect(h.agent('a')).toMatchObject({ presence: 'paused', reason: 'Ofertas não atendidas', offers: [] });
    for (const id of ['s1', 's2', 's3', 's4']) expect(h.state(id)).toBe('queued');
  });

  it('hand the revoked offers of an auto-paused agent to free agents in queue order', () => {
    const h = new Harness({ maxConsecutiveMisses: 1 }).setup([group('g')], [agent('a', ['g'], { capacity: { chat: 2 } }), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('old', 'g');
    h.now += 1_000;
    h.enqueue('new', 'g');
    expect(h.agent('a').offers).toEqual(['new', 'old']);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    // b has one free slot: the older session must get it, not the one a just rejected.
    const events = h.ok({ type: 'reject', interactionId: 'new', agentId: 'a' });
    expect(types(events)).toContain('agent.auto_paused');
    expect(h.offeredTo(events)).toEqual({ old: 'b' });
    expect(h.state('new')).toBe('queued');
  });

  it('count expiries as misses too', () => {
    const h = new Harness({ maxConsecutiveMisses: 2, missCooldownSeconds: 5, offerTimeoutSeconds: 10 }).setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.advance(10); // expired: miss 1
    expect(h.agent('a').misses).toBe(1);
    h.advance(5); // cooldown over: offered again
    expect(h.state('s1')).toBe('offered');
    const events = h.advance(10);
    expect(types(events)).toEqual(['interaction.expired', 'agent.auto_paused']);
    expect(h.agent('a').presence).toBe('paused');
  });

  it('are reset by an accept, so misses around it do not add up', () => {
    const h = new Harness({ maxConsecutiveMisses: 3 }).setup([group('g')], [agent('a', ['g'], { capacity: { chat: 1 } })]);
    const missOne = (id: string): void => {
      h.enqueue(id, 'g');
      h.ok({ type: 'reject', interactionId: id, agentId: 'a' });
      h.ok({ type: 'abandon', interactionId: id }); // out of the way, so the next one reaches a
    };
    missOne('m1');
    missOne('m2');
    expect(h.agent('a').misses).toBe(2);
    h.enqueue('ok', 'g');
    h.ok({ type: 'accept', interactionId: 'ok', agentId: 'a' });
    expect(h.agent('a').misses).toBe(0);
    h.ok({ type: 'end', interactionId: 'ok', agentId: 'a' });
    missOne('m3');
    missOne('m4');
    expect(h.agent('a')).toMatchObject({ presence: 'available', misses: 2 });
  });

  it('are forgotten when the agent comes back available after an auto-pause', () => {
    const h = new Harness({ maxConsecutiveMisses: 1 }).setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    expect(h.agent('a').presence).toBe('paused');
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    expect(h.agent('a')).toMatchObject({ presence: 'available', misses: 0 });
  });
});

describe('an accepted offer', () => {
  it('becomes an active session held by the agent', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.now += 3_000;
    expect(types(h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' }))).toEqual(['interaction.accepted']);
    expect(h.interaction('s1')).toMatchObject({ state: 'active', agentId: 'a', acceptedAt: T0 + 3_000 });
    expect(h.agent('a')).toMatchObject({ sessions: ['s1'], offers: [] });
  });
});
