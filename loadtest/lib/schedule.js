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

/** A channel's arrivals per second: its whole-percentage share of the total rate. */
export function channelRate(totalPerSecond, percent) {
  return (totalPerSecond * percent) / 100;
}

/**
 * k6's arrival-rate executors start whole iterations per time unit: rates per second when every
 * rate is whole, otherwise per minute (0.5/s → 30 a minute). `rates` in the unit.
 */
export function inTimeUnit(ratesPerSecond) {
  if (ratesPerSecond.every((r) => Number.isInteger(r))) return { timeUnit: '1s', rates: ratesPerSecond };
  return { timeUnit: '1m', rates: ratesPerSecond.map((r) => Math.round(r * 60)) };
}

/**
 * The longest a channel citizen waits for its agent's message after asking for one: the offer may
 * expire once before an agent takes it, plus the think time and room for the bot and the handoff.
 */
export function channelFlowTimeoutMs(profile) {
  return profile.offerTimeoutSeconds * 1000 + profile.thinkMs[1] + 15_000;
}

/**
 * An agent's capacity: one chat at a time (API and webchat sessions are both `chat`), and one
 * WhatsApp conversation besides when the mix has WhatsApp citizens.
 */
export function agentCapacity(profile) {
  return profile.mix && profile.mix.whatsapp > 0 ? { chat: 1, whatsapp: 1 } : { chat: 1 };
}
