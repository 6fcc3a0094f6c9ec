// The scenario's log audit must be able to fail: each invariant it checks, broken on purpose in a
// hand-written routing log, is reported.
import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/core/index.js';
import { auditLog } from './audit.js';

const T = Date.UTC(2026, 10, 23, 15, 0, 0);
let clock = T;
const at = () => (clock += 10);

function agency(): RoutingEvent[] {
  const agent = (id: string, groups: string[], phone: number): RoutingEvent[] => [
    { type: 'agent.configured', at: at(), agent: { id, name: id, groups: groups.map((groupId) => ({ groupId, proficiency: 3 })), capacity: { chat: 2, phone } } },
    { type: 'agent.state_changed', at: at(), agentId: id, state: 'available' },
  ];
  return [...agent('ana', ['ipva'], 1), ...agent('bia', ['ipva', 'itcd'], 1), ...agent('caio', ['itcd'], 0)];
}
const queued = (id: string, groupId: string, channel: 'chat' | 'phone' = 'chat'): RoutingEvent => ({
  type: 'interaction.queued',
  at: at(),
  interaction: { id, channel, groupId, priority: 0, legalPriority: false, waitingSince: clock, minProficiency: 1 },
});
const offered = (id: string, agentId: string, groupId: string): RoutingEvent => ({ type: 'interaction.offered', at: at(), interactionId: id, agentId, groupId, expiresAt: clock + 2_000 });
const accepted = (id: string, agentId: string): RoutingEvent => ({ type: 'interaction.accepted', at: at(), interactionId: id, agentId });
const ended = (id: string, agentId: string): RoutingEvent => ({ type: 'interaction.ended', at: at(), interactionId: id, agentId });
const rejected = (id: string, agentId: string): RoutingEvent => ({ type: 'interaction.rejected', at: at(), interactionId: id, agentId });

describe('the scenario log audit', () => {
  it('passes a log that keeps every invariant, counting choices and sessions without a choice', () => {
    const audit = auditLog([
      ...agency(),
      queued('s1', 'ipva'),
      offered('s1', 'ana', 'ipva'),
      rejected('s1', 'ana'),
      offered('s1', 'bia', 'ipva'),
      accepted('s1', 'bia'),
      queued('s2', 'itcd'),
      offered('s2', 'caio', 'itcd'),
      accepted('s2', 'caio'),
      ended('s1', 'bia'),
      ended('s2', 'caio'),
    ]);
    expect(audit).toMatchObject({ violations: [], offers: 3, choices: 3, forced: 0, misses: { rejected: 1, expired: 0, revoked: 0 } });
    expect(Object.fromEntries(audit.states)).toEqual({ s1: 'ended', s2: 'ended' });
  });

  it('reports an offer beyond capacity on the channel', () => {
    const audit = auditLog([...agency(), queued('p1', 'ipva', 'phone'), offered('p1', 'ana', 'ipva'), queued('p2', 'ipva', 'phone'), offered('p2', 'ana', 'ipva')]);
    expect(audit.violations).toContain('ana: 2 phone sessions held, capacity 1');
  });

  it('reports an offer to an agent outside the session’s group', () => {
    const audit = auditLog([...agency(), queued('s1', 'ipva'), offered('s1', 'caio', 'ipva')]);
    expect(audit.violations).toContain('s1 of ipva offered to caio, not a member');
  });

  it('reports a session offered while another agent holds it', () => {
    const audit = auditLog([...agency(), queued('s1', 'ipva'), offered('s1', 'ana', 'ipva'), accepted('s1', 'ana'), offered('s1', 'bia', 'ipva')]);
    expect(audit.violations).toContain('s1 offered to bia while active with ana');
  });

  it('reports a strategy choice that skipped a free agent with fewer sessions today', () => {
    const audit = auditLog([...agency(), queued('s1', 'ipva'), offered('s1', 'ana', 'ipva'), queued('s2', 'ipva'), offered('s2', 'ana', 'ipva')]);
    expect(audit.violations).toContain('s2 offered to ana with 1 sessions today while bia, free, had 0');
  });

  it('does not judge an offer made without a choice, nor count an agent kept away by its miss', () => {
    const audit = auditLog([
      ...agency(),
      queued('s1', 'ipva'),
      offered('s1', 'bia', 'ipva'),
      rejected('s1', 'bia'),
      // bia missed s1 and is kept away from it: ana is the only candidate left.
      offered('s1', 'ana', 'ipva'),
      accepted('s1', 'ana'),
      queued('s2', 'ipva'),
      ended('s1', 'ana'),
      // s2 waited and went to the agent who freed up: no choice, not judged.
      offered('s2', 'ana', 'ipva'),
    ]);
    expect(audit).toMatchObject({ violations: [], choices: 2, forced: 1 });
  });

  it('keeps each session’s last state, so one that never ended shows', () => {
    const audit = auditLog([...agency(), queued('s1', 'ipva'), offered('s1', 'ana', 'ipva')]);
    expect(audit.states.get('s1')).toBe('offered');
  });
});
