// Widening a waiting session: skills (minimum proficiency), overflow into another group after
// afterSeconds, and bullseye rings that lower the required proficiency as it waits.
import { describe, expect, it } from 'vitest';
import { Router, snapshot } from '../../src/core/index.js';
import { Harness, agent, eventsOf, group, types } from './fixtures.js';

describe('required proficiency', () => {
  it('keeps a session away from agents below its minimum proficiency and from non-members', () => {
    const h = new Harness().setup(
      [group('g'), group('h')],
      [agent('low', [{ groupId: 'g', proficiency: 2 }]), agent('outsider', ['h']), agent('high', [{ groupId: 'g', proficiency: 4 }])],
    );
    h.ok({ type: 'setAgentState', agentId: 'high', state: 'paused' });
    h.enqueue('s1', 'g', { minProficiency: 3 });
    expect(h.state('s1')).toBe('queued');
    expect(h.offeredTo(h.ok({ type: 'setAgentState', agentId: 'high', state: 'available' }))).toEqual({ s1: 'high' });
  });

  it('never hands a waiting session to a releasing agent below its minimum proficiency', () => {
    const h = new Harness().setup([group('g')], [agent('low', [{ groupId: 'g', proficiency: 2 }])], false);
    h.enqueue('s1', 'g', { minProficiency: 3 });
    h.enqueue('s2', 'g', { minProficiency: 2 });
    expect(h.offeredTo(h.ok({ type: 'setAgentState', agentId: 'low', state: 'available' }))).toEqual({ s2: 'low' });
  });
});

describe('overflow', () => {
  const setup = () => {
    const h = new Harness().setup(
      [group('over'), group('g', { overflow: { afterSeconds: 30, groupId: 'over' } })],
      [agent('a', ['g']), agent('x', ['over'])],
    );
    h.enqueue('busy', 'g');
    expect(h.interaction('busy').agentId).toBe('a');
    h.ok({ type: 'accept', interactionId: 'busy', agentId: 'a' });
    return h;
  };

  it('does not reach the overflow group before afterSeconds', () => {
    const h = setup();
    h.enqueue('s1', 'g');
    expect(h.advance(29)).toEqual([]);
    expect(h.interaction('s1')).toMatchObject({ state: 'queued', overflowed: false });
  });

  it('after afterSeconds also offers the session to the overflow group agents', () => {
    const h = setup();
    h.enqueue('s1', 'g');
    h.advance(29);
    const events = h.advance(1);
    expect(types(events)).toEqual(['interaction.overflowed', 'interaction.offered']);
    expect(eventsOf(events, 'interaction.overflowed')[0]).toMatchObject({ interactionId: 's1', toGroupId: 'over' });
    expect(eventsOf(events, 'interaction.offered')[0]).toMatchObject({ interactionId: 's1', agentId: 'x', groupId: 'over' });
    // It still belongs to its home group.
    expect(h.interaction('s1')).toMatchObject({ groupId: 'g', overflowed: true });
  });

  it('lets an overflow agent who frees later pull the overflowed session', () => {
    const h = setup();
    h.enqueue('busy-x', 'over');
    h.ok({ type: 'accept', interactionId: 'busy-x', agentId: 'x' });
    h.enqueue('s1', 'g');
    expect(types(h.advance(30))).toEqual(['interaction.overflowed']);
    expect(h.offeredTo(h.ok({ type: 'end', interactionId: 'busy-x', agentId: 'x' }))).toEqual({ s1: 'x' });
  });

  it('still lets a home agent who frees first take the overflowed session', () => {
    const h = setup();
    h.enqueue('busy-x', 'over');
    h.ok({ type: 'accept', interactionId: 'busy-x', agentId: 'x' });
    h.enqueue('s1', 'g');
    h.advance(30);
    expect(h.offeredTo(h.ok({ type: 'end', interactionId: 'busy', agentId: 'a' }))).toEqual({ s1: 'a' });
  });

  it('counts the overflowed session in its home group figures once answered', () => {
    const h = setup();
    h.enqueue('s1', 'g');
    h.advance(30);
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'x' });
    const stats = (id: string) => h.router.state.groups.get(id)!.stats[0]!;
    expect(stats('g')).toMatchObject({ answered: 2, waiting: 0 });
    expect(stats('over')).toMatchObject({ answered: 0, waiting: 0 });
  });

  it('keeps an overflowed session reachable from the overflow group after a missed offer', () => {
    const h = setup();
    h.ok({ type: 'configureAgent', agent: agent('y', ['over']) });
    h.ok({ type: 'setAgentState', agentId: 'y', state: 'paused' });
    h.enqueue('s1', 'g');
    h.advance(30);
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'x' });
    expect(h.offeredTo(h.ok({ type: 'setAgentState', agentId: 'y', state: 'available' }))).toEqual({ s1: 'y' });
  });
});

describe('a change of a group overflow', () => {
  const setup = () => {
    const h = new Harness().setup([group('over'), group('g', { overflow: { afterSeconds: 120, groupId: 'over' } })], [agent('x', ['over'], { capacity: { chat: 0 } })]);
    h.enqueue('s1', 'g');
    return h;
  };
  const withOverflow = (afterSeconds: number) => group('g', { overflow: { afterSeconds, groupId: 'over' } });
  const replayMatches = (h: Harness): void => {
    const replayed = Router.replay(h.log);
    expect(replayed.state.nextDeadline()).toEqual(h.router.state.nextDeadline());
    expect(snapshot(replayed.state)).toEqual(snapshot(h.router.state));
  };

  it('applies to the sessions already waiting, counted from when they entered the queue', () => {
    const h = setup();
    h.now += 10_000;
    h.ok({ type: 'configureGroup', group: withOverflow(30) });
    expect(h.advance(19)).toEqual([]);
    expect(types(h.advance(1))).toEqual(['interaction.overflowed']);
    replayMatches(h);
  });

  it('cancels their overflow when the group drops it, and arms it again when the group takes it back', () => {
    const h = setup();
    h.ok({ type: 'configureGroup', group: group('g') });
    expect(h.advance(121)).toEqual([]);
    expect(h.router.state.nextDeadline()).toBeUndefined();
    replayMatches(h);
    // Back, past its time already: it overflows on the next tick, and a replayed router agrees.
    h.ok({ type: 'configureGroup', group: withOverflow(120) });
    replayMatches(h);
    expect(types(h.advance(0))).toEqual(['interaction.overflowed']);
    replayMatches(h);
  });

  it('leaves the timers of a reconfiguration that keeps the overflow time as they were', () => {
    const h = setup();
    const interactions = () => (snapshot(h.router.state) as { interactions: unknown }).interactions;
    const before = interactions();
    h.ok({ type: 'configureGroup', group: { ...withOverflow(120), name: 'Outro nome' } });
    expect(interactions()).toEqual(before);
  });
});

describe('bullseye rings', () => {
  const setup = () =>
    new Harness().setup(
      [group('g', { bullseye: { ringSeconds: 10 } })],
      [agent('expert', [{ groupId: 'g', proficiency: 3 }]), agent('novice', [{ groupId: 'g', proficiency: 1 }])],
    );

  it('lower the required proficiency one level per ringSeconds until a lower-proficiency agent is reached', () => {
    const h = setup();
    h.ok({ type: 'setAgentState', agentId: 'expert', state: 'paused' });
    h.enqueue('s1', 'g', { minProficiency: 3 });
    expect(h.advance(9)).toEqual([]);
    const first = h.advance(1);
    expect(types(first)).toEqual(['interaction.widened']);
    expect(eventsOf(first, 'interaction.widened')[0]).toMatchObject({ interactionId: 's1', minProficiency: 2, untargeted: false });
    expect(h.state('s1')).toBe('queued');
    expect(h.advance(9)).toEqual([]);
    const second = h.advance(1);
    expect(types(second)).toEqual(['interaction.widened', 'interaction.offered']);
    expect(eventsOf(second, 'interaction.widened')[0]!.minProficiency).toBe(1);
    expect(h.offeredTo(second)).toEqual({ s1: 'novice' });
  });

  it('stop at proficiency 1', () => {
    const h = setup();
    h.ok({ type: 'setAgentState', agentId: 'expert', state: 'paused' });
    h.ok({ type: 'setAgentState', agentId: 'novice', state: 'paused' });
    h.enqueue('s1', 'g', { minProficiency: 2 });
    expect(types(h.advance(10))).toEqual(['interaction.widened']);
    expect(h.advance(100)).toEqual([]);
    expect(h.interaction('s1').minProficiency).toBe(1);
  });

  it('do not widen in a group without bullseye', () => {
    const h = new Harness().setup([group('g')], [agent('novice', [{ groupId: 'g', proficiency: 1 }])]);
    h.enqueue('s1', 'g', { minProficiency: 3 });
    expect(h.advance(3600)).toEqual([]);
    expect(h.state('s1')).toBe('queued');
  });
});
