import { describe, expect, it } from 'vitest';
import type { QueueRow } from '$lib/api/types';
import { boardRows, boardTotals } from '$lib/board/figures';
import type { BoardTick } from '$lib/board/history';

const MIN = 60_000;
const queue = (over: Partial<QueueRow>): QueueRow => ({
  groupId: 'ipva-n1',
  channel: 'chat',
  waiting: 0,
  longestWaitSeconds: 0,
  slaPercent: null,
  answered: 0,
  answeredWithinSla: 0,
  abandoned: 0,
  handled: 0,
  averageWaitSeconds: null,
  averageHandleSeconds: null,
  agents: { available: 1, busy: 0, paused: 0, offline: 0 },
  ...over,
});
const groups = new Map([
  ['ipva-n1', { name: 'IPVA — Pagamento', level: 1 as const, slaSeconds: 60 }],
  ['itcd-n1', { name: 'ITCD — Protocolo', level: 1 as const, slaSeconds: 120 }],
]);

describe('boardRows', () => {
  it('names rows by group, ticks the longest wait on and sorts by group name', () => {
    const rows = boardRows([queue({ groupId: 'itcd-n1' }), queue({ waiting: 2, longestWaitSeconds: 20 })], {
      ticks: [],
      measuredAt: 10 * MIN,
      serverNow: 10 * MIN + 5000,
      groups,
      targetPercent: 80,
    });
    expect(rows.map((r) => r.groupName)).toEqual(['IPVA — Pagamento', 'ITCD — Protocolo']);
    expect(rows[0]!.longestWaitSeconds).toBe(25);
    expect(rows[0]!.below).toBe(false);
  });

  it('flags a row whose oldest session waits past the group target', () => {
    const [row] = boardRows([queue({ waiting: 1, longestWaitSeconds: 58 })], { ticks: [], measuredAt: 0, serverNow: 3000, groups, targetPercent: 80 });
    expect(row!.longestWaitSeconds).toBe(61);
    expect(row!.below).toBe(true);
  });

  it('takes the 30-minute SLA from the ticks, or from the server when it sends one', () => {
    const ticks: BoardTick[] = [
      { at: 0, rows: { 'ipva-n1|chat': { waiting: 0, answered: 0, answeredWithinSla: 0, abandoned: 0 } } },
      { at: 40 * MIN, rows: { 'ipva-n1|chat': { waiting: 0, answered: 4, answeredWithinSla: 2, abandoned: 0 } } },
    ];
    const inputs = { ticks, measuredAt: 40 * MIN, serverNow: 40 * MIN, groups, targetPercent: 80 };
    const [fromTicks] = boardRows([queue({ slaPercent: 90 })], inputs);
    expect(fromTicks!.sla30m).toBe(50);
    expect(fromTicks!.below).toBe(true);
    const [fromServer] = boardRows([queue({ slaPercent: 90, slaPercent30m: 85 })], inputs);
    expect(fromServer!.sla30m).toBe(85);
    expect(fromServer!.below).toBe(false);
  });

  it('shows the group id when the group is not known yet', () => {
    const [row] = boardRows([queue({ groupId: 'novo' })], { ticks: [], measuredAt: 0, serverNow: 0, groups, targetPercent: 80 });
    expect(row!.groupName).toBe('novo');
    expect(row!.slaSeconds).toBe(0);
  });
});

describe('boardTotals', () => {
  it('sums counts, takes the longest wait and weights the averages', () => {
    const queues = [
      queue({ waiting: 2, longestWaitSeconds: 10, slaPercent: 100, answered: 4, answeredWithinSla: 4, handled: 4, abandoned: 0, averageWaitSeconds: 10, averageHandleSeconds: 100 }),
      queue({ channel: 'phone', waiting: 1, longestWaitSeconds: 50, slaPercent: 0, answered: 1, answeredWithinSla: 0, handled: 1, abandoned: 1, averageWaitSeconds: 60, averageHandleSeconds: 300 }),
    ];
    const rows = boardRows(queues, { ticks: [], measuredAt: 0, serverNow: 0, groups, targetPercent: 80 });
    const totals = boardTotals(rows, queues, []);
    expect(totals.waiting).toBe(3);
    expect(totals.longestWaitSeconds).toBe(50);
    expect(totals.handled).toBe(5);
    expect(totals.abandoned).toBe(1);
    expect(totals.slaToday).toBe(66.7);
    expect(totals.averageWaitSeconds).toBe(20);
    expect(totals.averageHandleSeconds).toBe(140);
    expect(totals.belowCount).toBe(1);
  });

  it('covers only the rows shown', () => {
    const queues = [queue({ waiting: 2 }), queue({ groupId: 'itcd-n1', waiting: 7 })];
    const rows = boardRows([queues[0]!], { ticks: [], measuredAt: 0, serverNow: 0, groups, targetPercent: 80 });
    expect(boardTotals(rows, queues, []).waiting).toBe(2);
  });
});
