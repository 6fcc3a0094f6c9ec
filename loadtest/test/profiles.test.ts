import { describe, expect, it } from 'vitest';
import { optionsFor } from '../lib/options.js';
import { arrivalSeconds as k6ArrivalSeconds, connectedSeconds as k6ConnectedSeconds, stepAt } from '../lib/schedule.js';
import { arrivalSeconds, connectedSeconds, PROFILES, PROFILE_NAMES, withOverrides } from '../src/profiles.js';

const mean = ([min, max]: [number, number]) => (min + max) / 2;

describe('profiles', () => {
  it('keeps smoke within a minute', () => {
    expect(connectedSeconds(PROFILES.smoke)).toBeLessThanOrEqual(60);
  });

  it('gives standard the issue figures: 2,000 agents, 200 sessions/s, 100 boards, 5 minutes', () => {
    const p = PROFILES.standard;
    expect([p.agents, p.boards]).toEqual([2_000, 100]);
    expect(p.arrival).toEqual({ kind: 'constant', ratePerSecond: 200, durationSeconds: 300 });
  });

  it.each(PROFILE_NAMES)('%s has the agents to carry its peak rate below 80 % occupancy', (name) => {
    const p = PROFILES[name];
    const peak = p.arrival.kind === 'constant' ? p.arrival.ratePerSecond : Math.max(...p.arrival.ratesPerSecond);
    const busy = (peak * (mean(p.thinkMs) + mean(p.handleMs))) / 1000;
    // Stress may pass the agents' capacity at its last steps only if the knee comes first; keep it roomy anyway.
    expect(busy / p.agents).toBeLessThan(name === 'stress' ? 0.6 : 0.8);
    expect(Math.max(...p.thinkMs)).toBeLessThan(p.offerTimeoutSeconds * 1000);
  });

  it('agrees with the k6 side on durations', () => {
    for (const name of PROFILE_NAMES) {
      expect(k6ArrivalSeconds(PROFILES[name].arrival)).toBe(arrivalSeconds(PROFILES[name].arrival));
      expect(k6ConnectedSeconds(PROFILES[name])).toBe(connectedSeconds(PROFILES[name]));
    }
  });
});

describe('k6 side', () => {
  it('tags a moment with its step only during the hold, not the ramp', () => {
    const arrival = { kind: 'steps' as const, ratesPerSecond: [50, 100], rampSeconds: 2, holdSeconds: 10 };
    expect(stepAt(arrival, 1_000)).toBeUndefined();
    expect(stepAt(arrival, 2_000)).toBe(50);
    expect(stepAt(arrival, 11_999)).toBe(50);
    expect(stepAt(arrival, 13_000)).toBeUndefined();
    expect(stepAt(arrival, 14_500)).toBe(100);
    expect(stepAt(arrival, 24_000)).toBeUndefined();
    expect(stepAt({ kind: 'constant', ratePerSecond: 5, durationSeconds: 10 }, 3_000)).toBeUndefined();
  });

  it('builds the scenarios and gates offer latency, checks and lost sessions', () => {
    const options = optionsFor(PROFILES.standard);
    expect(options.scenarios.agents).toMatchObject({ executor: 'per-vu-iterations', vus: 40, iterations: 1 });
    expect(options.scenarios.supervisors).toMatchObject({ vus: 100 });
    // The API's share of the 200/s (the channels take the rest: test/mix.test.ts).
    expect(options.scenarios.citizens).toMatchObject({ executor: 'constant-arrival-rate', rate: 140, duration: '300s', startTime: '15s', preAllocatedVUs: 200 });
    expect(options.thresholds).toMatchObject({ offer_latency: ['p(95)<50', 'p(99)<100'], checks: ['rate==1'], sessions_lost: ['count==0'] });
  });

  it('ramps stress step by step and names one sub-metric per step', () => {
    const options = optionsFor(PROFILES.stress);
    const citizens = options.scenarios.citizens;
    expect(citizens.executor).toBe('ramping-arrival-rate');
    expect(citizens.stages).toHaveLength(2 * (PROFILES.stress.arrival as { ratesPerSecond: number[] }).ratesPerSecond.length);
    expect(options.thresholds['offer_latency{step:200}']).toEqual(['p(99)<100']);
    expect(options.thresholds.offer_latency).toBeUndefined();
  });
});

describe('withOverrides', () => {
  it('returns the profile itself when there is nothing to override', () => {
    expect(withOverrides(PROFILES.smoke, undefined)).toBe(PROFILES.smoke);
    expect(withOverrides(PROFILES.smoke, ' ')).toBe(PROFILES.smoke);
  });

  it('replaces the fields given and keeps the name', () => {
    const p = withOverrides(PROFILES.standard, '{"boards": 0, "name": "other"}');
    expect(p).toMatchObject({ name: 'standard', boards: 0, agents: 2_000 });
  });

  it('refuses unknown fields and non-objects', () => {
    expect(() => withOverrides(PROFILES.smoke, '{"agnets": 3}')).toThrow(/unknown profile field\(s\) agnets/);
    expect(() => withOverrides(PROFILES.smoke, '[1]')).toThrow(/JSON object/);
  });
});
