import { describe, expect, it } from 'vitest';
import { findKnee, type StepFigures } from '../src/summary/knee.js';

const step = (ratePerSecond: number, p99: number | null): StepFigures => ({
  ratePerSecond,
  sessions: 100,
  achievedRatePerSecond: ratePerSecond,
  offerLatencyP95Ms: p99,
  offerLatencyP99Ms: p99,
});

describe('findKnee', () => {
  it('is the last step within the limit before the first past it', () => {
    expect(findKnee([step(50, 10), step(100, 99.9), step(150, 101), step(200, 50)], 100)).toEqual({
      ratePerSecond: 100,
      p99Ms: 99.9,
      firstOverRatePerSecond: 150,
      firstOverP99Ms: 101,
      limitMs: 100,
      reached: true,
    });
  });

  it('has no rate when the first step already passes the limit', () => {
    expect(findKnee([step(50, 300)], 100)).toMatchObject({ ratePerSecond: null, firstOverRatePerSecond: 50, reached: true });
  });

  it('stops at steps with no measurement (aborted before them)', () => {
    expect(findKnee([step(50, 10), step(100, null), step(150, 500)], 100)).toMatchObject({ ratePerSecond: 50, reached: false });
  });

  it('counts a p99 equal to the limit as within it', () => {
    expect(findKnee([step(50, 100)], 100)).toMatchObject({ ratePerSecond: 50, reached: false });
  });
});
