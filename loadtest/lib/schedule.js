// Pure helpers shared by the scenarios (and checked by the runner's tests under Node): how long
// things last, which arrival step a moment belongs to, ids, random times.

/** Seconds from the first arrival to the last (mirrors arrivalSeconds in src/profiles.ts). */
export function arrivalSeconds(arrival) {
  return arrival.kind === 'constant' ? arrival.durationSeconds : arrival.ratesPerSecond.length * (arrival.rampSeconds + arrival.holdSeconds);
}

/** Seconds agents and boards stay connected: warm-up, arrivals, drain. */
export function connectedSeconds(profile) {
  return profile.warmupSeconds + arrivalSeconds(profile.arrival) + profile.drainSeconds;
}

/**
 * The step (its rate) a session created `elapsedMs` after the first arrival belongs to, for
 * stepped arrivals; only the hold part of a step counts, ramps belong to none.
 */
export function stepAt(arrival, elapsedMs) {
  if (arrival.kind !== 'steps') return undefined;
  const period = (arrival.rampSeconds + arrival.holdSeconds) * 1000;
  const index = Math.floor(elapsedMs / period);
  if (index < 0 || index >= arrival.ratesPerSecond.length) return undefined;
  return elapsedMs - index * period >= arrival.rampSeconds * 1000 ? arrival.ratesPerSecond[index] : undefined;
}

export const groupId = (index) => `lt-g${index}`;
export const agentId = (index) => `lt-a${index}`;

/** Uniform in [min, max]. */
export function between([min, max]) {
  return min + Math.random() * (max - min);
}
