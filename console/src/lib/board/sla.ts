// SLA math of the supervisor board. SLA % is the share of sessions answered within the group's
// target among those that left the queue (answered + abandoned), the server's definition; the
// 30-minute figure is the same ratio over the difference of two samples of today's counters.

export interface SlaCounters {
  answered: number;
  answeredWithinSla: number;
  abandoned: number;
}

export const ZERO_COUNTERS: SlaCounters = { answered: 0, answeredWithinSla: 0, abandoned: 0 };

/** Percentage with one decimal, or null when no session has left the queue yet. */
export function slaPercent(c: SlaCounters): number | null {
  const closedOut = c.answered + c.abandoned;
  if (closedOut <= 0) return null;
  return Math.round((1000 * Math.min(c.answeredWithinSla, c.answered)) / closedOut) / 10;
}

export function addCounters(a: SlaCounters, b: SlaCounters): SlaCounters {
  return { answered: a.answered + b.answered, answeredWithinSla: a.answeredWithinSla + b.answeredWithinSla, abandoned: a.abandoned + b.abandoned };
}

/**
 * What happened between two samples of the day's cumulative counters. A counter that went down
 * means the day rolled over (or the server forgot its figures) in between: everything counted
 * since then is the current value.
 */
export function counterDelta(current: SlaCounters, earlier: SlaCounters | undefined): SlaCounters {
  if (!earlier) return current;
  const reset =
    current.answered < earlier.answered || current.answeredWithinSla < earlier.answeredWithinSla || current.abandoned < earlier.abandoned;
  if (reset) return current;
  return {
    answered: current.answered - earlier.answered,
    answeredWithinSla: current.answeredWithinSla - earlier.answeredWithinSla,
    abandoned: current.abandoned - earlier.abandoned,
  };
}

/**
 * Today's counters of a queue row. Servers that only send slaPercent (no raw counts) are
 * approximated from it and `handled`, so old servers still feed the 30-minute window.
 */
export function rowCounters(row: { answered?: number; answeredWithinSla?: number; abandoned: number; handled: number; slaPercent: number | null }): SlaCounters {
  if (row.answered !== undefined && row.answeredWithinSla !== undefined) {
    return { answered: row.answered, answeredWithinSla: row.answeredWithinSla, abandoned: row.abandoned };
  }
  const answered = row.handled;
  const closedOut = answered + row.abandoned;
  const within = row.slaPercent === null ? answered : Math.round((row.slaPercent / 100) * closedOut);
  return { answered, answeredWithinSla: Math.min(answered, within), abandoned: row.abandoned };
}

/** Averages over several rows, each weighted by how many sessions it averages (TME by answered, TMA by handled). */
export function weightedAverage(parts: { value: number | null | undefined; weight: number }[]): number | null {
  let sum = 0;
  let weight = 0;
  for (const p of parts) {
    if (p.value === null || p.value === undefined || !Number.isFinite(p.value) || p.weight <= 0) continue;
    sum += p.value * p.weight;
    weight += p.weight;
  }
  return weight === 0 ? null : sum / weight;
}

export interface TargetCheck {
  /** SLA % goal of the operation (80 by default: 80 % answered within the group's time target). */
  targetPercent: number;
  /** The group's time target, seconds. */
  slaSeconds: number;
}

/** A row is below target when an SLA figure misses the goal or someone already waits past the time target. */
export function belowTarget(figures: { slaToday: number | null; sla30m: number | null; longestWaitSeconds: number; waiting: number }, target: TargetCheck): boolean {
  if (figures.sla30m !== null && figures.sla30m < target.targetPercent) return true;
  if (figures.sla30m === null && figures.slaToday !== null && figures.slaToday < target.targetPercent) return true;
  return figures.waiting > 0 && target.slaSeconds > 0 && figures.longestWaitSeconds > target.slaSeconds;
}

/** The longest wait now, advanced from the figure the server measured at `measuredAt` (server clock). */
export function liveLongestWait(row: { waiting: number; longestWaitSeconds: number }, measuredAt: number, serverNow: number): number {
  if (row.waiting <= 0) return 0;
  return row.longestWaitSeconds + Math.max(0, Math.floor((serverNow - measuredAt) / 1000));
}
