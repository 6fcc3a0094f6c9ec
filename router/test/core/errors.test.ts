// Bad input: typed errors with a stable code, and the state exactly as it was before the command.
import { describe, expect, it } from 'vitest';
import { snapshot, type Command, type ErrorCode } from '../../src/core/index.js';
import { Harness, agent, group } from './fixtures.js';

/** g with agents a (holding offer s-offered and active s-active) and b; s-queued waits for a. */
function busyRouter(): Harness {
  const h = new Harness().setup([group('g', { wrapUpSeconds: 30 })], [agent('a', ['g'], { capacity: { chat: 2, phone: 1 } }), agent('b', ['g'])]);
  h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
  h.enqueue('s-active', 'g');
  h.ok({ type: 'accept', interactionId: 's-active', agentId: 'a' });
  h.enqueue('s-offered', 'g');
  h.enqueue('s-queued', 'g');
  h.enqueue('p-offered', 'g', { channel: 'phone' });
  return h;
}

const cases: [string, Command, ErrorCode][] = [
  ['enqueue to an unknown group', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'nope' } }, 'unknown_group'],
  ['an agent configured into an unknown group', { type: 'configureAgent', agent: agent('c', ['nope']) }, 'unknown_group'],
  ['a group overflowing into an unknown group', { type: 'configureGroup', group: group('h', { overflow: { afterSeconds: 5, groupId: 'nope' } }) }, 'unknown_group'],
  ['a transfer to an unknown group', { type: 'transfer', interactionId: 's-active', to: { kind: 'group', groupId: 'nope' } }, 'unknown_group'],
  ['the state of an unknown agent', { type: 'setAgentState', agentId: 'nope', state: 'available' }, 'unknown_agent'],
  ['accept by an unknown agent', { type: 'accept', interactionId: 's-offered', agentId: 'nope' }, 'unknown_agent'],
  ['a transfer to an unknown agent', { type: 'transfer', interactionId: 's-active', to: { kind: 'agent', agentId: 'nope' } }, 'unknown_agent'],
  ['accept of an unknown interaction', { type: 'accept', interactionId: 'nope', agentId: 'a' }, 'unknown_interaction'],
  ['end of an unknown interaction', { type: 'end', interactionId: 'nope' }, 'unknown_interaction'],
  ['abandon of an unknown interaction', { type: 'abandon', interactionId: 'nope' }, 'unknown_interaction'],
  ['a transfer of an unknown interaction', { type: 'transfer', interactionId: 'nope', to: { kind: 'nextLevel' } }, 'unknown_interaction'],
  ['enqueue of an id already queued', { type: 'enqueue', interaction: { id: 's-queued', channel: 'chat', groupId: 'g' } }, 'duplicate_interaction'],
  ['enqueue of an id already active', { type: 'enqueue', interaction: { id: 's-active', channel: 'whatsapp', groupId: 'g' } }, 'duplicate_interaction'],
  ['accept by an agent that holds no offer for it', { type: 'accept', interactionId: 's-offered', agentId: 'b' }, 'no_offer'],
  ['accept of a session still queued', { type: 'accept', interactionId: 's-queued', agentId: 'a' }, 'no_offer'],
  ['reject by an agent that holds no offer for it', { type: 'reject', interactionId: 's-offered', agentId: 'b' }, 'no_offer'],
  ['a capacity below the current chat load', { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 1, phone: 1 } }) }, 'capacity_below_load'],
  ['a capacity below the current phone load', { type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 2 } }) }, 'capacity_below_load'],
  ['priority above 9', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'g', priority: 10 } }, 'invalid_command'],
  ['a negative priority', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'g', priority: -1 } }, 'invalid_command'],
  ['a fractional priority', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'g', priority: 1.5 } }, 'invalid_command'],
  ['a minimum proficiency of 6', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'g', minProficiency: 6 as never } }, 'invalid_command'],
  ['a minimum proficiency of 0', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'g', minProficiency: 0 as never } }, 'invalid_command'],
  ['an agent proficiency of 6', { type: 'configureAgent', agent: agent('c', [{ groupId: 'g', proficiency: 6 as never }]) }, 'invalid_command'],
  ['an unknown channel', { type: 'enqueue', interaction: { id: 'n', channel: 'fax' as never, groupId: 'g' } }, 'invalid_command'],
  ['a waiting time in the future', { type: 'enqueue', interaction: { id: 'n', channel: 'chat', groupId: 'g', waitingSince: Number.MAX_SAFE_INTEGER } }, 'invalid_command'],
  ['an agent without capacity', { type: 'configureAgent', agent: { id: 'c', name: 'c', groups: [] } as never }, 'invalid_command'],
  ['a negative capacity', { type: 'configureAgent', agent: agent('c', ['g'], { capacity: { chat: -1 } }) }, 'invalid_command'],
  ['a group of level 4', { type: 'configureGroup', group: group('h', { level: 4 as never }) }, 'invalid_command'],
  ['an unknown strategy', { type: 'configureGroup', group: group('h', { strategy: 'random' as never }) }, 'invalid_command'],
  ['an unknown agent state', { type: 'setAgentState', agentId: 'a', state: 'lunch' as never }, 'invalid_command'],
  ['an unknown command', { type: 'explode' } as never, 'invalid_command'],
  ['a transfer to the agent who holds it', { type: 'transfer', interactionId: 's-active', to: { kind: 'agent', agentId: 'a' } }, 'invalid_command'],
  ['end of an offered session', { type: 'end', interactionId: 's-offered' }, 'invalid_state'],
  ['completeWrapUp of an active session', { type: 'completeWrapUp', interactionId: 's-active' }, 'invalid_state'],
  ['abandon of an active session', { type: 'abandon', interactionId: 's-active' }, 'invalid_state'],
  ['end by another agent', { type: 'end', interactionId: 's-active', agentId: 'b' }, 'not_your_session'],
  ['a transfer by another agent', { type: 'transfer', interactionId: 's-active', to: { kind: 'group', groupId: 'g' }, byAgentId: 'b' }, 'not_your_session'],
];

describe('a bad command', () => {
  it.each(cases)('%s is refused with a typed error and leaves the state untouched', (_name, command, code) => {
    const h = busyRouter();
    const before = snapshot(h.router.state);
    const outcome = h.router.decide(command, h.now);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe(code);
    expect(typeof outcome.error.message).toBe('string');
    expect(outcome.events).toEqual([]);
    expect(snapshot(h.router.state)).toEqual(before);
  });

  it('a transfer to an offline agent is refused with agent_unavailable', () => {
    const h = busyRouter();
    h.ok({ type: 'configureAgent', agent: agent('off', ['g']) });
    const before = snapshot(h.router.state);
    expect(h.fail({ type: 'transfer', interactionId: 's-active', to: { kind: 'agent', agentId: 'off' } })).toBe('agent_unavailable');
    expect(snapshot(h.router.state)).toEqual(before);
  });
});

describe('accept after expiry', () => {
  const expiring = () => {
    const h = new Harness({ offerTimeoutSeconds: 20 }).setup([group('g')], [agent('a', ['g']), agent('b', ['g'])]);
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'paused' });
    h.enqueue('s1', 'g');
    return h;
  };

  it('is refused with offer_expired before the tick ran, and the state is untouched', () => {
    const h = expiring();
    h.now += 20_000;
    const before = snapshot(h.router.state);
    expect(h.fail({ type: 'accept', interactionId: 's1', agentId: 'a' })).toBe('offer_expired');
    expect(snapshot(h.router.state)).toEqual(before);
    // The tick then expires it as usual.
    expect(h.advance(0).map((e) => e.type)).toEqual(['interaction.expired']);
  });

  it('is refused with offer_expired after the tick ran and requeued the session', () => {
    const h = expiring();
    h.advance(20);
    expect(h.state('s1')).toBe('queued');
    const before = snapshot(h.router.state);
    expect(h.fail({ type: 'accept', interactionId: 's1', agentId: 'a' })).toBe('offer_expired');
    expect(snapshot(h.router.state)).toEqual(before);
  });

  it('is refused with offer_expired after the session was offered to someone else', () => {
    const h = expiring();
    h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' });
    h.advance(20);
    expect(h.interaction('s1').agentId).toBe('b');
    expect(h.fail({ type: 'accept', interactionId: 's1', agentId: 'a' })).toBe('offer_expired');
    expect(h.state('s1')).toBe('offered');
  });

  it('is accepted one millisecond before the deadline', () => {
    const h = expiring();
    h.now += 19_999;
    h.ok({ type: 'accept', interactionId: 's1', agentId: 'a' });
    expect(h.state('s1')).toBe('active');
  });
});

describe('reconfiguration while sessions are live', () => {
  it('lowering a capacity to exactly the current load is allowed and stops new offers', () => {
    const h = busyRouter();
    h.ok({ type: 'configureAgent', agent: agent('a', ['g'], { capacity: { chat: 2, phone: 1 } }) });
    h.ok({ type: 'abandon', interactionId: 's-queued' });
    h.enqueue('s-next', 'g');
    expect(h.state('s-next')).toBe('queued');
  });

  it('dropping the overflow of a group whose session already overflowed is handled without crashing', () => {
    const h = new Harness().setup([group('over'), group('g', { overflow: { afterSeconds: 10, groupId: 'over' } })], [agent('a', ['g'])], false);
    h.enqueue('s1', 'g');
    h.enqueue('s2', 'g');
    expect(h.advance(10).map((e) => e.type)).toEqual(['interaction.overflowed', 'interaction.overflowed']);
    h.ok({ type: 'configureGroup', group: group('g') });
    h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' });
    const rejected = h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    expect(h.offeredTo(rejected)).toEqual({ s2: 'a' });
    h.ok({ type: 'accept', interactionId: 's2', agentId: 'a' });
    h.ok({ type: 'end', interactionId: 's2', agentId: 'a' });
    expect(h.offeredTo(h.advance(30))).toEqual({ s1: 'a' });
  });

  it('dropping the overflow of a group before its sessions overflow cancels their overflow', () => {
    const h = new Harness().setup([group('over'), group('g', { overflow: { afterSeconds: 10, groupId: 'over' } })], [agent('x', ['over'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'configureGroup', group: group('g') });
    expect(h.advance(10)).toEqual([]);
    expect(h.interaction('s1')).toMatchObject({ state: 'queued', overflowed: false });
  });
});
