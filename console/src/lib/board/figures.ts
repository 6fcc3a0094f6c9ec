// The rows and totals the supervisor board shows, derived from the server's queue figures, the
// board's tick history and the groups' targets. Pure: the page only renders what this returns.
import type { Channel, Group, QueueRow } from '../api/types';
import { rowKey, SLA_WINDOW_MS, windowSla, type BoardTick } from './history';
import { addCounters, belowTarget, liveLongestWait, rowCounters, slaPercent, weightedAverage, ZERO_COUNTERS } from './sla';

export interface BoardRow {
  key: string;
  groupId: string;
  groupName: string;
  level: number | undefined;
  channel: Channel;
  waiting: number;
  longestWaitSeconds: number;
  slaToday: number | null;
  sla30m: number | null;
  /** The 30-minute figure covers less than 30 minutes (the board has not watched that long). */
  sla30mPartial: boolean;
  abandoned: number;
  handled: number;
  averageWaitSeconds: number | null;
  averageHandleSeconds: number | null;
  agents: QueueRow['agents'];
  slaSeconds: number;
  below: boolean;
}

export interface BoardInputs {
  ticks: readonly BoardTick[];
  /** Server time of the queue figures, ms. */
  measuredAt: number;
  /** Server time now, ms (the browser's clock plus the skew). */
  serverNow: number;
  groups: ReadonlyMap<string, Pick<Group, 'name' | 'level' | 'slaSeconds'>>;
  targetPercent: number;
}

export function boardRows(queues: readonly QueueRow[], inputs: BoardInputs): BoardRow[] {
  const last = inputs.ticks.length - 1;
  return queues
    .map((q) => {
      const key = rowKey(q.groupId, q.channel);
      const group = inputs.groups.get(q.groupId);
      const window = q.slaPercent30m !== undefined ? undefined : windowSla(inputs.ticks, last, SLA_WINDOW_MS, (k) => k === key);
      const sla30m = q.slaPercent30m !== undefined ? q.slaPercent30m : window!.percent;
      const longest = liveLongestWait(q, inputs.measuredAt, inputs.serverNow);
      const slaSeconds = group?.slaSeconds ?? 0;
      return {
        key,
        groupId: q.groupId,
        groupName: group?.name ?? q.groupId,
        level: group?.level,
        channel: q.channel,
        waiting: q.waiting,
        longestWaitSeconds: longest,
        slaToday: q.slaPercent,
        sla30m,
        sla30mPartial: window?.partial ?? false,
        abandoned: q.abandoned,
        handled: q.handled,
        averageWaitSeconds: q.averageWaitSeconds ?? null,
        averageHandleSeconds: q.averageHandleSeconds ?? null,
        agents: q.agents,
        slaSeconds,
        below: belowTarget({ slaToday: q.slaPercent, sla30m, longestWaitSeconds: longest, waiting: q.waiting }, { targetPercent: inputs.targetPercent, slaSeconds }),
      };
    })
    .sort((a, b) => a.groupName.localeCompare(b.groupName, 'pt-BR') || a.channel.localeCompare(b.channel));
}

export interface BoardTotals {
  waiting: number;
  longestWaitSeconds: number;
  slaToday: number | null;
  sla30m: number | null;
  abandoned: number;
  handled: number;
  averageWaitSeconds: number | null;
  averageHandleSeconds: number | null;
  belowCount: number;
}

/** Totals over the rows shown (the filter applies): SLA from summed counters, averages weighted. */
export function boardTotals(rows: readonly BoardRow[], queues: readonly QueueRow[], ticks: readonly BoardTick[]): BoardTotals {
  const shown = new Set(rows.map((r) => r.key));
  const included = queues.filter((q) => shown.has(rowKey(q.groupId, q.channel)));
  let today = ZERO_COUNTERS;
  for (const q of included) today = addCounters(today, rowCounters(q));
  const serverWindow = included.every((q) => q.slaPercent30m !== undefined) && included.length > 0;
  return {
    waiting: rows.reduce((s, r) => s + r.waiting, 0),
    longestWaitSeconds: rows.reduce((m, r) => Math.max(m, r.longestWaitSeconds), 0),
    slaToday: slaPercent(today),
    sla30m: serverWindow
      ? weightedAverage(included.map((q) => ({ value: q.slaPercent30m, weight: 1 })))
      : windowSla(ticks, ticks.length - 1, SLA_WINDOW_MS, (k) => shown.has(k)).percent,
    abandoned: rows.reduce((s, r) => s + r.abandoned, 0),
    handled: rows.reduce((s, r) => s + r.handled, 0),
    averageWaitSeconds: weightedAverage(included.map((q) => ({ value: q.averageWaitSeconds, weight: rowCounters(q).answered }))),
    averageHandleSeconds: weightedAverage(included.map((q) => ({ value: q.averageHandleSeconds, weight: q.handled }))),
    belowCount: rows.filter((r) => r.below).length,
  };
}
