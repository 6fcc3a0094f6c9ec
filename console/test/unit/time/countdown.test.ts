import { describe, expect, it } from 'vitest';
import { clockSkew, countdownTone, remainingFraction, remainingSeconds } from '$lib/time/countdown';

const now = Date.parse('2026-03-10T12:00:00Z');

describe('remainingSeconds', () => {
  it('rounds up so the last second still shows 1', () => {
    expect(remainingSeconds('2026-03-10T12:00:15Z', now)).toBe(15);
    expect(remainingSeconds(now + 14_001, now)).toBe(15);
    expect(remainingSeconds(now + 1, now)).toBe(1);
  });

  it('is zero once the deadline passed or when it cannot be read', () => {
    expect(remainingSeconds(now, now)).toBe(0);
    expect(remainingSeconds(now - 5000, now)).toBe(0);
    expect(remainingSeconds('garbage', now)).toBe(0);
  });

  it('reads the deadline on the server clock when the browser clock is off', () => {
    // The server is 3 s ahead of this browser: 3 s of the offer are already gone.
    expect(remainingSeconds(now + 15_000, now, 3000)).toBe(12);
    // The browser is 2 s ahead of the server.
    expect(remainingSeconds(now + 15_000, now, -2000)).toBe(17);
  });
});

describe('remainingFraction', () => {
  it('goes from 1 at the start to 0 at the deadline', () => {
    const start = now - 5000;
    const end = now + 15_000;
    expect(remainingFraction(start, end, start)).toBe(1);
    expect(remainingFraction(start, end, now)).toBe(0.75);
    expect(remainingFraction(start, end, end + 1)).toBe(0);
  });

  it('is zero for an empty or inverted interval', () => {
    expect(remainingFraction(now, now, now)).toBe(0);
    expect(remainingFraction(now + 1, now, now)).toBe(0);
  });
});

describe('countdownTone', () => {
  it('warns at ten seconds, urges at five, and is over at zero', () => {
    expect(countdownTone(30)).toBe('calm');
    expect(countdownTone(11)).toBe('calm');
    expect(countdownTone(10)).toBe('warning');
    expect(countdownTone(5)).toBe('urgent');
    expect(countdownTone(1)).toBe('urgent');
    expect(countdownTone(0)).toBe('over');
  });
});

describe('clockSkew', () => {
  it('is the server time minus the local time of reception', () => {
    expect(clockSkew('2026-03-10T12:00:02Z', now)).toBe(2000);
    expect(clockSkew('2026-03-10T11:59:59Z', now)).toBe(-1000);
  });

  it('is zero without a readable server time', () => {
    expect(clockSkew(undefined, now)).toBe(0);
    expect(clockSkew('never', now)).toBe(0);
  });
});
