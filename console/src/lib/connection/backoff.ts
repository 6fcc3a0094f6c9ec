// Exponential backoff with jitter for reconnecting sockets: 0.5 s, 1 s, 2 s … up to 30 s, each
// spread by ±20 % so that a restarted server is not hit by every console at the same instant.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay randomised either way (0.2 → ±20 %). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** The delay before reconnect attempt `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  const spread = 1 - options.jitter + 2 * options.jitter * random();
  return Math.round(Math.min(options.maxMs, Math.max(0, base * spread)));
}

/** The attempt counter of one connection: next() after a failure, reset() once connected. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    return backoffDelay(this.attempt++, this.options, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }
}
