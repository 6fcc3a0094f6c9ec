// Replaying the event log rebuilds exactly the state the live router reached by deciding.
import { describe, expect, it } from 'vitest';
import { Router, snapshot } from '../../src/core/index.js';
import { Harness, T0, agent, group } from './fixtures.js';

const options = { offerTimeoutSeconds: 20, missCooldownSeconds: 30, maxConsecutiveMisses: 2, targetWaitSeconds: 60 };

const expectReplayMatches = (h: Harness): void => {
  expect(snapshot(Router.replay(h.log, options).state)).toEqual(snapshot(h.router.state));
};

/** A day of traffic touching every kind of event; `check` runs after each step. */
function scenario(check: (h: Harness) => void): Harness {
  const h = new Harness(options);
  const step = (run: () => unknown): void => {
    run();
    check(h);
  };
  step(() =>
    h.setup(
      [
        group('over'),
        group('n1', { tema: 'IPVA', categoria: 'débitos', level: 1, wrapUpSeconds: 15, overflow: { afterSeconds: 40, groupId: 'over' }, bullseye: { ringSeconds: 25 } }),
        group('n2', { tema: 'IPVA', categoria: 'débitos', level: 2, strategy: 'longest-idle' }),
      ],
      [
        agent('a', [{ groupId: 'n1', proficiency: 4 }], { capacity: { chat: 2, phone: 1 }, voiceExcludesChat: true }),
        agent('b', [{ groupId: 'n1', proficiency: 2 }, { groupId: 'n2', proficiency: 3 }]),
        agent('x', ['over'], { capacity: { chat: 1, whatsapp: 1 } }),
        agent('y', ['n2'], { capacity: { chat: 1, phone: 1 } }),
      ],
    ),
  );
  step(() => h.ok({ type: 'setAgentState', agentId: 'x', state: 'paused', reason: 'reunião' }));
  step(() => h.enqueue('s1', 'n1', { waitingSince: T0 - 5_000 }));
  step(() => h.enqueue('s2', 'n1', { legalPriority: true }));
  step(() => h.enqueue('p1', 'n1', { channel: 'phone', minProficiency: 4 }));
  step(() => h.enqueue('s3', 'n1', { priority: 4, minProficiency: 3 }));
  step(() => h.ok({ type: 'accept', interactionId: 's2', agentId: h.interaction('s2').agentId! }));
  // A miss by b, then b busy when its cooldown ends: the cooldown passes with nothing to offer.
  step(() => h.ok({ type: 'reject', interactionId: 's1', agentId: h.interaction('s1').agentId! }));
  step(() => h.advance(10));
  step(() => h.enqueue('s4', 'n1', { preferredAgentId: 'b' }));
  step(() => h.advance(25)); // rings: s3 widens to proficiency 2
  step(() => h.advance(10)); // cooldown of s1 over; overflow timers due
  step(() => h.ok({ type: 'setAgentState', agentId: 'x', state: 'available' }));
  step(() => h.advance(20)); // offers expire: misses, maybe an auto-pause
  for (const id of ['s1', 's2', 's3', 's4', 'p1']) {
    step(() => {
      const s = h.router.state.interactions.get(id);
      if (s?.state === 'offered') h.ok({ type: 'accept', interactionId: id, agentId: s.agent!.config.id });
    });
  }
  step(() => {
    if (h.state('s2') === 'active') h.ok({ type: 'transfer', interactionId: 's2', to: { kind: 'nextLevel' } });
  });
  step(() => {
    const s = h.router.state.interactions.get('s1');
    if (s?.state === 'active') h.ok({ type: 'transfer', interactionId: 's1', to: { kind: 'agent', agentId: 'y' } });
  });
  step(() => h.advance(5));
  step(() => h.ok({ type: 'setAgentState', agentId: 'a', state: 'available' }));
  step(() => h.ok({ type: 'setAgentState', agentId: 'b', state: 'available' }));
  for (const s of [...h.router.state.interactions.values()]) {
    step(() => {
      if (s.state === 'active') h.ok({ type: 'end', interactionId: s.id });
    });
  }
  step(() => h.advance(15)); // wrap-ups end
  step(() => h.enqueue('gone', 'n2', { channel: 'whatsapp' })); // nobody in n2 takes WhatsApp
  step(() => h.ok({ type: 'abandon', interactionId: 'gone' }));
  step(() => h.advance(90));
  step(() => h.advance(86_400)); // into the next local day
  step(() => h.enqueue('tomorrow', 'n2', { channel: 'phone' }));
  return h;
}

describe('Router.replay', () => {
  it('rebuilds the live state after a scenario with transfers, overflow, rings, wrap-up and misses', () => {
    const h = scenario(() => undefined);
    const kinds = new Set(h.log.map((e) => e.type));
    for (const kind of ['interaction.transferred', 'interaction.overflowed', 'interaction.widened', 'interaction.rejected', 'interaction.expired', 'interaction.wrapped_up', 'interaction.abandoned']) {
      expect(kinds, kind).toContain(kind);
    }
    expectReplayMatches(h);
  });

  it('rebuilds the live state at every step of the scenario', () => {
    scenario(expectReplayMatches);
  });

  it('rebuilds the state after a cooldown ended with nobody to offer the session to', () => {
    const h = new Harness(options).setup([group('g')], [agent('a', ['g'])]);
    h.enqueue('s1', 'g');
    h.ok({ type: 'reject', interactionId: 's1', agentId: 'a' });
    h.enqueue('s2', 'g');
    h.ok({ type: 'accept', interactionId: 's2', agentId: 'a' });
    h.advance(30); // s1 may go back to a now, but a is busy
    expect(h.state('s1')).toBe('queued');
    expectReplayMatches(h);
    // And the replayed router goes on to decide exactly like the live one.
    const replayed = Router.replay(h.log, options);
    const next = { type: 'end', interactionId: 's2', agentId: 'a' } as const;
    expect(replayed.decide(next, h.now).events).toEqual(h.ok(next));
    expect(snapshot(replayed.state)).toEqual(snapshot(h.router.state));
  });

  it('gives a router that decides the same as the live one afterwards', () => {
    const h = scenario(() => undefined);
    const replayed = Router.replay(h.log, options);
    h.now += 1_000;
    const command = { type: 'enqueue', interaction: { id: 'after', channel: 'chat', groupId: 'n1' } } as const;
    expect(replayed.decide(command, h.now).events).toEqual(h.ok(command));
  });
});
