// The benchmark's baselines are only worth comparing with if they decide what the core decides:
// the same workload fed to the core, the scanning router and the lean heap router, in lockstep,
// must offer the same sessions to the same agents.
import { describe, expect, it } from 'vitest';
import { LeanRouter } from '../../bench/lean-router.js';
import { ScanRouter } from '../../bench/scan-router.js';
import { buildWorkload, rng } from '../../bench/workload.js';
import { Router, type RoutingEvent } from '../../src/core/index.js';

const T0 = Date.UTC(2026, 10, 23, 13, 0, 0);

interface Offer {
  session: string;
  agent: number;
}

describe('benchmark baselines', () => {
  it('scan and lean routers make the core’s offers on the bench workload', () => {
    const w = buildWorkload({ groups: 60, agents: 1_200, seed: 11 });
    const ordinal = new Map(w.agents.map((a, i) => [a.id, i]));
    const core = new Router();
    const scan = new ScanRouter(w.groups, w.agents, T0);
    const lean = new LeanRouter(w.groups, w.agents, T0);
    const coreOffers = (events: RoutingEvent[], now: number): Offer[] => {
      const offers: Offer[] = [];
      for (const e of events) {
        if (e.type !== 'interaction.offered') continue;
        offers.push({ session: e.interactionId, agent: ordinal.get(e.agentId)! });
        core.decide({ type: 'accept', interactionId: e.interactionId, agentId: e.agentId }, now);
      }
      return offers;
    };
    for (const group of w.groups) core.decide({ type: 'configureGroup', group }, T0);
    for (const agent of w.agents) core.decide({ type: 'configureAgent', agent }, T0);
    for (const agent of w.agents) {
      expect(coreOffers(core.decide({ type: 'setAgentState', agentId: agent.id, state: 'available' }, T0).events, T0)).toEqual([]);
      scan.setAvailable(agent.id, T0);
      lean.setAvailable(agent.id, T0);
    }
    const pick = rng(3);
    const active: string[] = [];
    let now = T0 + 1_000;
    let offeredAtArrival = 0;
    let offeredAtEnd = 0;
    for (let i = 0; i < 12_000; i++) {
      now++;
      const id = `s${i}`;
      const { groupId, channel } = w.arrival();
      const offers = coreOffers(core.decide({ type: 'enqueue', interaction: { id, groupId, channel } }, now).events, now);
      const byScan = scan.enqueue(id, groupId, channel, now) ? [{ session: id, agent: scan.agentOf(id) }] : [];
      const byLean = lean.enqueue(id, groupId, channel, now) ? [{ session: id, agent: lean.agentOf(id) }] : [];
      expect(byScan).toEqual(offers);
      expect(byLean).toEqual(offers);
      offeredAtArrival += offers.length;
      active.push(...offers.map((o) => o.session));
      // Two arrivals for each end: a backlog builds up, so ends offer waiting sessions too.
      if (i % 2 === 0 || active.length === 0) continue;
      const j = Math.floor(pick() * active.length);
      const ended = active[j]!;
      active[j] = active[active.length - 1]!;
      active.pop();
      const next = coreOffers(core.decide({ type: 'end', interactionId: ended }, now).events, now).map((o) => o.session);
      expect(scan.end(ended, now)).toEqual(next);
      expect(lean.end(ended, now)).toEqual(next);
      offeredAtEnd += next.length;
      active.push(...next);
    }
    // The comparison covered both kinds of decision.
    expect(offeredAtArrival).toBeGreaterThan(1_000);
    expect(offeredAtEnd).toBeGreaterThan(1_000);
  });
});
