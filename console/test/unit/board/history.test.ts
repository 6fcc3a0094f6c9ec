import { describe, expect, it } from 'vitest';
import { appendTick, chartSeries, rowKey, SLA_WINDOW_MS, tickAtOrBefore, waitingAt, windowSla, type BoardTick, type TickRow } from '$lib/board/history';

const MIN = 60_000;
const row = (answered: number, answeredWithinSla: number, abandoned = 0, waiting = 0): TickRow => ({ answered, answeredWithinSla, abandoned, waiting });
const tick = (minute: number, rows: Record<string, TickRow>): BoardTick => ({ at: minute * MIN, rows });

describe('appendTick', () => {
  it('keeps ticks in time order and drops the ones older than the window, but one baseline', () => {
    let ticks: BoardTick[] = [];
    for (let m = 0; m <= 100; m += 10) ticks = appendTick(ticks, tick(m, {}), 60 * MIN);
    expect(ticks.map((t) => t.at / MIN)).toEqual([40, 50, 60, 70, 80, 90, 100]);
  });

  it('keeps ticks a minimum gap apart, the newest being replaced by a burst of updates', () => {
    let ticks: BoardTick[] = [];
    for (const at of [0, 1000, 2000, 6000, 7000, 8000]) ticks = appendTick(ticks, { at, rows: { a: row(at, 0) } }, 60 * MIN, 5000);
    expect(ticks.map((t) => t.at)).toEqual([0, 6000, 8000]);
  });

  it('never loses the first tick, the baseline of a freshly opened board', () => {
    let ticks = appendTick([], tick(0, { a: row(0, 0) }), 60 * MIN, 5000);
    ticks = appendTick(ticks, { at: 1000, rows: { a: row(1, 1) } }, 60 * MIN, 5000);
    ticks = appendTick(ticks, { at: 2000, rows: { a: row(2, 2) } }, 60 * MIN, 5000);
    expect(ticks.map((t) => t.at)).toEqual([0, 2000]);
    expect(windowSla(ticks, 1, SLA_WINDOW_MS).percent).toBe(100);
  });

  it('ignores ticks that arrive out of order by letting the newest win', () => {
    const ticks = appendTick([tick(5, {})], tick(3, {}), 60 * MIN);
    expect(ticks.map((t) => t.at / MIN)).toEqual([3]);
  });
});

describe('tickAtOrBefore', () => {
  const ticks = [tick(0, {}), tick(10, {}), tick(20, {})];
  it('finds the latest tick not after the instant', () => {
    expect(tickAtOrBefore(ticks, 15 * MIN)).toBe(1);
    expect(tickAtOrBefore(ticks, 20 * MIN)).toBe(2);
    expect(tickAtOrBefore(ticks, -1)).toBe(-1);
  });
});

describe('windowSla', () => {
  it('computes the SLA of what happened in the last 30 minutes only', () => {
    const ticks = [
      tick(0, { a: row(10, 2) }), // a bad morning
      tick(30, { a: row(20, 12) }), // baseline: 30 minutes before the last tick
      tick(60, { a: row(30, 22, 0) }), // since then: 10 answered, all within target
    ];
    const w = windowSla(ticks, 2, SLA_WINDOW_MS);
    expect(w.percent).toBe(100);
    expect(w.counters).toEqual({ answered: 10, answeredWithinSla: 10, abandoned: 0 });
    expect(w.partial).toBe(false);
    expect(w.since).toBe(30 * MIN);
  });

  it('counts abandonments in the window against the SLA', () => {
    const ticks = [tick(0, { a: row(0, 0, 0) }), tick(31, { a: row(3, 3, 1) })];
    expect(windowSla(ticks, 1, SLA_WINDOW_MS).percent).toBe(75);
  });

  it('covers only what the board saw when it has watched less than 30 minutes, and says so', () => {
    const ticks = [tick(0, { a: row(5, 5) }), tick(10, { a: row(7, 6) })];
    const w = windowSla(ticks, 1, SLA_WINDOW_MS);
    expect(w.percent).toBe(50);
    expect(w.partial).toBe(true);
    expect(w.since).toBe(0);
  });

  it('knows nothing from a single tick', () => {
    expect(windowSla([tick(0, { a: row(5, 5) })], 0, SLA_WINDOW_MS).percent).toBeNull();
  });

  it('sums only the rows asked for, and counts a row that appeared in the window in full', () => {
    const ticks = [tick(0, { a: row(0, 0) }), tick(40, { a: row(4, 4), b: row(4, 0) })];
    expect(windowSla(ticks, 1, SLA_WINDOW_MS).percent).toBe(50);
    expect(windowSla(ticks, 1, SLA_WINDOW_MS, (k) => k === 'a').percent).toBe(100);
    expect(windowSla(ticks, 1, SLA_WINDOW_MS, (k) => k === 'b').percent).toBe(0);
  });

  it('survives the day rolling over inside the window', () => {
    const ticks = [tick(0, { a: row(100, 90) }), tick(40, { a: row(2, 1) })];
    expect(windowSla(ticks, 1, SLA_WINDOW_MS).percent).toBe(50);
  });
});

describe('chartSeries', () => {
  it('gives uPlot aligned columns of time, waiting and 30-minute SLA from a start time on', () => {
    const ticks = [tick(0, { a: row(0, 0, 0, 3) }), tick(10, { a: row(2, 2, 0, 1), b: row(0, 0, 0, 2) }), tick(20, { a: row(4, 3, 0, 0) })];
    const [xs, waiting, sla] = chartSeries(ticks, 5 * MIN);
    expect(xs).toEqual([600, 1200]);
    expect(waiting).toEqual([3, 0]);
    expect(sla).toEqual([100, 75]);
  });

  it('applies the same row filter to both series', () => {
    const ticks = [tick(0, { a: row(0, 0, 0, 1), b: row(0, 0, 0, 5) })];
    expect(chartSeries(ticks, 0, (k) => k === 'b')[1]).toEqual([5]);
    expect(waitingAt(ticks[0]!)).toBe(6);
  });

  it('names rows by group and channel', () => {
    expect(rowKey('ipva-n1', 'chat')).toBe('ipva-n1|chat');
  });
});
