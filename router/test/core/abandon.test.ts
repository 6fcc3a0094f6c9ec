// Abandonment: a waiting session leaves the queue and is counted; an offered one frees its agent.
import { describe, expect, it } from 'vitest';
import { queueFigures, snapshot } from '../../src/core/index.js';
import { Harness, agent, group, types } from './fixtures.js';

const chatFigures = (h: Harness) => queueFigures(h.router.state, h.now).find((f) => f.groupId === 'g' && f.channel === 'chat')!;

describe('abandon', () => {
  it('removes a queued session from its queue and counts it in the queue figures', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.enqueue('s2', 'g');
    h.enqueue('s3', 'g');
    expect(chatFigures(h)).toMatchObject({ waiting: 3, abandoned: 0 });
    expect(types(h.ok({ type: 'abandon', interactionId: 's2' }))).toEqual(['interaction.abandoned']);
    expect(h.state('s2')).toBeUndefined();
    expect(chatFigures(h)).toMatchObject({ waiting: 2, abandoned: 1 });
    expect(h.router.state.abandoned).toBe(1);
    // The queue goes on without it.
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    expect(h.offeredTo(h.ok({ type: 'end', interactionId: 's1', agentId: 'a' }))).toEqual({ s3: 'a' });
  });

  it('of an offered session frees the agent, who gets the next waiting session', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.enqueue('s2', 'g');
    const events = h.ok({ type: 'abandon', interactionId: 's1' });
    expect(types(events)).toEqual(['interaction.abandoned', 'interaction.offered']);
    expect(h.offeredTo(events)).toEqual({ s2: 'a' });
    expect(h.agent('a')).toMatchObject({ offers: ['s2'], misses: 0 });
    expect(chatFigures(h)).toMatchObject({ waiting: 1, abandoned: 1 });
  });

  it('of an offered session leaves the agent with a free slot when nothing waits', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'abandon', interactionId: 's1' });
    expect(h.agent('a').load.chat).toBe(0);
    // And its offer timer is gone: nothing expires later.
    expect(h.advance(60)).toEqual([]);
    h.enqueue('s2', 'g');
    expect(h.interaction('s2').agentId).toBe('a');
  });

  it('of an active session is refused with invalid_state and changes nothing', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    const before = snapshot(h.router.state);
    expect(h.fail({ type: 'abandon', interactionId: 's1' })).toBe('invalid_state');
    expect(snapshot(h.router.state)).toEqual(before);
  });

  it('of a session in wrap-up is refused with invalid_state', () => {
    const h = new Harness().setup([group('g', { wrapUpSeconds: 30 })], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    h.ok({ type: 'end', interactionId: 's1', agentId: 'a' });
    expect(h.fail({ type: 'abandon', interactionId: 's1' })).toBe('invalid_state');
  });

  it('of a session waiting for a target agent removes it from that agent’s personal queue', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.enqueue('busy', 'g', { preferredAgentId: 'b' });
    h.ok({ type: 'accept', interactionId: 'busy', agentId: 'b' });
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'paused' });
    h.enqueue('s1', 'g', { preferredAgentId: 'b' });
    h.ok({ type: 'abandon', interactionId: 's1' });
    expect(h.ok({ type: 'end', interactionId: 'busy', agentId: 'b' })).toHaveLength(1);
    expect(h.agent('b').offers).toEqual([]);
  });
});
