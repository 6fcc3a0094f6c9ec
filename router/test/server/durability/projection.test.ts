// The interactions projection as a fold over routing events and annotations.
import { getInteraction, openDatabase } from '@atende/db';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../../src/core/index.js';
import { ANNOTATIONS, journalRows, readLogEntry } from '../../../src/server/durability/journal.js';
import { projectAnnotation, projectEvent, type ProjectedRow } from '../../../src/server/durability/projection.js';
import { Projector } from '../../../src/server/durability/projector.js';

const T0 = Date.parse('2025-05-05T12:00:00.000Z');
const queued = (id: string, at = T0): RoutingEvent => ({
  type: 'interaction.queued',
  at,
  interaction: { id, channel: 'chat', groupId: 'g1', priority: 2, legalPriority: false, waitingSince: at - 5_000, minProficiency: 1 },
});

function fold(events: RoutingEvent[]): Map<string, ProjectedRow> {
  const rows = new Map<string, ProjectedRow>();
  for (const e of events) projectEvent(rows, e);
  return rows;
}

describe('the interactions projection', () => {
  it('follows a session from queued to ended, with its wait measured from the original contact time', () => {
    const rows = fold([
      queued('s1'),
      { type: 'interaction.offered', at: T0 + 1_000, interactionId: 's1', agentId: 'a1', groupId: 'g1', expiresAt: T0 + 21_000 },
      { type: 'interaction.accepted', at: T0 + 3_000, interactionId: 's1', agentId: 'a1' },
      { type: 'interaction.ended', at: T0 + 60_000, interactionId: 's1', agentId: 'a1', wrapUpUntil: T0 + 90_000 },
    ]);
    expect(rows.get('s1')).toMatchObject({ state: 'wrapup', agentId: 'a1', waitSeconds: 8, createdAt: new Date(T0 - 5_000), priority: 2 });
    projectEvent(rows, { type: 'interaction.wrapped_up', at: T0 + 70_000, interactionId: 's1', agentId: 'a1' });
    expect(rows.get('s1')).toMatchObject({ state: 'ended', endedAt: new Date(T0 + 60_000) });
  });

  it('puts a missed offer back to queued without an agent, and follows transfers and abandonment', () => {
    const rows = fold([
      queued('s2'),
      { type: 'interaction.offered', at: T0 + 1, interactionId: 's2', agentId: 'a1', groupId: 'g1', expiresAt: T0 + 20_001 },
      { type: 'interaction.expired', at: T0 + 20_001, interactionId: 's2', agentId: 'a1' },
    ]);
    expect(rows.get('s2')).toMatchObject({ state: 'queued', agentId: null });
    projectEvent(rows, { type: 'interaction.transferred', at: T0 + 30_000, interactionId: 's2', fromGroupId: 'g1', toGroupId: 'g2' });
    expect(rows.get('s2')).toMatchObject({ state: 'queued', groupId: 'g2' });
    projectEvent(rows, { type: 'interaction.abandoned', at: T0 + 40_000, interactionId: 's2' });
    expect(rows.get('s2')).toMatchObject({ state: 'abandoned', waitSeconds: 45, endedAt: new Date(T0 + 40_000) });
  });

  it('ignores events about unknown sessions and configuration events', () => {
    const rows = new Map<string, ProjectedRow>();
    expect(projectEvent(rows, { type: 'interaction.accepted', at: T0, interactionId: 'ghost', agentId: 'a' })).toBeUndefined();
    expect(projectEvent(rows, { type: 'agent.state_changed', at: T0, agentId: 'a', state: 'available' })).toBeUndefined();
    expect(rows.size).toBe(0);
  });

  it('takes contact, data and tabulation from annotations', () => {
    const rows = fold([queued('s3')]);
    projectAnnotation(rows, { type: ANNOTATIONS.details, interactionId: 's3', payload: { contactId: 'c1', data: { placa: 'ABC' } } });
    projectAnnotation(rows, { type: ANNOTATIONS.tabulation, interactionId: 's3', payload: { tabulation: { outcome: 'Resolvido' } } });
    expect(rows.get('s3')).toMatchObject({ contactId: 'c1', data: { placa: 'ABC' }, tabulation: { outcome: 'Resolvido' } });
    expect(projectAnnotation(rows, { type: ANNOTATIONS.details, interactionId: 'ghost', payload: {} })).toBeUndefined();
  });
});

describe('the journal', () => {
  it('stores core events whole and annotations under their prefix, and reads both back', () => {
    const e = queued('s4');
    const rows = journalRows([e], [{ type: ANNOTATIONS.details, interactionId: 's4', payload: { contactId: 'c' } }]);
    expect(rows.map((r) => [r.type, r.interactionId])).toEqual([
      ['interaction.queued', 's4'],
      ['annotation.interaction_details', 's4'],
    ]);
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(2);
    const stored = (i: number) => ({ seq: i + 1, tenant: 'default', eventId: rows[i]!.eventId, type: rows[i]!.type, at: new Date(T0), interactionId: rows[i]!.interactionId ?? null, agentId: null, payload: rows[i]!.payload });
    expect(readLogEntry(stored(0))).toEqual({ kind: 'event', event: e });
    expect(readLogEntry(stored(1))).toEqual({ kind: 'annotation', annotation: { type: 'annotation.interaction_details', interactionId: 's4', payload: { contactId: 'c' } } });
  });
});

describe('the projector', () => {
  it('writes the rows changed by events published over many callbacks of one turn in one statement', async () => {
    const statements: string[] = [];
    const opened = await openDatabase({ dataDir: 'memory://', onQuery: (query) => void statements.push(query) });
    try {
      const projector = new Projector(opened.db, pino({ level: 'silent' }), []);
      const before = statements.length;
      // Like a group commit's publications: each command's events in its own callback and microtasks,
      // all in one loop phase (immediates queued together run in the same check phase).
      await new Promise<void>((resolve) => {
        for (let i = 0; i < 20; i++) setImmediate(() => void Promise.resolve().then(() => projector.apply([queued(`p${i}`)], [])));
        setImmediate(resolve);
      });
      await projector.settled();
      const upserts = statements.slice(before).filter((query) => /^\s*insert into interactions/i.test(query));
      expect(upserts).toHaveLength(1);
      for (let i = 0; i < 20; i++) expect(await getInteraction(opened.db, `p${i}`)).toMatchObject({ id: `p${i}`, state: 'queued', groupId: 'g1' });
      await projector.close();
    } finally {
      await opened.close();
    }
  });
});
