// Agency configuration (admin writes, supervisor reads): groups, agents, business hours, units,
// pause reasons, and agents' presence. Router config changes are core commands, so replay restores them.
import {
  listAgents,
  listBusinessHours,
  listGroups,
  listPauseReasons,
  listUnits,
  upsertAgent,
  upsertBusinessHours,
  upsertGroup,
  upsertPauseReason,
  upsertUnit,
  type BusinessHoursWithHolidays,
} from '@atende/db';
import { z } from 'zod';
import { CHANNELS, STRATEGIES, type BusinessHours, type GroupConfig } from '../../core/index.js';
import { actingAgent, canRead, requireRole, type Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { forbidden, notFound } from '../http/errors.js';
import { parse } from '../http/validation.js';
import { agentJson, groupJson } from './views.js';

const id = z.string().min(1).max(200);

export const groupSchema = z.object({
  name: z.string().min(1).max(200),
  tema: z.string().max(200).default(''),
  categoria: z.string().max(200).default(''),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  slaSeconds: z.number().nonnegative(),
  strategy: z.enum(STRATEGIES).default('equal'),
  overflow: z.object({ afterSeconds: z.number().positive(), groupId: id }).nullish(),
  /** Id of business hours (PUT /api/hours/:id); absent: always open. */
  hours: id.nullish(),
  wrapUpSeconds: z.number().nonnegative().default(0),
  bullseye: z.object({ ringSeconds: z.number().positive() }).nullish(),
  escalationGroupId: id.nullish(),
  unitId: id.nullish(),
});

export const agentSchema = z.object({
  name: z.string().min(1).max(200),
  groups: z.array(z.object({ groupId: id, proficiency: z.number().int().min(1).max(5) })).max(500),
  capacity: z.partialRecord(z.enum(CHANNELS), z.number().int().min(0).max(1000)),
  voiceExcludesChat: z.boolean().optional(),
  unitId: id.nullish(),
});

export const agentStateSchema = z.object({
  state: z.enum(['available', 'paused', 'offline']),
  reason: z.string().min(1).max(200).optional(),
});
export type AgentStateInput = z.infer<typeof agentStateSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
export const hoursSchema = z.object({
  name: z.string().min(1).max(200),
  timeZone: z
    .string()
    .default('America/Sao_Paulo')
    .refine((tz) => validTimeZone(tz), 'fuso horário IANA desconhecido'),
  weekly: z
    .array(
      z
        .object({ weekday: z.number().int().min(0).max(6), open: hhmm, close: hhmm })
        .refine((i) => i.open < i.close, 'open deve ser antes de close'),
    )
    .max(100),
  holidays: z.array(z.object({ date: z.iso.date(), name: z.string().min(1).max(200) })).max(1000).default([]),
});

export const unitSchema = z.object({ name: z.string().min(1).max(200), timeZone: z.string().default('America/Sao_Paulo') });
export const pauseReasonSchema = z.object({ label: z.string().min(1).max(200) });

function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const toCoreHours = (h: BusinessHoursWithHolidays): BusinessHours => ({
  timeZone: h.timezone,
  weekly: h.weekly.map(({ weekday, open, close }) => ({ weekday, open, close })),
  holidays: h.holidays.map((d) => d.date),
});

export class Configuration {
  constructor(private readonly ctx: ServerContext) {}

  // ------------------------------------------------------------------ groups

  async putGroup(principal: Principal, groupId: string, body: unknown) {
    requireRole(principal, 'admin');
    const input = parse(groupSchema, body);
    const db = this.ctx.db;
    let hours: BusinessHours | undefined;
    if (input.hours) {
      const stored = (await listBusinessHours(db)).find((h) => h.id === input.hours);
      if (!stored) throw notFound('hours', { hoursId: input.hours });
      hours = toCoreHours(stored);
    }
    if (input.unitId && !(await listUnits(db)).some((u) => u.id === input.unitId)) throw notFound('unit', { unitId: input.unitId });
    const config: GroupConfig = {
      id: groupId,
      name: input.name,
      tema: input.tema,
      categoria: input.categoria,
      level: input.level,
      slaSeconds: input.slaSeconds,
      strategy: input.strategy,
      wrapUpSeconds: input.wrapUpSeconds,
      ...(input.overflow ? { overflow: input.overflow } : {}),
      ...(hours ? { hours } : {}),
      ...(input.bullseye ? { bullseye: input.bullseye } : {}),
      ...(input.escalationGroupId ? { escalationGroupId: input.escalationGroupId } : {}),
    };
    await this.ctx.commands.run({ type: 'configureGroup', group: config });
    await upsertGroup(db, {
      id: groupId,
      name: input.name,
      tema: input.tema,
      categoria: input.categoria,
      level: input.level,
      slaSeconds: Math.round(input.slaSeconds),
      strategy: input.strategy,
      overflowAfterSeconds: input.overflow ? Math.round(input.overflow.afterSeconds) : null,
      overflowGroupId: input.overflow?.groupId ?? null,
      hoursId: input.hours ?? null,
      wrapUpSeconds: Math.round(input.wrapUpSeconds),
      unitId: input.unitId ?? null,
    });
    return this.group(principal, groupId);
  }

  async groups(principal: Principal) {
    if (!canRead(principal)) throw forbidden();
    const stored = new Map((await listGroups(this.ctx.db)).map((g) => [g.id, g]));
    const queues = this.ctx.engine.queues();
    return this.ctx.reader.groupConfigs().map((config) =>
      groupJson(config, stored.get(config.id) ?? {}, queues.filter((q) => q.groupId === config.id)),
    );
  }

  async group(principal: Principal, groupId: string) {
    if (!canRead(principal)) throw forbidden();
    const config = this.ctx.reader.groupConfig(groupId);
    if (!config) throw notFound('group', { groupId });
    const stored = (await listGroups(this.ctx.db)).find((g) => g.id === groupId);
    return groupJson(config, stored ?? {}, this.ctx.engine.queues(new Set([groupId])));
  }

  // ------------------------------------------------------------------ agents

  async putAgent(principal: Principal, agentId: string, body: unknown) {
    requireRole(principal, 'admin');
    const input = parse(agentSchema, body);
    if (input.unitId && !(await listUnits(this.ctx.db)).some((u) => u.id === input.unitId)) throw notFound('unit', { unitId: input.unitId });
    await this.ctx.commands.run({
      type: 'configureAgent',
      agent: {
        id: agentId,
        name: input.name,
        groups: input.groups.map((m) => ({ groupId: m.groupId, proficiency: m.proficiency as 1 | 2 | 3 | 4 | 5 })),
        capacity: input.capacity,
        ...(input.voiceExcludesChat !== undefined ? { voiceExcludesChat: input.voiceExcludesChat } : {}),
      },
    });
    await upsertAgent(this.ctx.db, {
      id: agentId,
      name: input.name,
      unitId: input.unitId ?? null,
      capacity: input.capacity,
      voiceExcludesChat: input.voiceExcludesChat ?? false,
      skills: input.groups,
    });
    return { ...agentJson(this.ctx.engine.agent(agentId)!), unitId: input.unitId ?? null };
  }

  async agents(principal: Principal) {
    if (!canRead(principal)) throw forbidden();
    const units = new Map((await listAgents(this.ctx.db)).map((a) => [a.id, a.unitId]));
    return this.ctx.engine.agents().map((view) => ({ ...agentJson(view), unitId: units.get(view.id) ?? null }));
  }

  agent(principal: Principal, agentId: string) {
    if (!canRead(principal)) actingAgent(principal, agentId);
    const view = this.ctx.engine.agent(agentId);
    if (!view) throw notFound('agent', { agentId });
    return agentJson(view);
  }

  /** Presence: the agent itself or the admin. Not tied to any socket (REST-driven agents exist). */
  async setAgentState(principal: Principal, agentId: string, body: unknown) {
    const input = parse(agentStateSchema, body);
    actingAgent(principal, agentId);
    await this.ctx.commands.run({ type: 'setAgentState', agentId, state: input.state, ...(input.reason !== undefined ? { reason: input.reason } : {}) });
    return agentJson(this.ctx.engine.agent(agentId)!);
  }

  // ------------------------------------------------------------------ hours, units, pause reasons

  async putHours(principal: Principal, hoursId: string, body: unknown) {
    requireRole(principal, 'admin');
    const input = parse(hoursSchema, body);
    const stored = await upsertBusinessHours(this.ctx.db, {
      id: hoursId,
      name: input.name,
      timezone: input.timeZone,
      weekly: input.weekly.map((w) => ({ weekday: w.weekday as 0 | 1 | 2 | 3 | 4 | 5 | 6, open: w.open, close: w.close })),
      holidays: input.holidays,
    });
    // Groups carry their hours inside the core's config: re-issue theirs so the router (and replay) sees the change.
    const users = (await listGroups(this.ctx.db)).filter((g) => g.hoursId === hoursId);
    for (const g of users) {
      const config = this.ctx.reader.groupConfig(g.id);
      if (config) await this.ctx.commands.run({ type: 'configureGroup', group: { ...config, hours: toCoreHours(stored) } });
    }
    return hoursJson(stored);
  }

  async hours(principal: Principal) {
    if (!canRead(principal)) throw forbidden();
    return (await listBusinessHours(this.ctx.db)).map(hoursJson);
  }

  async putUnit(principal: Principal, unitId: string, body: unknown) {
    requireRole(principal, 'admin');
    const input = parse(unitSchema, body);
    const row = await upsertUnit(this.ctx.db, { id: unitId, name: input.name, timezone: input.timeZone });
    return { id: row.id, name: row.name, timeZone: row.timezone };
  }

  async units(principal: Principal) {
    if (!canRead(principal)) throw forbidden();
    return (await listUnits(this.ctx.db)).map((u) => ({ id: u.id, name: u.name, timeZone: u.timezone }));
  }

  async putPauseReason(principal: Principal, reasonId: string, body: unknown) {
    requireRole(principal, 'admin');
    const input = parse(pauseReasonSchema, body);
    const row = await upsertPauseReason(this.ctx.db, { id: reasonId, label: input.label });
    return { id: row.id, label: row.label };
  }

  /** Every signed-in user may read them (agents pick one when pausing). */
  async pauseReasons() {
    return (await listPauseReasons(this.ctx.db)).map((r) => ({ id: r.id, label: r.label }));
  }
}

function hoursJson(h: BusinessHoursWithHolidays) {
  return { id: h.id, name: h.name, timeZone: h.timezone, weekly: h.weekly, holidays: h.holidays };
}
