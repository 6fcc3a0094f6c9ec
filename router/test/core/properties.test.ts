// Property tests over random worlds and random command sequences: capacity, eligibility,
// nothing lost, nothing left waiting beside a free agent, queue order, fairness, replay.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  Router,
  snapshot,
  fairness,
  type AgentConfig,
  type Command,
  type GroupConfig,
  type Proficiency,
  type RoutingEvent,
  type StrategyName,
} from '../../src/core/index.js';
import { Shadow, checkState } from './model.js';
import { T0 } from './fixtures.js';

const strategyArb = fc.constantFrom<StrategyName>('equal', 'longest-idle', 'least-occupied', 'round-robin');

const worldArb = fc
  .record({
    groupCount: fc.integer({ min: 2, max: 8 }),
    agentCount: fc.integer({ min: 100, max: 300 }),
    seed: fc.integer(),
  })
  .chain(({ groupCount, agentCount }) =>
    fc.record({
      groups: fc.array(
        fc.record({
          strategy: strategyArb,
          wrapUpSeconds: fc.constantFrom(0, 0, 5, 30),
          overflowAfter: fc.option(fc.integer({ min: 5, max: 120 }), { nil: undefined }),
          ring: fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }),
        }),
        { minLength: groupCount, maxLength: groupCount },
      ),
      agents: fc.array(
        fc.record({
          groups: fc.uniqueArray(fc.record({ g: fc.nat(groupCount - 1), p: fc.integer({ min: 1, max: 5 }) }), {
            minLength: 1,
            maxLength: 3,
            selector: (m) => m.g,
          }),
          chat: fc.integer({ min: 0, max: 3 }),
          whatsapp: fc.integer({ min: 0, max: 2 }),
          phone: fc.integer({ min: 0, max: 1 }),
          video: fc.integer({ min: 0, max: 1 }),
          voiceExcludesChat: fc.boolean(),
        }),
        { minLength: agentCount, maxLength: agentCount },
      ),
    }),
  );

// Abstract actions: indices are resolved against the live state when the action runs.
const actionArb = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('enqueue' as const), g: fc.nat(), ch: fc.nat(3), priority: fc.integer({ min: 0, max: 9 }), legal: fc.boolean(), minP: fc.constantFrom(1, 1, 1, 2, 3, 4, 5), pref: fc.option(fc.nat(), { nil: undefined }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('accept' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reject' as const), i: fc.nat() }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('end' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrapup' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abandon' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transfer' as const), i: fc.nat(), to: fc.nat(2), x: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('state' as const), a: fc.nat(), state: fc.constantFrom('available', 'available', 'paused', 'offline') }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 25 }) }) },
);

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;
type Action = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;

function buildConfig(world: World): { groups: GroupConfig[]; agents: AgentConfig[] } {
  const groups = world.groups.map((g, i): GroupConfig => ({
    id: `g${i}`,
    name: `Grupo ${i}`,
    tema: `tema${i % 3}`,
    categoria: 'c',
    level: ((i % 3) + 1) as 1 | 2 | 3,
    slaSeconds: 60,
    strategy: g.strategy,
    wrapUpSeconds: g.wrapUpSeconds,
    ...(g.overflowAfter !== undefined && i > 0 ? { overflow: { afterSeconds: g.overflowAfter, groupId: `g${i - 1}` } } : {}),
    ...(g.ring !== undefined ? { bullseye: { ringSeconds: g.ring } } : {}),
  }));
  const agents = world.agents.map((a, i): AgentConfig => ({
    id: `a${i}`,
    name: `Agente ${i}`,
    groups: a.groups.map((m) => ({ groupId: `g${m.g}`, proficiency: m.p as Proficiency })),
    capacity: { chat: a.chat, whatsapp: a.whatsapp, phone: a.phone, video: a.video },
    voiceExcludesChat: a.voiceExcludesChat,
  }));
  return { groups, agents };
}

function pick<T>(items: T[], i: number): T | undefined {
  return items.length === 0 ? undefined : items[i % items.length];
}

function toCommand(router: Router, action: Action, counter: { n: number }): Command | undefined {
  const st = router.state;
  const live = () => [...st.interactions.values()];
  switch (action.kind) {
    case 'enqueue': {
      const g = pick(st.groupList, action.g)!;
      const pref = action.pref === undefined ? undefined : pick([...st.agents.keys()], action.pref);
      return {
        type: 'enqueue',
        interaction: {
          id: `s${counter.n++}`,
          channel: CHANNELS[action.ch]!,
          groupId: g.config.id,
          priority: action.priority,
          legalPriority: action.legal,
          minProficiency: action.minP as Proficiency,
          ...(pref ? { preferredAgentId: pref } : {}),
        },
      };
    }
    case 'accept':
    case 'reject': {
      const s = pick(live().filter((x) => x.state === 'offered'), action.i);
      return s && { type: action.kind, interactionId: s.id, agentId: s.agent!.config.id };
    }
    case 'end': {
      const s = pick(live().filter((x) => x.state === 'active'), action.i);
      return s && { type: 'end', interactionId: s.id, agentId: s.agent!.config.id };
    }
    case 'wrapup': {
      const s = pick(live().filter((x) => x.state === 'wrapup'), action.i);
      return s && { type: 'completeWrapUp', interactionId: s.id };
    }
    case 'abandon': {
      const s = pick(live().filter((x) => x.state === 'queued' || x.state === 'offered'), action.i);
      return s && { type: 'abandon', interactionId: s.id };
    }
    case 'transfer': {
      const s = pick(live().filter((x) => x.state !== 'wrapup'), action.i);
      if (!s) return undefined;
      const to =
        action.to === 0
          ? { kind: 'group' as const, groupId: pick(st.groupList, action.x)!.config.id }
          : action.to === 1
            ? { kind: 'agent' as const, agentId: pick([...st.agents.keys()], action.x)! }
            : { kind: 'nextLevel' as const };
      return { type: 'transfer', interactionId: s.id, to };
    }
    case 'state': {
      const a = pick([...st.agents.keys()], action.a)!;
      return { type: 'setAgentState', agentId: a, state: action.state as 'available' | 'paused' | 'offline' };
    }
    case 'advance':
      return { type: 'tick' };
  }
}

describe('routing invariants over random command sequences', () => {
  it('never breaks capacity, eligibility, order or completeness, and replays to the same state', () => {
    fc.assert(
      fc.property(worldArb, fc.array(actionArb, { minLength: 1000, maxLength: 3000 }), (world, actions) => {
        const router = new Router({ offerTimeoutSeconds: 20, missCooldownSeconds: 15, targetWaitSeconds: 20 });
        const shadow = new Shadow();
        const log: RoutingEvent[] = [];
        let now = T0;
        const run = (command: Command): void => {
          const outcome = router.decide(command, now);
          shadow.consume(outcome.events);
          log.push(...outcome.events);
          const problems = checkState(router, shadow, now, outcome.events, command.type !== 'tick');
          if (problems.length) throw new Error(`after ${command.type}: ${problems.slice(0, 5).join('; ')}`);
        };
        const { groups, agents } = buildConfig(world);
        for (const group of groups) run({ type: 'configureGroup', group });
        for (const agent of agents) run({ type: 'configureAgent', agent });
        for (const agent of agents) run({ type: 'setAgentState', agentId: agent.id, state: 'available' });
        const counter = { n: 0 };
        for (const action of actions) {
          if (action.kind === 'advance') now += action.seconds * 1000;
          const command = toCommand(router, action, counter);
          if (command) run(command);
        }
        // Ending everything still live must be possible: drain and check nothing is lost.
        for (let round = 0; round < 400 && router.state.interactions.size > 0; round++) {
          for (const a of agents) if (router.state.agents.get(a.id)!.presence !== 'available') run({ type: 'setAgentState', agentId: a.id, state: 'available' });
          for (const s of [...router.state.interactions.values()]) {
            if (s.state === 'offered') run({ type: 'accept', interactionId: s.id, agentId: s.agent!.config.id });
            else if (s.state === 'active') run({ type: 'end', interactionId: s.id });
            else if (s.state === 'wrapup') run({ type: 'completeWrapUp', interactionId: s.id });
          }
          now += 30_000;
          run({ type: 'tick' });
        }
        // Sessions nobody can serve (no agent with that channel in reach) are abandoned by the citizen.
        for (const s of [...router.state.interactions.values()]) run({ type: 'abandon', interactionId: s.id });
        const created = shadow.sessions.size;
        expect(router.state.ended + router.state.abandoned).toBe(created);
        expect(snapshot(Router.replay(log, router.options).state)).toEqual(snapshot(router.state));
      }),
      { numRuns: 12 },
    );
  });

  it('replaying any prefix of the log gives the state the router had at that point', () => {
    fc.assert(
      fc.property(worldArb, fc.array(actionArb, { minLength: 200, maxLength: 600 }), fc.nat(), (world, actions, cut) => {
        const router = new Router();
        const log: RoutingEvent[] = [];
        const snapshots: { length: number; snap: unknown }[] = [];
        let now = T0;
        const { groups, agents } = buildConfig(world);
        const run = (command: Command) => log.push(...router.decide(command, now).events);
        for (const group of groups) run({ type: 'configureGroup', group });
        for (const agent of agents) run({ type: 'configureAgent', agent });
        for (const agent of agents) run({ type: 'setAgentState', agentId: agent.id, state: 'available' });
        const counter = { n: 0 };
        const stop = cut % actions.length;
        actions.forEach((action, i) => {
          if (action.kind === 'advance') now += action.seconds * 1000;
          const command = toCommand(router, action, counter);
          if (command) run(command);
          if (i === stop) snapshots.push({ length: log.length, snap: snapshot(router.state) });
        });
        const { length, snap } = snapshots[0]!;
        expect(snapshot(Router.replay(log.slice(0, length)).state)).toEqual(snap);
      }),
      { numRuns: 10 },
    );
  });
});

describe('equal distribution', () => {
  it('keeps the per-agent count spread within a group at most 1 for identical agents under steady load', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 300 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1000, max: 3000 }),
        (agentCount, handleSeconds, arrivalsPerMinute, sessions) => {
          const router = new Router();
          let now = T0;
          const run = (command: Command) => {
            const outcome = router.decide(command, now);
            if (!outcome.ok) throw new Error(outcome.error.message);
            return outcome.events;
          };
          run({ type: 'configureGroup', group: { id: 'g', name: 'g', tema: 't', categoria: 'c', level: 1, slaSeconds: 60, strategy: 'equal', wrapUpSeconds: 0 } });
          for (let i = 0; i < agentCount; i++) {
            run({ type: 'configureAgent', agent: { id: `a${i}`, name: `a${i}`, groups: [{ groupId: 'g', proficiency: 3 }], capacity: { chat: 1 } } });
            run({ type: 'setAgentState', agentId: `a${i}`, state: 'available' });
          }
          // Every offer is accepted at once and ends exactly handleSeconds later.
          const endsAt: { at: number; id: string }[] = [];
          const accept = (events: RoutingEvent[]) => {
            for (const e of events) {
              if (e.type !== 'interaction.offered') continue;
              run({ type: 'accept', interactionId: e.interactionId, agentId: e.agentId });
              endsAt.push({ at: now + handleSeconds * 1000, id: e.interactionId });
            }
          };
          const gap = 60_000 / arrivalsPerMinute;
          let maxSpread = 0;
          for (let n = 0; n < sessions; n++) {
            const arrival = T0 + Math.round(n * gap);
            endsAt.sort((a, b) => a.at - b.at);
            while (endsAt.length && endsAt[0]!.at <= arrival) {
              const { at, id } = endsAt.shift()!;
              now = at;
              accept(run({ type: 'end', interactionId: id }));
            }
            now = arrival;
            accept(run({ type: 'enqueue', interaction: { id: `s${n}`, channel: 'chat', groupId: 'g' } }));
            maxSpread = Math.max(maxSpread, fairness(router.state, 'g')!.spread);
          }
          expect(maxSpread).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 15 },
    );
  });
});
