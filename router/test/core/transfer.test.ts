// Transfer to an agent, to a group and to the next level (N1 → N2 → N3), keeping the contact
// time and the history; closed targets and the top level are refused.
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../src/core/index.js';
import { Harness, T0, agent, eventsOf, group } from './fixtures.js';

/** s1 is active with agent a of group g. */
function activeWithA(h: Harness, groupId = 'g'): void {
  h.enqueue('s1', groupId, { waitingSince: T0 - 30_000 });
  expect(h.interaction('s1').agentId).toBe('a');
  h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
  h.now += 10_000;
}

describe('a transfer to an agent', () => {
  const setup = () => {
    const h = new Harness({ targetWaitSeconds: 60 }).setup([group('g')], [agent('a', ['g']), agent('b', ['g']), agent('c', ['g'])], false);
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    activeWithA(h);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    h.ok({ type: 'setAgentState', agentId: 'c', state: 'available' });
    return h;
  };

  it('offers the session to that agent when it has room, even if others are idle longer', () => {
    const h = setup();
    const events = h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'agent', agentId: 'c' }, byAgentId: 'a' });
    expect(eventsOf(events, 'interaction.transferred')[0]).toMatchObject({ fromAgentId: 'a', fromGroupId: 'g', toGroupId: 'g', toAgentId: 'c' });
    expect(h.offeredTo(events)).toEqual({ s1: 'c' });
  });

  it('waits targetWaitSeconds for a busy target agent, then falls back to the group', () => {
    const h = setup();
    h.enqueue('busy-c', 'g', { preferredAgentId: 'c' });
    h.ok({ type: 'accept', interactionId: 'busy-c', agentId: 'c' });
    h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'agent', agentId: 'c' } });
    expect(h.interaction('s1')).toMatchObject({ state: 'queued', targetAgentId: 'c' });
    expect(h.offeredTo(h.advance(59))).toEqual({}); // b is free, but s1 waits for c alone
    expect(h.state('s1')).toBe('queued');
    const events = h.advance(1);
    expect(eventsOf(events, 'interaction.widened')[0]).toMatchObject({ interactionId: 's1', untargeted: true });
    expect(h.offeredTo(events)).toEqual({ s1: 'b' });
  });

  it('reaches the target agent as soon as it frees within the wait', () => {
    const h = setup();
    h.enqueue('busy-c', 'g', { preferredAgentId: 'c' });
    h.ok({ type: 'accept', interactionId: 'busy-c', agentId: 'c' });
    h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'agent', agentId: 'c' } });
    h.now += 20_000;
    expect(h.offeredTo(h.ok({ type: 'end', interactionId: 'busy-c', agentId: 'c' }))).toEqual({ s1: 'c' });
  });

  it('falls back to the group at once when the target agent rejects it', () => {
    const h = setup();
    h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'agent', agentId: 'c' } });
    const events = h.ok({ type: 'reject', interactionId: 's1', agentId: 'c' });
    expect(h.offeredTo(events)).toEqual({ s1: 'b' });
  });

  it('frees the transferring agent for the next waiting session', () => {
    const h = setup();
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.ok({ type: 'setAgentState', agentId: 'c', state: 'paused' });
    h.enqueue('s2', 'g');
    const events = h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'agent', agentId: 'b' } });
    expect(h.offeredTo(events)).toEqual({ s2: 'a' });
    expect(h.agent('a').sessions).toEqual([]);
  });
});

describe('a transfer to a group', () => {
  it('queues the session in the target group with its original contact time and history', () => {
    const h = new Harness().setup([group('g'), group('h')], [agent('a', ['g']), agent('x', ['h'])]);
    activeWithA(h);
    const events = h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'group', groupId: 'h' } });
    expect(h.offeredTo(events)).toEqual({ s1: 'x' });
    const view = h.interaction('s1');
    expect(view).toMatchObject({ groupId: 'h', waitingSince: T0 - 30_000, queuedAt: h.now });
    expect(view.history.map((e) => `${e.kind}:${e.groupId}:${e.agentId ?? ''}`)).toEqual([
      'queued:g:',
      'offered:g:a',
      'accepted:g:a',
      'transferred:h:',
      'offered:h:x',
    ]);
  });

  it('is refused with group_closed when the target group is outside business hours', () => {
    const saturdays = { timeZone: 'America/Sao_Paulo', weekly: [{ weekday: 6 as const, open: '08:00', close: '12:00' }], holidays: [] };
    const h = new Harness().setup([group('g'), group('closed', { hours: saturdays })], [agent('a', ['g'])]);
    activeWithA(h);
    const before = snapshot(h.router.state);
    const outcome = h.run({ type: 'transfer', interactionId: 's1', to: { kind: 'group', groupId: 'closed' } });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('group_closed');
    expect(outcome.error.details).toEqual({ nextOpenAt: Date.UTC(2026, 10, 28, 11, 0, 0) }); // Saturday 08:00 local
    expect(snapshot(h.router.state)).toEqual(before);
  });
});

describe('a transfer to the next level', () => {
  const levels = () =>
    new Harness().setup(
      [
        group('n1', { tema: 'IPVA', categoria: 'débitos', level: 1 }),
        group('n2', { tema: 'IPVA', categoria: 'débitos', level: 2 }),
        group('n2-other', { tema: 'IPVA', categoria: 'isenção', level: 2 }),
        group('n3', { tema: 'IPVA', categoria: 'débitos', level: 3 }),
      ],
      [agent('a', ['n1']), agent('o', ['n2-other']), agent('x', ['n2']), agent('y', ['n3'])],
    );

  it('climbs N1 → N2 → N3 by tema and categoria, keeping waitingSince and the whole history', () => {
    const h = levels();
    activeWithA(h, 'n1');
    expect(h.offeredTo(h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' }, byAgentId: 'a' }))).toEqual({ s1: 'x' });
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'x' });
    expect(h.offeredTo(h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' }, byAgentId: 'x' }))).toEqual({ s1: 'y' });
    const view = h.interaction('s1');
    expect(view).toMatchObject({ groupId: 'n3', waitingSince: T0 - 30_000 });
    expect(view.history.filter((e) => e.kind === 'transferred').map((e) => e.groupId)).toEqual(['n2', 'n3']);
    expect(view.history.filter((e) => e.kind === 'accepted').map((e) => e.agentId)).toEqual(['a', 'x']);
  });

  it('is refused with no_next_level at N3', () => {
    const h = levels();
    h.enqueue('s1', 'n3');
    const before = snapshot(h.router.state);
    expect(h.fail({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' } })).toBe('no_next_level');
    expect(snapshot(h.router.state)).toEqual(before);
  });

  it('is refused with no_next_level when no group of the same tema and categoria sits one level up', () => {
    const h = new Harness().setup([group('n1', { categoria: 'a' }), group('n2', { categoria: 'b', level: 2 })], [agent('a', ['n1'])]);
    activeWithA(h, 'n1');
    expect(h.fail({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' } })).toBe('no_next_level');
  });

  it('follows an explicit escalationGroupId over tema and categoria', () => {
    const h = new Harness().setup(
      [
        group('n2', { tema: 'IPVA', categoria: 'débitos', level: 2 }),
        group('special', { tema: 'Ouvidoria', categoria: 'x', level: 2 }),
        group('n1', { tema: 'IPVA', categoria: 'débitos', level: 1, escalationGroupId: 'special' }),
      ],
      [agent('a', ['n1']), agent('x', ['n2']), agent('s', ['special'])],
    );
    activeWithA(h, 'n1');
    expect(h.offeredTo(h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' } }))).toEqual({ s1: 's' });
  });

  it('refuses a group that escalates to itself', () => {
    const h = levels();
    expect(h.fail({ type: 'configureGroup', group: group('n1', { tema: 'IPVA', categoria: 'débitos', level: 1, escalationGroupId: 'n1' }) })).toBe('invalid_command');
    expect(h.router.state.groups.get('n1')!.config.escalationGroupId).toBeUndefined();
  });

  it('keeps the next level another group took when a group sharing its tema, categoria and level moves away', () => {
    // n2 and n2b both serve IPVA/débitos at N2; n2b was configured last, so N1 escalates there.
    const h = new Harness().setup(
      [group('n1', { tema: 'IPVA', categoria: 'débitos', level: 1 }), group('n2', { tema: 'IPVA', categoria: 'débitos', level: 2 }), group('n2b', { tema: 'IPVA', categoria: 'débitos', level: 2 })],
      [agent('a', ['n1']), agent('x', ['n2']), agent('z', ['n2b'])],
    );
    // n2 changes categoria: the key it no longer holds stays with n2b.
    h.ok({ type: 'configureGroup', group: group('n2', { tema: 'IPVA', categoria: 'isenção', level: 2 }) });
    activeWithA(h, 'n1');
    expect(h.offeredTo(h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' } }))).toEqual({ s1: 'z' });
  });

  it('moves the queue figures: the session waits in the new group, not the old one', () => {
    const h = levels();
    h.ok({ type: 'setAgentState', agentId: 'x', state: 'paused' });
    activeWithA(h, 'n1');
    h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'nextLevel' } });
    const g = (id: string) => h.router.state.groups.get(id)!.stats[0]!;
    expect(g('n1')).toMatchObject({ waiting: 0, answered: 1 });
    expect(g('n2')).toMatchObject({ waiting: 1, answered: 0 });
  });
});

describe('a preferred agent at enqueue', () => {
  const setup = () => new Harness({ targetWaitSeconds: 60 }).setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);

  it('gets the session even when the strategy would pick another agent', () => {
    const h = setup(); // a has been idle longer, so equal would pick a
    h.enqueue('s1', 'g', { preferredAgentId: 'b' });
    expect(h.interaction('s1').agentId).toBe('b');
  });

  it('is waited for targetWaitSeconds while busy, then the session goes to the group', () => {
    const h = setup();
    h.enqueue('busy', 'g', { preferredAgentId: 'b' });
    h.ok({ type: 'accept', interactionId: 'busy', agentId: 'b' });
    h.enqueue('s1', 'g', { preferredAgentId: 'b' });
    expect(h.interaction('s1')).toMatchObject({ state: 'queued', targetAgentId: 'b' });
    expect(h.advance(59)).toEqual([]);
    expect(h.offeredTo(h.advance(1))).toEqual({ s1: 'a' });
  });

  it('is ignored when offline or not in the group, and the group serves the session at once', () => {
    const h = setup();
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'offline' });
    h.ok({ type: 'configureGroup', group: group('h') });
    h.ok({ type: 'configureAgent', agent: agent('outsider', ['h']) });
    h.ok({ type: 'setAgentState', agentId: 'outsider', state: 'available' });
    h.enqueue('s1', 'g', { preferredAgentId: 'b' });
    h.enqueue('s2', 'g', { preferredAgentId: 'outsider' });
    expect(h.interaction('s1')).toMatchObject({ agentId: 'a' });
    expect(h.interaction('s2').targetAgentId).toBeUndefined();
  });
});
