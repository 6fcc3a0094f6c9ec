// Business hours and holidays (America/Sao_Paulo): outside them a group takes no new session and
// the decision says when it opens next.
import { describe, expect, it } from 'vitest';
import { openState, type BusinessHours } from '../../src/core/index.js';
import { Harness, agent, group } from './fixtures.js';

const weekdays = (holidays: string[] = []): BusinessHours => ({
  timeZone: 'America/Sao_Paulo',
  weekly: ([1, 2, 3, 4, 5] as const).flatMap((weekday) => [
    { weekday, open: '08:00', close: '12:00' },
    { weekday, open: '13:00', close: '18:00' },
  ]),
  holidays,
});

/** São Paulo is UTC−3 all year (no daylight saving since 2019). */
const sp = (year: number, month: number, day: number, hour: number, minute = 0): number => Date.UTC(year, month - 1, day, hour + 3, minute);

function enqueueAt(at: number, holidays: string[] = []) {
  const h = new Harness().setup([group('g', { hours: weekdays(holidays) })], [agent('a', ['g'])]);
  h.now = at;
  return { h, outcome: h.run({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } }) };
}

describe('enqueue outside business hours', () => {
  it('on a Friday evening answers ok, queues nothing, and gives Monday 08:00 local (11:00Z) as the next opening', () => {
    const { h, outcome } = enqueueAt(sp(2026, 11, 27, 19, 30)); // Friday 19:30
    expect(outcome).toMatchObject({ ok: true, events: [], closed: { groupId: 'g', nextOpenAt: Date.UTC(2026, 10, 30, 11, 0, 0) } });
    expect(h.router.state.interactions.size).toBe(0);
    expect(h.router.state.groups.get('g')!.stats[0]!.waiting).toBe(0);
    expect(h.agent('a').offers).toEqual([]);
  });

  it('on the eve of a holiday skips the holiday to the next working day', () => {
    // Thursday 2026-11-19 evening; Friday 2026-11-20 (Consciência Negra) is a holiday.
    const { outcome } = enqueueAt(sp(2026, 11, 19, 20), ['2026-11-20']);
    expect(outcome).toMatchObject({ ok: true, closed: { nextOpenAt: Date.UTC(2026, 10, 23, 11, 0, 0) } });
  });

  it('on a holiday during normal hours is closed until the next working day', () => {
    const { h, outcome } = enqueueAt(sp(2026, 12, 25, 10), ['2026-12-25']); // Christmas, a Friday
    expect(outcome).toMatchObject({ ok: true, events: [], closed: { nextOpenAt: Date.UTC(2026, 11, 28, 11, 0, 0) } });
    expect(h.state('s1')).toBeUndefined();
  });

  it('during the lunch break gives the afternoon opening of the same day', () => {
    const { outcome } = enqueueAt(sp(2026, 11, 24, 12, 30));
    expect(outcome).toMatchObject({ ok: true, closed: { nextOpenAt: sp(2026, 11, 24, 13) } });
  });

  it('before opening gives 08:00 of the same day', () => {
    const { outcome } = enqueueAt(sp(2026, 11, 24, 7, 59));
    expect(outcome).toMatchObject({ ok: true, closed: { nextOpenAt: sp(2026, 11, 24, 8) } });
  });

  it('at closing time exactly is closed (closing is exclusive)', () => {
    const { outcome } = enqueueAt(sp(2026, 11, 24, 18));
    expect(outcome).toMatchObject({ ok: true, closed: { nextOpenAt: sp(2026, 11, 25, 8) } });
  });
});

describe('enqueue inside business hours', () => {
  it('queues and offers the session as usual', () => {
    const { h, outcome } = enqueueAt(sp(2026, 11, 24, 17, 59));
    expect(outcome.ok && outcome.closed).toBe(undefined);
    expect(h.interaction('s1').agentId).toBe('a');
  });

  it('accepts sessions again once the group reopens', () => {
    const { h, outcome } = enqueueAt(sp(2026, 11, 27, 19, 30));
    expect(outcome.ok && outcome.closed).toBeTruthy();
    h.now = Date.UTC(2026, 10, 30, 11, 0, 0);
    const reopened = h.run({ type: 'enqueue', interaction: { id: 's1', channel: 'chat', groupId: 'g' } });
    expect(reopened.ok && reopened.closed).toBe(undefined);
    expect(h.state('s1')).toBe('offered');
  });

  it('is always possible for a group without hours', () => {
    const h = new Harness().setup([group('g')], [agent('a', ['g'])]);
    h.now = sp(2026, 11, 29, 3); // Sunday 03:00
    h.enqueue('s1', 'g');
    expect(h.state('s1')).toBe('offered');
  });
});

describe('openState', () => {
  it('tells until when an open group stays open', () => {
    expect(openState(weekdays(), sp(2026, 11, 24, 9))).toEqual({ open: true, until: sp(2026, 11, 24, 12) });
  });

  it('gives no next opening when the group never opens', () => {
    expect(openState({ timeZone: 'America/Sao_Paulo', weekly: [], holidays: [] }, sp(2026, 11, 24, 9))).toEqual({ open: false, nextOpenAt: undefined });
  });
});
