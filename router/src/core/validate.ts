// Checks a command's data against the current state before any event is emitted,
// so a rejected command never leaves the state half-changed.

import { RoutingError } from './errors.js';
import { validateHours } from './hours.js';
import type { RouterState } from './state.js';
import { CHANNELS, STRATEGIES, type AgentConfig, type EnqueueSpec, type GroupConfig } from './types.js';

const isInt = (v: unknown, min: number, max: number): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const nonNegative = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const text = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

function invalid(message: string, field: string): never {
  throw new RoutingError('invalid_command', message, { field });
}

export function validateGroup(g: GroupConfig, state: RouterState): void {
  if (!text(g.id)) invalid('group id is required', 'id');
  if (typeof g.name !== 'string' || typeof g.tema !== 'string' || typeof g.categoria !== 'string') invalid('name, tema and categoria are text', 'name');
  if (!isInt(g.level, 1, 3)) invalid('level must be 1, 2 or 3', 'level');
  if (!nonNegative(g.slaSeconds)) invalid('slaSeconds must be a non-negative number', 'slaSeconds');
  if (!nonNegative(g.wrapUpSeconds)) invalid('wrapUpSeconds must be a non-negative number', 'wrapUpSeconds');
  if (!(STRATEGIES as readonly string[]).includes(g.strategy)) invalid(`strategy must be one of ${STRATEGIES.join(', ')}`, 'strategy');
  if (g.overflow) {
    if (!(g.overflow.afterSeconds > 0) || !Number.isFinite(g.overflow.afterSeconds)) invalid('overflow.afterSeconds must be positive', 'overflow.afterSeconds');
    if (g.overflow.groupId === g.id) invalid('a group cannot overflow into itself', 'overflow.groupId');
    if (!state.groups.has(g.overflow.groupId)) throw new RoutingError('unknown_group', `unknown overflow group ${g.overflow.groupId}`, { groupId: g.overflow.groupId });
  }
  if (g.bullseye && (!(g.bullseye.ringSeconds > 0) || !Number.isFinite(g.bullseye.ringSeconds))) invalid('bullseye.ringSeconds must be positive', 'bullseye.ringSeconds');
  if (g.escalationGroupId !== undefined && g.escalationGroupId === g.id) invalid('a group cannot escalate to itself', 'escalationGroupId');
  if (g.escalationGroupId !== undefined && !state.groups.has(g.escalationGroupId)) {
    throw new RoutingError('unknown_group', `unknown escalation group ${g.escalationGroupId}`, { groupId: g.escalationGroupId });
  }
  if (g.hours) {
    const problem = validateHours(g.hours);
    if (problem) invalid(problem, 'hours');
  }
}

export function validateAgent(a: AgentConfig, state: RouterState): void {
  if (!text(a.id)) invalid('agent id is required', 'id');
  if (typeof a.name !== 'string') invalid('name is text', 'name');
  if (!Array.isArray(a.groups)) invalid('groups must be a list', 'groups');
  const seen = new Set<string>();
  for (const m of a.groups) {
    if (!state.groups.has(m.groupId)) throw new RoutingError('unknown_group', `unknown group ${m.groupId}`, { groupId: m.groupId });
    if (seen.has(m.groupId)) invalid(`group ${m.groupId} listed twice`, 'groups');
    seen.add(m.groupId);
    if (!isInt(m.proficiency, 1, 5)) invalid('proficiency must be an integer from 1 to 5', 'groups.proficiency');
  }
  // Checked here, not assumed: applying an agent without it would throw halfway through.
  if (typeof a.capacity !== 'object' || a.capacity === null) invalid('capacity is required', 'capacity');
  const capacity = a.capacity;
  for (const key of Object.keys(capacity)) {
    if (!(CHANNELS as readonly string[]).includes(key)) invalid(`unknown channel ${key}`, 'capacity');
  }
  const existing = state.agents.get(a.id);
  CHANNELS.forEach((ch, c) => {
    const cap = capacity[ch] ?? 0;
    if (!isInt(cap, 0, 1000)) invalid(`capacity.${ch} must be an integer from 0 to 1000`, `capacity.${ch}`);
    if (existing && cap < existing.load[c]!) {
      throw new RoutingError('capacity_below_load', `capacity.${ch} ${cap} is below the agent's current load ${existing.load[c]}`, {
        channel: ch,
        capacity: cap,
        load: existing.load[c],
      });
    }
  });
}

export function validateEnqueue(spec: EnqueueSpec, state: RouterState, now: number): void {
  if (!text(spec.id)) invalid('interaction id is required', 'id');
  if (state.interactions.has(spec.id)) throw new RoutingError('duplicate_interaction', `interaction ${spec.id} already exists`, { interactionId: spec.id });
  if (!(CHANNELS as readonly string[]).includes(spec.channel)) invalid(`channel must be one of ${CHANNELS.join(', ')}`, 'channel');
  if (!state.groups.has(spec.groupId)) throw new RoutingError('unknown_group', `unknown group ${spec.groupId}`, { groupId: spec.groupId });
  if (spec.priority !== undefined && !isInt(spec.priority, 0, 9)) invalid('priority must be an integer from 0 to 9', 'priority');
  if (spec.minProficiency !== undefined && !isInt(spec.minProficiency, 1, 5)) invalid('minProficiency must be an integer from 1 to 5', 'minProficiency');
  if (spec.waitingSince !== undefined && (!Number.isFinite(spec.waitingSince) || spec.waitingSince > now)) {
    invalid('waitingSince must be a time not after now', 'waitingSince');
  }
}
