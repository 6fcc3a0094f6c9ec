// The board's memory of the last hour: one tick every few seconds with each queue row's waiting
// count and SLA counters. It feeds the 30-minute SLA column and the live chart; pure functions only.
import { addCounters, counterDelta, slaPercent, ZERO_COUNTERS, type SlaCounters } from './sla';

export interface TickRow extends SlaCounters {
  waiting: number;
}

export interface BoardTick {
  /** Server time of the figures, ms. */
  at: number;
  rows: Record<string, TickRow>;
}

export const HOUR_MS = 60 * 60 * 1000;
export const SLA_WINDOW_MS = 30 * 60 * 1000;

export const rowKey = (groupId: string, channel: string): string => `${groupId}|${channel}`;

/**
 * Appends a tick and drops ticks older than keepMs (keeping one at the cutoff so a full 30-minute
 * baseline survives pruning). Ticks stay at least minGapMs apart except the newest, which a burst
 * of updates keeps replacing: the history is sparse, the present always current.
 */
export function appendTick(ticks: readonly BoardTick[], tick: BoardTick, keepMs: number, minGapMs = 0): BoardTick[] {
  const out = ticks.filter((t) => t.at < tick.at);
  const last = out[out.length - 1];
  const previous = out[out.length - 2];
  if (last && previous && last.at - previous.at < minGapMs) out.pop();
  out.push(tick);
  const cutoff = tick.at - keepMs;
  let first = 0;
  while (first + 1 < out.length && out[first + 1]!.at <= cutoff) first++;
  return out.slice(first);
}

/** Index of the latest tick at or before `at`, or -1 when every tick is later. */
export function tickAtOrBefore(ticks: readonly BoardTick[], at: number): number {
  let lo = 0;
  let hi = ticks.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid]!.at <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface WindowSla {
  percent: number | null;
  counters: SlaCounters;
  /** Start of the window actually covered (later than asked when the board has not watched that long). */
  since: number;
  partial: boolean;
}

/**
 * SLA over the window ending at ticks[index], summed over the rows `include` accepts. A row absent
 * from the baseline started counting inside the window: all of its counts belong to it.
 */
export function windowSla(ticks: readonly BoardTick[], index: number, windowMs: number, include: (key: string) => boolean = () => true): WindowSla {
  const current = ticks[index];
  if (!current) return { percent: null, counters: ZERO_COUNTERS, since: 0, partial: true };
  const wanted = current.at - windowMs;
  const baseIndex = tickAtOrBefore(ticks, wanted);
  const baseline = ticks[baseIndex === -1 ? 0 : baseIndex]!;
  const partial = baseIndex === -1;
  let counters = ZERO_COUNTERS;
  for (const [key, row] of Object.entries(current.rows)) {
    if (!include(key)) continue;
    counters = addCounters(counters, counterDelta(row, baseline === current ? undefined : baseline.rows[key]));
  }
  // With a single tick there is no interval: nothing is known about the window yet.
  if (baseline === current) return { percent: null, counters: ZERO_COUNTERS, since: current.at, partial: true };
  return { percent: slaPercent(counters), counters, since: partial ? baseline.at : wanted, partial };
}

/** Total waiting in one tick over the rows `include` accepts. */
export function waitingAt(tick: BoardTick, include: (key: string) => boolean = () => true): number {
  let total = 0;
  for (const [key, row] of Object.entries(tick.rows)) if (include(key)) total += row.waiting;
  return total;
}

/** uPlot's aligned data: x in seconds, waiting sessions, 30-minute SLA % (null while unknown). */
export function chartSeries(ticks: readonly BoardTick[], since: number, include: (key: string) => boolean = () => true): [number[], number[], (number | null)[]] {
  const xs: number[] = [];
  const waiting: number[] = [];
  const sla: (number | null)[] = [];
  ticks.forEach((tick, i) => {
    if (tick.at < since) return;
    xs.push(tick.at / 1000);
    waiting.push(waitingAt(tick, include));
    sla.push(windowSla(ticks, i, SLA_WINDOW_MS, include).percent);
  });
  return [xs, waiting, sla];
}
