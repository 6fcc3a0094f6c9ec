// Commands as the routing script reads them: defaults applied and configurations flattened the way
// the core reads them (JS truthiness settled here), plus the compiled validation checks.

import { validateAgent, validateEnqueue, validateGroup } from '../../core/validate.js';
import { CHANNELS, CHANNEL_INDEX, type Command } from '../../core/types.js';
import { CompiledChecks } from './checks.js';

export interface ScriptCommand {
  payload: Record<string, unknown>;
  checks?: CompiledChecks;
  /** Groups whose business hours the script may ask for (besides those it learns by asking). */
  hoursOf: 'none' | 'named' | 'all';
  groupId?: string;
}

const NO_CHECKS: ScriptCommand['checks'] = undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function toScriptCommand(command: Command, now: number): ScriptCommand {
  switch (command.type) {
    case 'configureGroup': {
      const g = command.group;
      const checks = new CompiledChecks((state) => validateGroup(g, state));
      if (checks.staticallyInvalid) return { payload: { type: command.type }, checks, hoursOf: 'none' };
      return {
        checks,
        hoursOf: 'none',
        payload: {
          type: command.type,
          raw: JSON.stringify(g),
          group: {
            id: g.id,
            tema: g.tema,
            categoria: g.categoria,
            level: g.level,
            slaSeconds: g.slaSeconds,
            strategy: g.strategy,
            wrapUpSeconds: g.wrapUpSeconds,
            overflowAfter: g.overflow ? g.overflow.afterSeconds : undefined,
            overflowGroupId: g.overflow ? g.overflow.groupId : undefined,
            ringSeconds: g.bullseye ? g.bullseye.ringSeconds : undefined,
            escalationGroupId: g.escalationGroupId ? g.escalationGroupId : undefined,
            hasHours: g.hours ? 1 : 0,
          },
        },
      };
    }
    case 'configureAgent': {
      const a = command.agent;
      const capacityOf = (c: number): number => (a.capacity as Record<string, number | undefined>)[CHANNELS[c]!] ?? 0;
      const checks = new CompiledChecks((state) => validateAgent(a, state), capacityOf);
      if (checks.staticallyInvalid) return { payload: { type: command.type }, checks, hoursOf: 'none' };
      return {
        checks,
        hoursOf: 'none',
        payload: {
          type: command.type,
          raw: JSON.stringify(a),
          agent: {
            id: a.id,
            groups: a.groups.map((m) => [m.groupId, m.proficiency]),
            capacity: CHANNELS.map((_, c) => capacityOf(c)),
            voiceExcludesChat: a.voiceExcludesChat ? 1 : 0,
          },
        },
      };
    }
    case 'setAgentState':
      return {
        checks: NO_CHECKS,
        hoursOf: 'none',
        payload: { type: command.type, agentId: command.agentId, state: text(command.state), stateText: String(command.state), reason: command.reason },
      };
    case 'enqueue': {
      const spec = command.interaction;
      const checks = new CompiledChecks((state) => validateEnqueue(spec, state, now));
      if (checks.staticallyInvalid) return { payload: { type: command.type }, checks, hoursOf: 'none' };
      return {
        checks,
        hoursOf: 'named',
        groupId: spec.groupId,
        payload: {
          type: command.type,
          interaction: {
            id: spec.id,
            channel: spec.channel,
            ci: CHANNEL_INDEX[spec.channel],
            groupId: spec.groupId,
            priority: spec.priority ?? 0,
            legalPriority: spec.legalPriority ?? false,
            waitingSince: spec.waitingSince ?? now,
            minProficiency: spec.minProficiency ?? 1,
            preferredAgentId: text(spec.preferredAgentId),
          },
        },
      };
    }
    case 'transfer': {
      const to = command.to;
      return {
        checks: NO_CHECKS,
        hoursOf: to.kind === 'group' ? 'named' : to.kind === 'nextLevel' ? 'all' : 'none',
        groupId: to.kind === 'group' ? to.groupId : undefined,
        payload: { type: command.type, interactionId: command.interactionId, to, byAgentId: command.byAgentId },
      };
    }
    case 'accept':
    case 'reject':
    case 'end':
    case 'completeWrapUp':
    case 'abandon':
    case 'tick':
      return { checks: NO_CHECKS, hoursOf: 'none', payload: { ...command } };
    default: {
      const never: never = command;
      const type = (never as Command).type;
      return { checks: NO_CHECKS, hoursOf: 'none', payload: { type: text(type) === undefined ? '' : `unknown:${type}`, typeText: String(type) } };
    }
  }
}
