import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, DEFAULT_BACKOFF } from '$lib/connection/backoff';

const middle = () => 0.5; // no jitter: the spread is centred

describe('backoffDelay', () => {
  it('doubles from half a second', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, DEFAULT_BACKOFF, middle))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the ceiling, however many attempts failed', () => {
    expect(backoffDelay(6, DEFAULT_BACKOFF, middle)).toBe(30_000);
    expect(backoffDelay(50, DEFAULT_BACKOFF, middle)).toBe(30_000);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.999)).toBeLessThanOrEqual(30_000);
  });

  it('spreads each delay by the jitter either way', () => {
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(1600);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 1)).toBe(2400);
  });

  it('treats a negative or fractional attempt as the nearest valid one', () => {
    expect(backoffDelay(-3, DEFAULT_BACKOFF, middle)).toBe(500);
    expect(backoffDelay(1.7, DEFAULT_BACKOFF, middle)).toBe(1000);
  });
});

describe('Backoff', () => {
  it('grows with each failure and starts over after a reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 800, 1000]);
    expect(backoff.attempts).toBe(5);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(100);
  });
});
