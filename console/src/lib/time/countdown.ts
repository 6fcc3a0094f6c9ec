// Countdowns to a server deadline (offer expiry, end of wrap-up), corrected for the difference
// between the server's clock and this browser's.

export type CountdownTone = 'calm' | 'warning' | 'urgent' | 'over';

/** Whole seconds left until `deadline` (ISO or ms), rounding up so "1" shows until the very end. */
export function remainingSeconds(deadline: string | number, now: number, skewMs = 0): number {
  const end = typeof deadline === 'number' ? deadline : Date.parse(deadline);
  if (!Number.isFinite(end)) return 0;
  return Math.max(0, Math.ceil((end - (now + skewMs)) / 1000));
}

/** Share of the time still left, 0..1, for progress bars. */
export function remainingFraction(start: string | number, deadline: string | number, now: number, skewMs = 0): number {
  const from = typeof start === 'number' ? start : Date.parse(start);
  const to = typeof deadline === 'number' ? deadline : Date.parse(deadline);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return 0;
  return Math.min(1, Math.max(0, (to - (now + skewMs)) / (to - from)));
}

export function countdownTone(secondsLeft: number): CountdownTone {
  if (secondsLeft <= 0) return 'over';
  if (secondsLeft <= 5) return 'urgent';
  if (secondsLeft <= 10) return 'warning';
  return 'calm';
}

/**
 * The server's clock minus ours, from a message stamped with the server's time: add it to
 * Date.now() to read the server's time. Transit delay makes it slightly low, never by much.
 */
export function clockSkew(serverTime: string | undefined, receivedAt: number): number {
  if (!serverTime) return 0;
  const server = Date.parse(serverTime);
  return Number.isFinite(server) ? server - receivedAt : 0;
}
