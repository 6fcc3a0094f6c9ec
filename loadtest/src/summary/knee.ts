// The knee of a stepped run: per step (arrival rate held), the sessions created and the offer
// latency; the knee is the last step whose p99 stays within the limit before the first that passes it.
import type { Arrival } from '../profiles.js';
import { subMetrics, type K6SummaryExport } from './k6-export.js';

export interface StepFigures {
  ratePerSecond: number;
  sessions: number;
  achievedRatePerSecond: number;
  offerLatencyP95Ms: number | null;
  offerLatencyP99Ms: number | null;
}

export interface Knee {
  /** Highest step rate within the limit before the first step past it; null if even the first step passed it. */
  ratePerSecond: number | null;
  p99Ms: number | null;
  /** The first step whose p99 passed the limit; null when none did (the knee lies beyond the ramp). */
  firstOverRatePerSecond: number | null;
  firstOverP99Ms: number | null;
  limitMs: number;
  reached: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function stepFigures(summary: K6SummaryExport | undefined, arrival: Arrival): StepFigures[] {
  if (arrival.kind !== 'steps') return [];
  const latency = subMetrics(summary, 'offer_latency', 'step');
  const created = subMetrics(summary, 'sessions_created', 'step');
  return arrival.ratesPerSecond.map((rate) => {
    const l = latency.get(String(rate));
    const sessions = num(created.get(String(rate))?.count) ?? 0;
    return {
      ratePerSecond: rate,
      sessions,
      achievedRatePerSecond: Math.round((sessions / arrival.holdSeconds) * 10) / 10,
      offerLatencyP95Ms: num(l?.['p(95)']),
      offerLatencyP99Ms: num(l?.['p(99)']),
    };
  });
}

/** Steps with no offers measured (not reached, or aborted before them) end the search. */
export function findKnee(steps: readonly StepFigures[], limitMs: number): Knee {
  let within: StepFigures | undefined;
  for (const step of steps) {
    if (step.offerLatencyP99Ms === null) break;
    if (step.offerLatencyP99Ms > limitMs) {
      return {
        ratePerSecond: within?.ratePerSecond ?? null,
        p99Ms: within?.offerLatencyP99Ms ?? null,
        firstOverRatePerSecond: step.ratePerSecond,
        firstOverP99Ms: step.offerLatencyP99Ms,
        limitMs,
        reached: true,
      };
    }
    within = step;
  }
  return { ratePerSecond: within?.ratePerSecond ?? null, p99Ms: within?.offerLatencyP99Ms ?? null, firstOverRatePerSecond: null, firstOverP99Ms: null, limitMs, reached: false };
}
