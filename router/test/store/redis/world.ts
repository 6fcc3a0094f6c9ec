// Random worlds and command sequences for the differential test (ideas copied from
// test/core/properties.test.ts, widened): reconfigurations, invalid commands, business hours,
// escalation, late accepts and midnight crossings. Actions resolve against the pure router's state.

import fc from 'fast-check';
import {
  CHANNELS,
  type AgentConfig,
  type BusinessHours,
  type Command,
  type GroupConfig,
  type Proficiency,
  type Router,
  type RouterOptions,
  type StrategyName,
} from '../../../src/core/index.js';

const strategyArb = fc.constantFrom<StrategyName>('equal', 'longest-idle', 'least-occupied', 'round-robin');

const HOURS: BusinessHours[] = [
  { timeZone: 'America/Sao_Paulo', weekly: [1, 2, 3, 4, 5].map((d) => ({ weekday: d as 1, open: '08:00', close: '18:00' })), holidays: ['2026-11-20', '2026-12-25'] },
  { timeZone: 'America/Manaus', weekly: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ weekday: d as 1, open: '06:30', close: '23:00' })), holidays: [] },
];

const groupArb = fc.record({
  strategy: strategyArb,
  wrapUpSeconds: fc.constantFrom(0, 0, 5, 30),
  // Coarse times make timers of different sessions and kinds fall due together (tie order matters).
  overflowAfter: fc.option(fc.constantFrom(5, 10, 20, 30, 45, 120), { nil: undefined }),
  ring: fc.option(fc.constantFrom(5, 10, 15, 20, 60), { nil: undefined }),
  hours: fc.option(fc.constantFrom(0, 1), { nil: undefined, freq: 4 }),
  escalateTo: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
  sla: fc.constantFrom(0, 30, 60),
});

const agentArb = (groupCount: number) =>
  fc.record({
    groups: fc.uniqueArray(fc.record({ g: fc.nat(groupCount - 1), p: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 3, selector: (m) => m.g }),
    chat: fc.integer({ min: 0, max: 3 }),
    whatsapp: fc.integer({ min: 0, max: 2 }),
    phone: fc.integer({ min: 0, max: 1 }),
    video: fc.integer({ min: 0, max: 1 }),
    presencial: fc.integer({ min: 0, max: 1 }),
    voiceExcludesChat: fc.boolean(),
  });

export const worldArb = (agents: { min: number; max: number }, groups: { min: number; max: number }) =>
  fc
    .record({ groupCount: fc.integer(groups), agentCount: fc.integer(agents) })
    .chain(({ groupCount, agentCount }) =>
      fc.record({
        groups: fc.array(groupArb, { minLength: groupCount, maxLength: groupCount }),
        agents: fc.array(agentArb(groupCount), { minLength: agentCount, maxLength: agentCount }),
        // Minutes after 2026-11-23 00:00 São Paulo (a Monday): some runs cross midnight or start closed.
        startMinute: fc.oneof(fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.integer({ min: 23 * 60 + 30, max: 24 * 60 - 1 })),
        options: fc.record({
          offerTimeoutSeconds: fc.constantFrom(10, 20),
          maxConsecutiveMisses: fc.constantFrom(1, 2, 3),
          missCooldownSeconds: fc.constantFrom(5, 15, 30),
          targetWaitSeconds: fc.constantFrom(10, 20, 60),
          priorityStepSeconds: fc.constantFrom(60, 0.5),
          legalPriorityBonusSeconds: fc.constantFrom(900, 45),
        }),
        reconfigured: fc.array(agentArb(groupCount), { minLength: 3, maxLength: 3 }),
      }),
    );

export const actionArb = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('enqueue' as const), g: fc.nat(), ch: fc.nat(4), priority: fc.integer({ min: 0, max: 9 }), legal: fc.boolean(), minP: fc.constantFrom(1, 1, 1, 2, 3, 4, 5), pref: fc.option(fc.nat(), { nil: undefined }), waited: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('accept' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reject' as const), i: fc.nat() }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('end' as const), i: fc.nat(), wrong: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrapup' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abandon' as const), i: fc.nat(), any: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transfer' as const), i: fc.nat(), to: fc.nat(3), x: fc.nat(), by: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('state' as const), a: fc.nat(), state: fc.constantFrom('available', 'available', 'paused', 'offline'), reason: fc.option(fc.constantFrom('almoço', 'reunião'), { nil: undefined, freq: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.oneof(fc.integer({ min: 0, max: 25 }), fc.constantFrom(0, 5, 10, 15, 20)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jump' as const), minutes: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drift' as const), seconds: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconfigureGroup' as const), g: fc.nat(), change: groupArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconfigureAgent' as const), a: fc.nat(), which: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('invalid' as const), which: fc.nat(11), i: fc.nat() }) },
);

export type World = typeof worldArb extends (...args: never[]) => fc.Arbitrary<infer T> ? T : never;
export type Action = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;

export const MIDNIGHT = Date.UTC(2026, 10, 23, 3, 0, 0); // 2026-11-23 00:00 in São Paulo (UTC-3)

export function routerOptions(world: World): Partial<RouterOptions> {
  return { ...world.options, autoPauseReason: 'Ofertas não atendidas' };
}

export function groupConfig(i: number, g: World['groups'][number], count: number): GroupConfig {
  return {
    id: `g${i}`,
    name: `Grupo ${i}`,
    tema: `tema${i % 3}`,
    categoria: 'c',
    level: ((i % 3) + 1) as 1 | 2 | 3,
    slaSeconds: g.sla,
    strategy: g.strategy,
    wrapUpSeconds: g.wrapUpSeconds,
    ...(g.overflowAfter !== undefined && i > 0 ? { overflow: { afterSeconds: g.overflowAfter, groupId: `g${i - 1}` } } : {}),
    ...(g.ring !== undefined ? { bullseye: { ringSeconds: g.ring } } : {}),
    ...(g.hours !== undefined ? { hours: HOURS[g.hours]! } : {}),
    ...(g.escalateTo !== undefined && g.escalateTo % count < i ? { escalationGroupId: `g${g.escalateTo % count}` } : {}),
  };
}

export function agentConfig(i: number, a: World['agents'][number]): AgentConfig {
  return {
    id: `a${i}`,
    name: `Agente ${i}`,
    groups: a.groups.map((m) => ({ groupId: `g${m.g}`, proficiency: m.p as Proficiency })),
    capacity: { chat: a.chat, whatsapp: a.whatsapp, phone: a.phone, video: a.video, presencial: a.presencial },
    voiceExcludesChat: a.voiceExcludesChat,
  };
}

function pick<T>(items: T[], i: number): T | undefined {
  return items.length === 0 ? undefined : items[i % items.length];
}

/** The command an action stands for in the router's current state (undefined: nothing to do). */
export function toCommand(router: Router, world: World, action: Action, counter: { n: number }, now: number): Command | undefined {
  const st = router.state;
  const live = () => [...st.interactions.values()];
  const agentIds = () => [...st.agents.keys()];
  switch (action.kind) {
    case 'enqueue': {
      const g = pick(st.groupList, action.g)!;
      const pref = action.pref === undefined ? undefined : pick(agentIds(), action.pref);
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
          ...(action.waited !== undefined ? { waitingSince: now - action.waited * 1000 } : {}),
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
      if (!s) return undefined;
      const agentId = action.wrong === 0 ? pick(agentIds(), action.i)! : action.wrong === 1 ? 'ghost' : s.agent!.config.id;
      return { type: 'end', interactionId: s.id, agentId };
    }
    case 'wrapup': {
      const s = pick(live().filter((x) => x.state === 'wrapup'), action.i);
      return s && { type: 'completeWrapUp', interactionId: s.id };
    }
    case 'abandon': {
      const s = pick(live().filter((x) => action.any || x.state === 'queued' || x.state === 'offered'), action.i);
      return s && { type: 'abandon', interactionId: s.id };
    }
    case 'transfer': {
      const s = pick(live(), action.i);
      if (!s) return undefined;
      const to =
        action.to === 0
          ? { kind: 'group' as const, groupId: pick(st.groupList, action.x)!.config.id }
          : action.to === 1
            ? { kind: 'agent' as const, agentId: pick(agentIds(), action.x)! }
            : action.to === 2
              ? { kind: 'nextLevel' as const }
              : { kind: 'agent' as const, agentId: s.agent?.config.id ?? 'a0' };
      const byAgentId = action.by === 0 ? s.agent?.config.id : action.by === 1 ? pick(agentIds(), action.x) : undefined;
      return { type: 'transfer', interactionId: s.id, to, ...(byAgentId !== undefined ? { byAgentId } : {}) };
    }
    case 'state': {
      const a = pick(agentIds(), action.a)!;
      return { type: 'setAgentState', agentId: a, state: action.state as 'available', ...(action.reason !== undefined ? { reason: action.reason } : {}) };
    }
    case 'advance':
    case 'jump':
      return { type: 'tick' };
    case 'drift':
      // Time passes with no tick: offers run past their expiry before anyone fires it.
      return undefined;
    case 'reconfigureGroup': {
      const i = action.g % world.groups.length;
      return { type: 'configureGroup', group: groupConfig(i, action.change, world.groups.length) };
    }
    case 'reconfigureAgent': {
      const i = action.which % world.agents.length;
      return { type: 'configureAgent', agent: agentConfig(i, world.reconfigured[action.which]!) };
    }
    case 'invalid':
      return invalidCommand(router, action.which, action.i, counter);
  }
}

function invalidCommand(router: Router, which: number, i: number, counter: { n: number }): Command {
  const st = router.state;
  const s = pick([...st.interactions.values()], i);
  const sid = s?.id ?? 'nobody';
  switch (which) {
    case 0:
      return { type: 'accept', interactionId: sid, agentId: pick([...st.agents.keys()], i)! };
    case 1:
      return { type: 'accept', interactionId: 'ghost', agentId: 'a0' };
    case 2:
      return { type: 'enqueue', interaction: { id: sid, channel: 'chat', groupId: 'g0' } };
    case 3:
      return { type: 'enqueue', interaction: { id: `s${counter.n++}`, channel: 'chat', groupId: 'nowhere', priority: 12 } };
    case 4:
      return { type: 'enqueue', interaction: { id: `s${counter.n++}`, channel: 'fax' as 'chat', groupId: 'g0' } };
    case 5:
      return { type: 'configureAgent', agent: { id: 'a0', name: 'x', groups: [{ groupId: 'g0', proficiency: 3 }, { groupId: 'nowhere', proficiency: 9 as 3 }], capacity: { chat: 1 } } };
    case 6:
      return { type: 'configureGroup', group: { id: 'gx', name: 'x', tema: 't', categoria: 'c', level: 1, slaSeconds: 1, strategy: 'equal', wrapUpSeconds: 0, overflow: { afterSeconds: 5, groupId: 'nowhere' }, bullseye: { ringSeconds: -1 } } };
    case 7:
      return { type: 'completeWrapUp', interactionId: sid, agentId: 'a1' };
    case 8:
      return { type: 'setAgentState', agentId: 'a0', state: 'asleep' as 'paused' };
    case 9:
      return { type: 'transfer', interactionId: sid, to: { kind: 'group', groupId: 'nowhere' } };
    case 10:
      return { type: 'end', interactionId: sid };
    default:
      return { type: 'reject', interactionId: sid, agentId: 'ghost' };
  }
}
