// The knee of a stepped run: per step (arrival rate held), the sessions created and the offer
// latency. The knee is the last step within the p99 limit before the crossing that lasts: on a
// shared machine one early step can pass the limit for a moment and the next ones hold again.
import type { Arrival } from '../profiles.js';
import { subMetrics, type K6SummaryExport } from './k6-export.js';

export interface StepFigures {
  ratePerSecond: number;
  sessions: number;
  achievedRatePerSecond: number;
  /** Null when no offer of this step was measured (not reached, or the test stopped before). */
  offerLatencyP95Ms: number | null;
  offerLatencyP99Ms: number | null;
}

export interface Knee {
  /** Highest step within the limit before the lasting crossing; null if the crossing starts at the first step. */
  ratePerSecond: number | null;
  p99Ms: number | null;
  /** The first step of the lasting crossing; null when the measured steps end within the limit. */
  firstOverRatePerSecond: number | null;
  firstOverP99Ms: number | null;
  /** Earlier steps that passed the limit while a later one held again. */
  transientOverRatesPerSecond: number[];
  limitMs: number;
  reached: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export function stepFigures(summary: K6SummaryExport | undefined, arrival: Arrival): StepFigures[] {
  if (arrival.kind !== 'steps') return [];
  const latency = subMetrics(summary, 'offer_latency', 'step');
  const created = subMetrics(summary, 'sessions_created', 'step');
  return arrival.ratesPerSecond.map((rate) => {
    const l = latency.get(String(rate));
    // k6 exports a sub-metric without samples as zeros: no samples is no measurement.
    const measured = (num(l?.count) ?? 0) > 0;
    const sessions = num(created.get(String(rate))?.count) ?? 0;
    return {
      ratePerSecond: rate,
      sessions,
      achievedRatePerSecond: Math.round((sessions / arrival.holdSeconds) * 10) / 10,
      offerLatencyP95Ms: measured ? round1(num(l?.['p(95)'])) : null,
      offerLatencyP99Ms: measured ? round1(num(l?.['p(99)'])) : null,
    };
  });
}

export function findKnee(steps: readonly StepFigures[], limitMs: number): Knee {
  const measured: StepFigures[] = [];
  for (const step of steps) {
    if (step.offerLatencyP99Ms === null) break;
    measured.push(step);
  }
  const over = (s: StepFigures) => s.offerLatencyP99Ms! > limitMs;
  // The lasting crossing starts after the last step within the limit.
  let lastWithin = -1;
  measured.forEach((s, i) => {
    if (!over(s)) lastWithin = i;
  });
  const within = lastWithin >= 0 ? measured[lastWithin] : undefined;
  const firstOver = measured[lastWithin + 1];
  return {
    ratePerSecond: within?.ratePerSecond ?? null,
    p99Ms: within?.offerLatencyP99Ms ?? null,
    firstOverRatePerSecond: firstOver?.ratePerSecond ?? null,
    firstOverP99Ms: firstOver?.offerLatencyP99Ms ?? null,
    transientOverRatesPerSecond: measured.slice(0, Math.max(0, lastWithin)).filter(over).map((s) => s.ratePerSecond),
    limitMs,
    reached: firstOver !== undefined,
  };
}
