import { describe, expect, it } from 'vitest';
import type { Agent } from '$lib/api/types';
import { mergeAgents } from '$lib/board/agents';

const agent = (id: string, over: Partial<Agent> = {}): Agent => ({
  id,
  name: `Agente ${id}`,
  presence: 'offline',
  presenceSince: '2026-11-23T12:00:00.000Z',
  load: { chat: 0 },
  capacity: { chat: 1 },
  sessionsToday: 0,
  offers: [],
  sessions: [],
  groups: [{ groupId: 'ipva-n1', proficiency: 3 }],
  ...over,
});

describe('mergeAgents', () => {
  it('replaces changed agents in place and leaves the others as they were', () => {
    const ana = agent('ana');
    const bruno = agent('bruno');
    const carla = agent('carla');
    const merged = mergeAgents([ana, bruno, carla], [agent('bruno', { presence: 'available' })], []);
    expect(merged.map((a) => a.id)).toEqual(['ana', 'bruno', 'carla']);
    expect(merged[1]!.presence).toBe('available');
    expect(merged[0]).toBe(ana);
    expect(merged[2]).toBe(carla);
  });

  it('appends agents it did not know and drops removed ids', () => {
    const merged = mergeAgents([agent('ana'), agent('bruno')], [agent('davi', { presence: 'paused', reason: 'Almoço' })], ['ana']);
    expect(merged.map((a) => [a.id, a.presence])).toEqual([
      ['bruno', 'offline'],
      ['davi', 'paused'],
    ]);
  });

  it('keeps the same list when the update is empty, so nothing re-renders', () => {
    const list = [agent('ana')];
    expect(mergeAgents(list, [], [])).toBe(list);
  });

  it('is harmless when an update repeats a change the snapshot already had', () => {
    const fresh = agent('ana', { presence: 'available', sessionsToday: 2 });
    const merged = mergeAgents([fresh], [fresh], ['gone-before-snapshot']);
    expect(merged).toEqual([fresh]);
  });
});
