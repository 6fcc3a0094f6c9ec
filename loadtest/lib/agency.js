// The agency a run works on (setup) and the audit of every session it left behind (teardown),
// both through the admin API.
import { check, sleep } from 'k6';
import { allInteractions, batchAll, login, request } from './api.js';
import {
  sessionsAbandoned,
  sessionsEnded,
  sessionsKnown,
  sessionsLeftOver,
  sessionsLost,
  sessionsUnfinished,
} from './metrics.js';
import { agentCapacity, agentId, groupId } from './schedule.js';

const PASSWORD = 'loadtest-password';

/** Groups, agents (one chat each), a supervisor user for the boards and a few agent users. */
export function seedAgency(profile) {
  const runId = Date.now().toString(36);
  batchAll(
    Array.from({ length: profile.groups }, (_, g) =>
      request('PUT', `/api/groups/${groupId(g)}`, { name: `Carga ${g}`, level: 1, slaSeconds: 30, strategy: 'longest-idle' }, { name: '/api/groups/:id' }),
    ),
    10,
  );
  batchAll(
    Array.from({ length: profile.agents }, (_, n) =>
      request(
        'PUT',
        `/api/agents/${agentId(n)}`,
        { name: `Atendente ${n}`, groups: [{ groupId: groupId(n % profile.groups), proficiency: 3 }], capacity: agentCapacity(profile) },
        { name: '/api/agents/:id' },
      ),
    ),
    25,
  );
  const users = [
    request('POST', '/api/users', { username: `lt-${runId}-supervisor`, password: PASSWORD, role: 'supervisor' }, { name: '/api/users' }),
    ...Array.from({ length: Math.min(profile.agentUsers, profile.agents) }, (_, n) =>
      request('POST', '/api/users', { username: `lt-${runId}-agent-${n}`, password: PASSWORD, role: 'agent', agentId: agentId(n) }, { name: '/api/users' }),
    ),
  ];
  batchAll(users, 10, [201]);
  const supervisorToken = login(`lt-${runId}-supervisor`, PASSWORD);
  const agentTokens = {};
  for (let n = 0; n < Math.min(profile.agentUsers, profile.agents); n++) agentTokens[agentId(n)] = login(`lt-${runId}-agent-${n}`, PASSWORD);
  return { runId, supervisorToken, agentTokens };
}

const FINISHED = new Set(['ended', 'abandoned']);

/**
 * Counts every session by state; unfinished ones are lost (`wait`) or abandoned/ended and counted
 * as left over (`abandon`). Sessions the citizens created but the server does not know are lost
 * too: the runner adds sessions_created − sessions_known.
 */
export function auditSessions(profile) {
  let items = allInteractions();
  // The last ends may still be on their way to the projection; give them a moment.
  for (let i = 0; i < 5 && items.some((s) => !FINISHED.has(s.state)); i++) {
    sleep(1);
    items = allInteractions();
  }
  const unfinished = items.filter((s) => !FINISHED.has(s.state));
  sessionsKnown.add(items.length);
  sessionsUnfinished.add(unfinished.length);
  let leftOver = 0;
  if (unfinished.length > 0 && profile.leftovers === 'abandon') {
    const closes = unfinished.map((s) => closing(s));
    // 409 when a session moved on between the listing and the close (it still ended).
    batchAll(closes, 50, [200, 409]);
    leftOver = unfinished.length;
    items = allInteractions();
  }
  const stillOpen = items.filter((s) => !FINISHED.has(s.state)).length;
  sessionsLeftOver.add(leftOver);
  sessionsLost.add(profile.leftovers === 'abandon' ? stillOpen : unfinished.length);
  sessionsEnded.add(items.filter((s) => s.state === 'ended').length);
  sessionsAbandoned.add(items.filter((s) => s.state === 'abandoned').length);
  check(stillOpen, { 'teardown: no session left unfinished after cleanup': (n) => profile.leftovers !== 'abandon' || n === 0 });
  return { known: items.length, unfinished: unfinished.length, leftOver };
}

function closing(session) {
  switch (session.state) {
    case 'queued':
    case 'offered':
      return request('POST', `/api/interactions/${session.id}/abandon`, undefined, { name: '/api/interactions/:id/abandon' });
    case 'active':
      return request('POST', `/api/interactions/${session.id}/end`, {}, { name: '/api/interactions/:id/end' });
    default:
      return request('POST', `/api/interactions/${session.id}/wrapup`, undefined, { name: '/api/interactions/:id/wrapup' });
  }
}
