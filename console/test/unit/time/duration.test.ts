import { describe, expect, it } from 'vitest';
import { describeDuration, elapsedSeconds, formatDuration, formatOptionalDuration } from '$lib/time/duration';

describe('formatDuration', () => {
  it('shows minutes and zero-padded seconds under an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(42)).toBe('0:42');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3599)).toBe('59:59');
  });

  it('adds hours with zero-padded minutes from an hour on', () => {
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(26 * 3600 + 5)).toBe('26:00:05');
  });

  it('drops fractions and never shows a negative or invalid duration', () => {
    expect(formatDuration(59.99)).toBe('0:59');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
    expect(formatDuration(Infinity)).toBe('0:00');
  });

  it('shows a dash for an average that does not exist yet', () => {
    expect(formatOptionalDuration(null)).toBe('—');
    expect(formatOptionalDuration(undefined)).toBe('—');
    expect(formatOptionalDuration(61.4)).toBe('1:01');
  });
});

describe('describeDuration', () => {
  it('reads a duration out in words for screen readers', () => {
    expect(describeDuration(0)).toBe('0 s');
    expect(describeDuration(65)).toBe('1 min 5 s');
    expect(describeDuration(3600)).toBe('1 h');
    expect(describeDuration(3723)).toBe('1 h 2 min 3 s');
  });
});

describe('elapsedSeconds', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');

  it('counts whole seconds from an ISO instant or epoch milliseconds', () => {
    expect(elapsedSeconds('2026-03-10T11:59:00Z', now)).toBe(60);
    expect(elapsedSeconds(now - 1500, now)).toBe(1);
  });

  it('is zero for a missing, unparseable or future start', () => {
    expect(elapsedSeconds(undefined, now)).toBe(0);
    expect(elapsedSeconds('not a date', now)).toBe(0);
    expect(elapsedSeconds('2026-03-10T12:00:05Z', now)).toBe(0);
  });
});
