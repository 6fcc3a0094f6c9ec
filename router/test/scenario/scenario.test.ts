// The agency scenario in-process over real HTTP and WebSocket: 3 groups, 16 agents with
// overlapping skills, 400 chat and phone sessions; all end, none lost, none over capacity, none
// offered to an agent outside the session's group, and the equal strategy keeps agents level.
import { describe, expect, it } from 'vitest';
import { gini, type RoutingEvent } from '../../src/core/index.js';
import { readLogEntry } from '../../src/server/durability/journal.js';
import { startTestServer } from '../server/helpers.js';
import { AGENTS, GROUPS, membersOf } from './agency.js';
import { fairnessOf } from './audit.js';
import { ADMIN_TOKEN, expectLog, expectServerViews, OFFER_TIMEOUT_SECONDS, runScenario } from './run.js';

const SEED = Number(process.env.SCENARIO_SEED ?? 20261123);
/**
 * The bound on sessions per agent (max − min over the agency). The equal strategy offers a session
 * to the free eligible agent with the fewest sessions today (all groups together), and the plan
 * splits the traffic so that every agent can get the same number. An agent still falls behind
 * while it is full on the session's channel (phone capacity is 1) or holds a pending offer, and is
 * preferred again once free; in 1,200 simulated runs of this plan on the core with these think and
 * handling times the spread never passed 3 (2 in most). That holds while every offer is such a
 * choice. When a starved machine slows the server, sessions wait and each freed agent takes the
 * next one without a choice (FIFO by design), and the spread depends on who frees first: the
 * bound is then not judged, but every choice that was made is still checked in the log.
 */
const MAX_SPREAD = 3;
const TIME_ZONE = 'America/Sao_Paulo'; // the router's default: "today" for the equal strategy

describe('the agency scenario', () => {
  it('routes 400 sessions to 16 agents over WebSocket: all end, none lost, within capacity and skills, evenly spread', async () => {
    const t = await startTestServer({ adminToken: ADMIN_TOKEN, router: { offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS } });
    try {
      const day = () => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
      const firstDay = day();
      const run = await runScenario(t.base, { seed: SEED });
      const events: RoutingEvent[] = [];
      for await (const stored of t.server.services.context.eventLog.read()) {
        const entry = readLogEntry(stored);
        if (entry.kind === 'event') events.push(entry.event);
      }
      await expectServerViews(run);
      const audit = expectLog(run, events);

      const agents: any[] = await run.api.expect('GET', '/api/agents', 200);
      const received: Record<string, number> = Object.fromEntries(agents.map((a) => [a.id, a.sessionsToday as number]));
      const counts = Object.values(received);
      const groups = await fairnessOf(run.api, GROUPS.map((g) => g.id));
      console.log(
        JSON.stringify({
          scenario: 'agency',
          seed: SEED,
          durationMs: run.durationMs,
          sessions: run.plan.length,
          offers: audit.offers,
          misses: audit.misses,
          strategyChoices: audit.choices,
          offersWithoutChoice: audit.forced,
          longestWaitMs: audit.longestWaitMs,
          accepted: run.seen.accepted,
          rejected: run.seen.rejected,
          sessionsPerAgent: received,
          spread: Math.max(...counts) - Math.min(...counts),
          gini: Number(gini(counts).toFixed(4)),
          groups: groups.map((g) => ({ groupId: g.groupId, sessionsPerAgent: g.sessionsPerAgent, spread: g.spread, gini: Number(g.gini.toFixed(4)) })),
          peakLoad: Object.fromEntries(audit.peakLoad),
        }),
      );

      // Per group (GET /api/fairness): every session of the group is counted, among its members only.
      for (const g of groups) {
        expect(Object.keys(g.sessionsPerAgent).sort()).toEqual(membersOf(g.groupId).map((a) => a.id).sort());
        expect(Object.values(g.sessionsPerAgent).reduce((s, n) => s + n, 0)).toBe(GROUPS.find((x) => x.id === g.groupId)!.sessions);
      }
      // Agents did fill their chat capacity: the bound was reached and held, not just never approached.
      expect(AGENTS.filter((a) => audit.peakLoad.get(a.id)?.chat === a.capacity.chat).length).toBeGreaterThan(0);

      // Every offer the strategy chose went to a free eligible agent with the fewest sessions
      // today (auditLog flags any other), and there were plenty of such choices.
      expect(audit.choices).toBeGreaterThanOrEqual(100);
      if (day() !== firstDay) {
        console.log('the run crossed midnight in the router time zone: daily counts restarted, spread not judged');
        return;
      }
      if (audit.forced > 0) {
        console.log(`${audit.forced} offers went to the next agent to free up (the server fell behind): spread not judged`);
        return;
      }
      // Spread: across the agency on the strategy's own measure (sessions today over all groups),
      // and per group among the agents that serve only that group (their counts in it).
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(MAX_SPREAD);
      for (const g of groups) {
        const dedicated = AGENTS.filter((a) => a.groups.length === 1 && a.groups[0]!.groupId === g.groupId).map((a) => g.sessionsPerAgent[a.id]!);
        expect(dedicated.length).toBeGreaterThan(1);
        expect(Math.max(...dedicated) - Math.min(...dedicated), g.groupId).toBeLessThanOrEqual(MAX_SPREAD);
      }
    } finally {
      await t.close();
    }
  });
});
