import { describe, expect, it } from 'vitest';
import { belowTarget, counterDelta, liveLongestWait, rowCounters, slaPercent, weightedAverage } from '$lib/board/sla';

describe('slaPercent', () => {
  it('is the share answered within target among sessions that left the queue, abandonments included', () => {
    expect(slaPercent({ answered: 8, answeredWithinSla: 6, abandoned: 2 })).toBe(60);
    expect(slaPercent({ answered: 3, answeredWithinSla: 3, abandoned: 0 })).toBe(100);
  });

  it('keeps one decimal, like the server', () => {
    expect(slaPercent({ answered: 3, answeredWithinSla: 2, abandoned: 0 })).toBe(66.7);
  });

  it('is unknown (null) before any session left the queue', () => {
    expect(slaPercent({ answered: 0, answeredWithinSla: 0, abandoned: 0 })).toBeNull();
  });

  it('never counts more within target than answered', () => {
    expect(slaPercent({ answered: 2, answeredWithinSla: 5, abandoned: 0 })).toBe(100);
  });
});

describe('counterDelta', () => {
  it('subtracts the earlier sample of the day counters', () => {
    expect(counterDelta({ answered: 10, answeredWithinSla: 7, abandoned: 3 }, { answered: 4, answeredWithinSla: 4, abandoned: 1 })).toEqual({
      answered: 6,
      answeredWithinSla: 3,
      abandoned: 2,
    });
  });

  it('takes the current counters when there is no earlier sample', () => {
    expect(counterDelta({ answered: 2, answeredWithinSla: 1, abandoned: 0 }, undefined)).toEqual({ answered: 2, answeredWithinSla: 1, abandoned: 0 });
  });

  it('takes the current counters when a counter went down (the day rolled over)', () => {
    expect(counterDelta({ answered: 1, answeredWithinSla: 1, abandoned: 0 }, { answered: 50, answeredWithinSla: 40, abandoned: 3 })).toEqual({
      answered: 1,
      answeredWithinSla: 1,
      abandoned: 0,
    });
  });
});

describe('rowCounters', () => {
  it('uses the raw counts when the server sends them', () => {
    expect(rowCounters({ answered: 9, answeredWithinSla: 8, abandoned: 1, handled: 7, slaPercent: 80 })).toEqual({ answered: 9, answeredWithinSla: 8, abandoned: 1 });
  });

  it('approximates them from the percentage and handled count otherwise', () => {
    expect(rowCounters({ abandoned: 2, handled: 8, slaPercent: 70 })).toEqual({ answered: 8, answeredWithinSla: 7, abandoned: 2 });
    expect(rowCounters({ abandoned: 0, handled: 0, slaPercent: null })).toEqual({ answered: 0, answeredWithinSla: 0, abandoned: 0 });
  });
});

describe('weightedAverage', () => {
  it('weights each average by how many sessions it covers', () => {
    expect(weightedAverage([{ value: 10, weight: 1 }, { value: 40, weight: 3 }])).toBe(32.5);
  });

  it('ignores missing averages and empty rows, and is null with nothing left', () => {
    expect(weightedAverage([{ value: null, weight: 5 }, { value: 20, weight: 0 }, { value: 30, weight: 2 }])).toBe(30);
    expect(weightedAverage([{ value: null, weight: 5 }])).toBeNull();
    expect(weightedAverage([])).toBeNull();
  });
});

describe('belowTarget', () => {
  const target = { targetPercent: 80, slaSeconds: 60 };
  const ok = { slaToday: 95, sla30m: 90, longestWaitSeconds: 10, waiting: 1 };

  it('is false when SLA meets the goal and nobody waits past the time target', () => {
    expect(belowTarget(ok, target)).toBe(false);
  });

  it('is true when the 30-minute SLA misses the goal', () => {
    expect(belowTarget({ ...ok, sla30m: 79.9 }, target)).toBe(true);
  });

  it('judges by the day when there is no 30-minute figure yet', () => {
    expect(belowTarget({ ...ok, sla30m: null, slaToday: 70 }, target)).toBe(true);
    expect(belowTarget({ ...ok, sla30m: 85, slaToday: 70 }, target)).toBe(false);
  });

  it('is true when someone already waits longer than the group allows', () => {
    expect(belowTarget({ ...ok, longestWaitSeconds: 61 }, target)).toBe(true);
    expect(belowTarget({ ...ok, longestWaitSeconds: 61, waiting: 0 }, target)).toBe(false);
  });
});

describe('liveLongestWait', () => {
  it('advances the server figure by the time since it was measured', () => {
    expect(liveLongestWait({ waiting: 2, longestWaitSeconds: 30 }, 1_000_000, 1_004_500)).toBe(34);
  });

  it('is zero when nobody waits, and never goes back', () => {
    expect(liveLongestWait({ waiting: 0, longestWaitSeconds: 30 }, 1_000_000, 1_010_000)).toBe(0);
    expect(liveLongestWait({ waiting: 1, longestWaitSeconds: 30 }, 1_000_000, 990_000)).toBe(30);
  });
});
