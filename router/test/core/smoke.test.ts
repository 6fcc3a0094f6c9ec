import { describe, expect, it } from 'vitest';
import { Harness, agent, group } from './fixtures.js';

describe('a session through the router', () => {
  it('is offered, accepted and ended, freeing the agent for the next one', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    expect(h.offeredTo(h.enqueue('s1', 'g'))).toEqual({ s1: 'a' });
    expect(h.offeredTo(h.enqueue('s2', 'g'))).toEqual({});
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    const ended = h.ok({ type: 'end', interactionId: 's1', agentId: 'a' });
    expect(ended.map((e) => e.type)).toEqual(['interaction.ended', 'interaction.offered']);
    expect(h.state('s2')).toBe('offered');
  });
});
