// Seeds the demo agency through the same operations the REST API calls. Idempotent: a group or
// agent whose router config already matches is left alone, so restarts do not grow the log.
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { SYSTEM } from '../server/auth/principal.js';
import type { ServerServices } from '../server/server.js';
import { AGENTS, BUSINESS_HOURS, GROUPS, PAUSE_REASONS, UNITS, USERS } from './agency.js';

export interface DemoCredential {
  username: string;
  password: string;
  role: string;
  agentId?: string;
}

export async function seedAgency(services: ServerServices): Promise<DemoCredential[]> {
  const { configuration, accounts, context } = services;
  for (const unit of UNITS) await configuration.putUnit(SYSTEM, unit.id, { name: unit.name });
  for (const reason of PAUSE_REASONS) await configuration.putPauseReason(SYSTEM, reason.id, { label: reason.label });
  await configuration.putHours(SYSTEM, BUSINESS_HOURS.id, BUSINESS_HOURS);

  for (const g of GROUPS) {
    const { id, unitId, ...body } = g;
    const expected = { id, ...body };
    const current = context.reader.groupConfig(id);
    if (current && isDeepStrictEqual(current, expected)) continue;
    await configuration.putGroup(SYSTEM, id, { ...body, ...(unitId ? { unitId } : {}) });
  }

  for (const a of AGENTS) {
    const groups = Object.entries(a.skills).map(([groupId, proficiency]) => ({ groupId, proficiency }));
    const expected = { id: a.id, name: a.name, groups, capacity: a.capacity, ...(a.voiceExcludesChat !== undefined ? { voiceExcludesChat: a.voiceExcludesChat } : {}) };
    const current = context.reader.agentConfig(a.id);
    if (current && isDeepStrictEqual(current, expected)) continue;
    await configuration.putAgent(SYSTEM, a.id, {
      name: a.name,
      groups,
      capacity: a.capacity,
      unitId: a.unitId,
      ...(a.voiceExcludesChat !== undefined ? { voiceExcludesChat: a.voiceExcludesChat } : {}),
    });
  }

  const credentials: DemoCredential[] = [];
  for (const u of USERS) {
    const password = `demo-${randomBytes(6).toString('base64url')}`;
    await accounts.ensure(u.username, password, u.role, 'agentId' in u ? u.agentId : undefined);
    credentials.push({ username: u.username, password, role: u.role, ...('agentId' in u ? { agentId: u.agentId } : {}) });
  }
  return credentials;
}
