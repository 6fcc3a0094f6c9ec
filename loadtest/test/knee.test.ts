import { describe, expect, it } from 'vitest';
import { findKnee, stepFigures, type StepFigures } from '../src/summary/knee.js';

const step = (ratePerSecond: number, p99: number | null): StepFigures => ({
  ratePerSecond,
  sessions: 100,
  achievedRatePerSecond: ratePerSecond,
  offerLatencyP95Ms: p99,
  offerLatencyP99Ms: p99,
});

describe('findKnee', () => {
  it('is the last step within the limit before the first past it', () => {
    expect(findKnee([step(50, 10), step(100, 99.9), step(150, 101), step(200, 500)], 100)).toEqual({
      ratePerSecond: 100,
      p99Ms: 99.9,
      firstOverRatePerSecond: 150,
      firstOverP99Ms: 101,
      transientOverRatesPerSecond: [],
      limitMs: 100,
      reached: true,
    });
  });

  it('looks past a step that crossed for a moment when a later one held again', () => {
    expect(findKnee([step(10, 300), step(20, 40), step(30, 150), step(40, 60), step(50, 400), step(60, 900)], 100)).toMatchObject({
      ratePerSecond: 40,
      firstOverRatePerSecond: 50,
      transientOverRatesPerSecond: [10, 30],
      reached: true,
    });
  });

  it('has no rate when every measured step is past the limit', () => {
    expect(findKnee([step(50, 300), step(100, 400)], 100)).toMatchObject({ ratePerSecond: null, firstOverRatePerSecond: 50, reached: true });
  });

  it('stops at steps with no measurement (the test stopped before them)', () => {
    expect(findKnee([step(50, 10), step(100, null), step(150, 500)], 100)).toMatchObject({ ratePerSecond: 50, reached: false });
  });

  it('counts a p99 equal to the limit as within it', () => {
    expect(findKnee([step(50, 100)], 100)).toMatchObject({ ratePerSecond: 50, reached: false });
  });
});

describe('stepFigures', () => {
  it('reads the per-step sub-metrics and treats an empty one (exported as zeros) as unmeasured', () => {
    const arrival = { kind: 'steps' as const, ratesPerSecond: [10, 20], rampSeconds: 3, holdSeconds: 20 };
    const summary = {
      metrics: {
        'offer_latency{step:10}': { 'p(95)': 239.77395, 'p(99)': 612.2329, count: 199 },
        'sessions_created{step:10}': { count: 199 },
        'offer_latency{step:20}': { 'p(95)': 0, 'p(99)': 0, count: 0 },
        'sessions_created{step:20}': { count: 0 },
      },
    };
    expect(stepFigures(summary, arrival)).toEqual([
      { ratePerSecond: 10, sessions: 199, achievedRatePerSecond: 10, offerLatencyP95Ms: 239.8, offerLatencyP99Ms: 612.2 },
      { ratePerSecond: 20, sessions: 0, achievedRatePerSecond: 0, offerLatencyP95Ms: null, offerLatencyP99Ms: null },
    ]);
  });
});
